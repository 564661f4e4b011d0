"""The importer reads uploaded tables through `sanfu.lib.tables`, which every import shares."""

from __future__ import annotations

from sanfu.lib.tables import Row, Table, decode, read_table

__all__ = ["Row", "Table", "decode", "read_table"]
