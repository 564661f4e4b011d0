"""The log-in forms, saying so when the login throttle refused a try."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sanfu.directory.logins import LOGIN_WINDOW, login_throttled, request_address

THROTTLED = _(
    "Too many failed log-ins for this account or from this address. Try again in "
    "%(minutes)d minutes, or ask an administrator to unlock the account."
)


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            username = str(self.cleaned_data.get("username") or "")
            if login_throttled(username=username, address=request_address(self.request)):
                raise ValidationError(
                    THROTTLED,
                    code="throttled",
                    params={"minutes": int(LOGIN_WINDOW.total_seconds() // 60)},
                ) from None
            raise
