"""The county's own names (towns, villages, grids, departments) in the segmenter's dictionary."""

from __future__ import annotations

import math
import time

from sanfu.directory.models import Unit
from sanfu.routing.text import Segmenter

_segmenter = Segmenter()
_names_loaded_at = -math.inf
# New villages and units are picked up this often; names are only ever added.
NAMES_REFRESH_SECONDS = 300


def place_segmenter() -> Segmenter:
    """jieba with the names of the county's places and units, so "上坪村" stays one word."""
    global _names_loaded_at
    if time.monotonic() - _names_loaded_at > NAMES_REFRESH_SECONDS:
        _segmenter.add_words(Unit.objects.filter(is_active=True).values_list("name", flat=True))
        _names_loaded_at = time.monotonic()
    return _segmenter
