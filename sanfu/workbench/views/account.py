"""A staff member changes their own password (Django's view, in the workbench's layout)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _


class PasswordChange(auth_views.PasswordChangeView):
    """The old password, the new one twice (the project's validators); the session stays."""

    template_name = "workbench/password_change.html"
    success_url = reverse_lazy("workbench:home")

    def form_valid(self, form: Any) -> Any:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change = PasswordChange.as_view()
