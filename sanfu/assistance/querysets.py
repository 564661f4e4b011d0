"""The access choke point for assistance rows: `visible_to(user)`.

A finding is seen by staff whose units hold the person's place (their village or town) and by
staff of the bodies whose records or programmes it concerns; nobody else. Persons and records
follow the same rule through their place and source. Rules as in sanfu.directory.querysets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from sanfu.directory.querysets import AnyUser, scope_filter

if TYPE_CHECKING:
    from sanfu.assistance.models import Finding, ImportBatch, SourceRecord  # noqa: F401


class FindingQuerySet(models.QuerySet["Finding"]):
    def visible_to(self, user: AnyUser) -> FindingQuerySet:
        scoped = scope_filter(self, user, "place__path", "bodies__path")
        # The join over bodies repeats a finding once per matching body.
        return scoped.distinct() if scoped.query.where else scoped


class BatchQuerySet(models.QuerySet["ImportBatch"]):
    def visible_to(self, user: AnyUser) -> BatchQuerySet:
        return scope_filter(self, user, "source__path")


class RecordQuerySet(models.QuerySet["SourceRecord"]):
    def visible_to(self, user: AnyUser) -> RecordQuerySet:
        return scope_filter(self, user, "source__path", "person__place__path")
