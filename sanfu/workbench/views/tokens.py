"""A staff member's own tokens for the staff API: create (the secret shown once) and revoke."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sanfu.api.keys import staff_token_create, staff_token_revoke
from sanfu.api.models import StaffToken
from sanfu.lib.errors import NotFound, ValidationFailed
from sanfu.workbench.views.common import staff


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100)
    expires_on = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _page(
    request: HttpRequest, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    tokens = StaffToken.objects.filter(user=staff(request)).order_by("-created_at")
    context = {"form": form, "tokens": tokens, "secret": secret}
    return render(request, "workbench/tokens.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    expires_on = form.cleaned_data["expires_on"]
    expires_at = None
    if expires_on is not None:
        # Valid through the chosen day, local time.
        expires_at = timezone.make_aware(datetime.combine(expires_on, time.max))
    try:
        _row, secret = staff_token_create(
            user=staff(request), name=form.cleaned_data["name"], expires_at=expires_at
        )
    except ValidationFailed as error:
        field = "expires_on" if error.field == "expires_at" else error.field
        form.add_error(field if field in form.fields else None, str(error.message))
        return _page(request, form, status=400)
    # The secret is in this response only; it is stored as a hash.
    return _page(request, TokenForm(), secret=secret)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        staff_token_revoke(token_id=token_id, user=staff(request))
    except NotFound as error:
        raise Http404 from error
    return redirect("workbench:tokens")
