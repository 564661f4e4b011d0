"""Showing a service's refusal where the person can act on it: on the field it names."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from sanfu.lib.errors import ApplicationError


def show_on_form(
    form: forms.Form, error: ApplicationError, *, aliases: Mapping[str, str] | None = None
) -> None:
    """Attach `error` to the field it names (or the form's field standing for it, through
    `aliases`), or to the whole form when the form has no such field."""
    name = error.field or ""
    name = (aliases or {}).get(name, name)
    form.add_error(name if name in form.fields else None, error.message)
