"""Staff log-in, with an SMS code after the password where the account needs one.

The password step (throttled in the authentication backend) does not log in an account that
needs a second factor: it texts a one-time code (`notify.codes`) to the account's phone and keeps
only "who, since when, where next" in the session. The code step logs in. The admin's own log-in
page sends here, so no door skips the second factor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sanfu.directory.forms import ThrottledAuthenticationForm
from sanfu.directory.logins import second_factor_needed, second_factor_required, second_factor_set
from sanfu.directory.models import User
from sanfu.lib.addresses import client_address
from sanfu.lib.masking import mask_phone
from sanfu.notify.codes import CODE_MINUTES, TooManyCodes, check_code, issue_code

LOGIN_PURPOSE = "login"
ENROL_PURPOSE = "second-factor-enrol"
PENDING = "sanfu_second_factor"
NO_PHONE = gettext_lazy("Your account has no phone number: ask an administrator.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the text message"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class StaffLogout(auth_views.LogoutView):
    """Log out, and have the browser forget what this site kept on the device: a grid worker's
    phone is often shared, and the outreach pages keep visits (IndexedDB) and pages (the
    service worker's cache) for work without a connection. `Clear-Site-Data` wipes them, the
    service worker too, even when the page's own script did not run; the log-out button's
    script (outreach/logout.js) warns first when visits recorded offline are still unsent."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class StaffLogin(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.get_user()
        if not second_factor_needed(user):
            return super().form_valid(form)
        if not user.phone:
            form.add_error(
                None,
                _(
                    "This account logs in with a code by text message, but has no phone number."
                    " Ask an administrator to add one."
                ),
            )
            return self.form_invalid(form)
        try:
            issue_code(LOGIN_PURPOSE, user.phone, address=client_address(self.request))
        except TooManyCodes as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": str(getattr(user, "backend", "")),
            "at": timezone.now().isoformat(),
            "next": self.get_success_url(),
        }
        return redirect("second_factor")


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    started = datetime.fromisoformat(str(pending.get("at")))
    if (timezone.now() - started).total_seconds() > CODE_MINUTES * 60:
        del request.session[PENDING]
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return None if user is None else (user, pending)


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponseBase:
    """The code step of a log-in the password step began."""
    found = _pending(request)
    if found is None:
        messages.info(request, _("Log in again: the code step has expired."))
        return redirect("login")
    user, pending = found
    form = CodeForm(request.POST if request.POST.get("action") != "resend" else None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            issue_code(LOGIN_PURPOSE, user.phone, address=client_address(request))
            messages.success(request, _("A new code has been sent."))
        except TooManyCodes as error:
            messages.error(request, error.message)
        return redirect("second_factor")
    if request.method == "POST" and form.is_valid():
        if check_code(LOGIN_PURPOSE, user.phone, form.cleaned_data["code"]):
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"] or None)
            target = str(pending.get("next") or "")
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = resolve_url(settings.LOGIN_REDIRECT_URL)
            return redirect(target)
        form.add_error("code", _("The code is wrong or has expired. Ask for a new one."))
    context = {"form": form, "phone": mask_phone(user.phone), "minutes": CODE_MINUTES}
    status = 400 if form.errors else 200
    return render(request, "registration/second_factor.html", context, status=status)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's log-in page: the staff log-in, then back to the admin."""
    target = request.GET.get("next") or reverse("admin:index")
    if request.user.is_authenticated and request.user.is_staff:
        return redirect(target if url_has_allowed_host_and_scheme(target, None) else "/admin/")
    return redirect_to_login(target, reverse("login"))


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_settings(request: HttpRequest) -> HttpResponseBase:
    """A staff member turns their own SMS code at log-in on (proving the phone) or off."""
    user = User.objects.get(pk=int(request.user.pk or 0))
    required = second_factor_required(user)
    action = request.POST.get("action", "")
    form = CodeForm(request.POST if action == "confirm" else None)
    enrolling = action in {"start", "confirm"}
    if request.method == "POST":
        if action == "start":
            if not user.phone:
                messages.error(
                    request, _("Your account has no phone number: ask an administrator.")
                )
                return redirect("workbench:second_factor")
            try:
                issue_code(ENROL_PURPOSE, user.phone, address=client_address(request))
            except TooManyCodes as error:
                messages.error(request, error.message)
                return redirect("workbench:second_factor")
        elif action == "confirm" and form.is_valid():
            if check_code(ENROL_PURPOSE, user.phone, form.cleaned_data["code"]):
                second_factor_set(user=user, on=True)
                messages.success(request, _("From now on you log in with a code by text message."))
                return redirect("workbench:second_factor")
            form.add_error("code", _("The code is wrong or has expired. Ask for a new one."))
        elif action == "off":
            if required:
                messages.error(request, _("The county requires a code at log-in for your role."))
            else:
                second_factor_set(user=user, on=False)
                messages.success(request, _("You log in with your password alone again."))
            return redirect("workbench:second_factor")
    context = {
        "form": form,
        "enrolling": enrolling,
        "on": user.second_factor or required,
        "required": required,
        "phone": mask_phone(user.phone) if user.phone else "",
        "name": "second_factor",
        "no_phone": NO_PHONE,
    }
    return render(
        request,
        "workbench/second_factor.html",
        context,
        status=400 if form.errors else 200,
    )
