"""One application error type; views, the API and commands map it to their one error format."""

from __future__ import annotations

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A refusal the user can act on: `field` names what to fix, `message` says what is wrong."""

    code = "invalid"
    # The HTTP status a web page answers with (Zulip's JsonableError carries its own the same
    # way); the Open311 and staff API formats map a few kinds to their own (sanfu.api.errors).
    status = 400

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationFailed(ApplicationError):
    code = "invalid"


class NotFound(ApplicationError):
    """Also what an outsider gets for a row that exists but is not theirs to see."""

    code = "not_found"
    status = 404


class PermissionDenied(ApplicationError):
    code = "forbidden"
    status = 403


class Conflict(ApplicationError):
    code = "conflict"
    status = 409
