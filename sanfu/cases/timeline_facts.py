"""The answer and rating facts, read back from the timeline.

For cases whose history was written before those facts were kept (the migration that
introduced them) or written straight into the tables (the synthetic history): every "replied"
event becomes an answer, every "rated" event a rating of the latest answer before it — the
不满意 that reopened a case included, which is the point. Models are passed in, so the
migration can use its historical ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from django.db.models import Exists, OuterRef

CHUNK = 2000


def _events(event_model: Any, case_ids: list[int]) -> Iterator[Any]:
    rows: Iterator[Any] = (
        event_model.objects.filter(case_id__in=case_ids, kind__in=["replied", "rated"])
        .order_by("case_id", "at", "id")
        .values_list("case_id", "kind", "at", "actor_id", "actor_unit_id", "note", "data")
        .iterator(chunk_size=CHUNK)
    )
    return rows


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for case_id in ids:
        chunk.append(case_id)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def facts_from_timeline(
    *, case_model: Any, event_model: Any, reply_model: Any, rating_model: Any
) -> tuple[int, int]:
    """Add the facts of every case that has none yet; (answers, ratings) added."""
    # EXISTS / NOT EXISTS, not IN / NOT IN: PostgreSQL turns a NOT IN over a million
    # answers that do not fit its work memory into a scan per case (the seeder's million-case
    # run waited on it for over ten minutes); NOT EXISTS is an anti-join.
    replied = event_model.objects.filter(case_id=OuterRef("pk"), kind="replied")
    answered = reply_model.objects.filter(case_id=OuterRef("pk"))
    pending = (
        case_model.objects.filter(Exists(replied))
        .exclude(Exists(answered))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    replies = ratings = 0
    for case_ids in _chunks(list(pending)):
        added = _chunk_facts(case_model, event_model, reply_model, rating_model, case_ids)
        replies += added[0]
        ratings += added[1]
    return replies, ratings


def _chunk_facts(
    case_model: Any, event_model: Any, reply_model: Any, rating_model: Any, case_ids: list[int]
) -> tuple[int, int]:
    cases = {
        row[0]: row
        for row in case_model.objects.filter(pk__in=case_ids).values_list(
            "pk",
            "replied_at",
            "replied_on_time",
            "handling_working_days",
            "reply_unit_id",
            "lead_unit_id",
            "reply_kind",
        )
    }
    new_replies: list[Any] = []
    # Ratings wait for their answer's id: (index of the answer in new_replies, fields).
    pending_ratings: list[tuple[int, dict[str, Any]]] = []
    for case_id, rows in groupby(_events(event_model, case_ids), key=lambda row: row[0]):
        _pk, replied_at, on_time, days, reply_unit, lead_unit, reply_kind = cases[case_id]
        latest: int | None = None
        rated: set[int] = set()
        first = True
        for _case, kind, at, actor_id, unit_id, note, data in rows:
            data = data if isinstance(data, dict) else {}
            if kind == "replied":
                unit = unit_id or reply_unit or lead_unit
                if unit is None:  # pragma: no cover - a reply always names its unit
                    continue
                current = at == replied_at
                new_replies.append(
                    reply_model(
                        case_id=case_id,
                        unit_id=unit,
                        at=at,
                        kind=data.get("kind") or reply_kind or "solved",
                        on_time=data.get("on_time", on_time if current else None),
                        unit_on_time=data.get("unit_on_time"),
                        working_days=days if current else None,
                        first=first,
                    )
                )
                latest = len(new_replies) - 1
                first = False
            elif latest is not None and latest not in rated and data.get("rating"):
                rated.add(latest)
                callback = bool(data.get("callback")) and actor_id is not None
                fields = {
                    "case_id": case_id,
                    "at": at,
                    "satisfaction": data["rating"],
                    "solved": data.get("solved"),
                    "callback": callback,
                    "actor_id": actor_id if callback else None,
                    "comment": note or "",
                    "first": new_replies[latest].first,
                }
                pending_ratings.append((latest, fields))
    reply_model.objects.bulk_create(new_replies, batch_size=CHUNK)
    if any(reply.pk is None for reply in new_replies):  # pragma: no cover - old SQLite
        ids = {
            (case_id, at): pk
            for case_id, at, pk in reply_model.objects.filter(case_id__in=case_ids).values_list(
                "case_id", "at", "pk"
            )
        }
        for reply in new_replies:
            reply.pk = ids[(reply.case_id, reply.at)]
    rating_model.objects.bulk_create(
        [
            rating_model(reply_id=new_replies[index].pk, **fields)
            for index, fields in pending_ratings
        ],
        batch_size=CHUNK,
    )
    return len(new_replies), len(pending_ratings)
