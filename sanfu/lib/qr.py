"""QR codes of links, made on the server (segno): no image service, no script.

One place for every printed or shown code: the grassroots lists' notice-board sheets and the
surveys' posters.
"""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, scale: int = 3) -> str:
    """The QR code of `url` as inline SVG (its title is the link, for screen readers)."""
    return str(segno.make(url, error="m").svg_inline(scale=scale, title=url))


def qr_svg_file(url: str, *, scale: int = 10) -> bytes:
    """The QR code of `url` as a standalone SVG file, large enough to print on a poster."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, title=url)
    return buffer.getvalue()
