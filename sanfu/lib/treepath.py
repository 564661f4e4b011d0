"""Materialised paths: "this node and everything under it" as one indexed prefix scan.

A path is the chain of ids from the root, each as a fixed-width decimal segment followed by a
dot: the root 1 is "0000000001." and its child 12 is "0000000001.0000000012.". Only digits and
dots appear, so a prefix never needs escaping.

Why a materialised path rather than nested sets or a closure table: the organisation tree is
read far more than it changes (re-zoning is rare), so reads should be one index range scan and
writes may rewrite a subtree; nested sets would renumber half the table on every new grid, and a
closure table multiplies rows by depth for no faster read.

The prefix lookup is written by hand for each engine because Django's `startswith` cannot use an
index on SQLite (its LIKE is case-insensitive there); GLOB is case-sensitive and can. On
PostgreSQL Django adds a varchar_pattern_ops index to an indexed CharField, which LIKE 'p%' uses.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler

SEGMENT_WIDTH = 10
MAX_DEPTH = 8


def path_segment(node_id: int) -> str:
    return f"{node_id:0{SEGMENT_WIDTH}d}."


def child_path(parent_path: str, node_id: int) -> str:
    return parent_path + path_segment(node_id)


def path_depth(path: str) -> int:
    return len(path) // (SEGMENT_WIDTH + 1)


def path_ids(path: str) -> list[int]:
    """Ids from the root down to the node itself."""
    return [int(segment) for segment in path.split(".") if segment]


def outermost_paths(paths: list[str]) -> list[str]:
    """Drop paths that lie under another path in the list (their subtree is already covered)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


class PathField(models.CharField[str, str]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", (SEGMENT_WIDTH + 1) * MAX_DEPTH)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)


@PathField.register_lookup
class Descendant(models.Lookup[str]):
    """`path__descendant=p`: rows whose path starts with p (the node p itself included)."""

    lookup_name = "descendant"
    prepare_rhs = False

    def _parts(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not isinstance(self.rhs, str) or not self.rhs.replace(".", "").isdigit():
            raise ValueError("a tree path holds only digits and dots")
        return lhs, lhs_params

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self._parts(compiler, connection)
        return f"{lhs} LIKE %s", [*lhs_params, f"{self.rhs}%"]

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self._parts(compiler, connection)
        return f"{lhs} GLOB %s", [*lhs_params, f"{self.rhs}*"]
