"""`{% vendor_script "htmx.min.js" %}`: a script tag for an installed front-end asset.

Renders nothing when the file is not among the static files (assets not installed, or not
collected): the pages are plain forms and links that work without JavaScript, so a missing
asset must cost the enhancement, never a server error from the manifest storage.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from sanfu.portal.assets import PREFIX

register = template.Library()


@register.simple_tag
def vendor_script(name: str) -> str:
    try:
        url = static(f"{PREFIX}/{name}")
    except ValueError:
        # ManifestStaticFilesStorage: the file was not collected.
        return ""
    return format_html('<script src="{}" defer></script>', url)
