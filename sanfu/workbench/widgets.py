"""Widgets that render in Python what Django renders through a template per option.

A county's unit list has some 170 options and the catalogue 650: through Django's option
templates (three template renders each) that alone cost a few hundred milliseconds per page
on the workbench home and the dashboard. The HTML is the same.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        rows = []
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            selected = mark_safe(" selected") if text in chosen else ""
            rows.append((text, selected, label))
        options = format_html_join("", '<option value="{}"{}>{}</option>', rows)
        return format_html("<select{}>{}</select>", flatatt(final), options)
