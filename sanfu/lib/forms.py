"""Showing a service's refusal where the person can act on it: on the field it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanfu.lib.errors import ApplicationError
from sanfu.lib.limits import normalise_newlines, too_long


def show_on_form(
    form: forms.Form, error: ApplicationError, *, aliases: Mapping[str, str] | None = None
) -> None:
    """Attach `error` to the field it names (or the form's field standing for it, through
    `aliases`), or to the whole form when the form has no such field."""
    name = error.field or ""
    name = (aliases or {}).get(name, name)
    form.add_error(name if name in form.fields else None, error.message)


class LimitedTextField(forms.CharField):
    """Text with a limit the person can see coming.

    No `maxlength` attribute: with it a browser silently cuts pasted text at the limit and the
    rest is lost without a word. Instead the widget carries `data-limit` and the words of a
    live counter (static/sanfu/forms.js), and an over-long text is refused with a message that
    names the field, also when the page's script was bypassed.
    """

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        attrs["data-limit"] = str(self.limit)
        # Lazy: rendered in the language of the request, not of the import.
        attrs["data-limit-count"] = _("{count} / {limit} characters")
        attrs["data-limit-over"] = _("{over} characters too many: at most {limit}.")
        return attrs

    def to_python(self, value: Any) -> str:
        return normalise_newlines(str(super().to_python(value)))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(value) > self.limit:
            raise forms.ValidationError(
                too_long(str(self.label), count=len(value), limit=self.limit), code="max_length"
            )
