"""The catalogue as Open311 services: which categories are offered, their questions and limits.

Service codes are the catalogue's category codes. The services offered are the categories
clients should file under: active ones without active subcategories (the matters of the
three-level catalogue), whose broader categories are active too.

The catalogue, its time limits and questions are read into a `Snapshot` that each server
process keeps for a minute (`snapshot()`): a POST or a page of a thousand requests then costs
no catalogue queries at all. A change in this process's admin drops it at once (see
`forget_snapshot`, wired to the models' save and delete signals); other processes see the
change within the minute.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanfu.api.models import Datatype, ServiceAttribute
from sanfu.cases.catalogue import BUILT_IN_SLA, SlaTerms
from sanfu.cases.models import Category, Priority, RequesterKind, Sla


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True)
class Question:
    """One attribute of a service definition."""

    code: str
    description: str
    datatype: str = Datatype.STRING
    required: bool = False
    variable: bool = True
    datatype_description: str = ""
    values: tuple[Choice, ...] = ()
    order: int = 0  # only for sorting; numbered 1… in the definition
    built_in: bool = False


# The questions every service asks: the parts of a case Open311's own parameters do not cover.
REQUESTER_KIND = "requester_kind"
ENTERPRISE_NAME = "enterprise_name"
TITLE = "title"
CONFIDENTIAL = "confidential"
TIME_LIMIT = "time_limit"
BUILT_IN_CODES = frozenset({REQUESTER_KIND, ENTERPRISE_NAME, TITLE, CONFIDENTIAL, TIME_LIMIT})


def built_in_questions(terms: SlaTerms) -> list[Question]:
    """The questions every service asks, in the active language (built once per language and
    time limits: a POST checks its answers against them)."""
    return list(_built_in_questions(terms.sign_hours, terms.reply_days, get_language()))


@functools.lru_cache(maxsize=64)
def _built_in_questions(
    sign_hours: int, reply_days: int, language: str | None
) -> tuple[Question, ...]:
    terms = SlaTerms(sign_hours=sign_hours, reply_days=reply_days)
    return (
        Question(
            code=TIME_LIMIT,
            description=_(
                "Signed for within %(hours)d hours and answered within %(days)d working days."
            )
            % {"hours": terms.sign_hours, "days": terms.reply_days},
            variable=False,
            order=1,
            built_in=True,
        ),
        Question(
            code=REQUESTER_KIND,
            description=_("Who is asking?"),
            datatype=Datatype.SINGLE,
            datatype_description=_("A resident unless an enterprise is named."),
            values=(
                Choice(RequesterKind.RESIDENT, _("A resident")),
                Choice(RequesterKind.ENTERPRISE, _("An enterprise")),
                Choice(RequesterKind.ANONYMOUS, _("Anonymous")),
            ),
            order=2,
            built_in=True,
        ),
        Question(
            code=ENTERPRISE_NAME,
            description=_("The enterprise's name, when an enterprise asks."),
            datatype_description=_("At most 100 characters."),
            order=3,
            built_in=True,
        ),
        Question(
            code=TITLE,
            description=_("A short title; taken from the description when left out."),
            datatype_description=_("At most 200 characters."),
            order=4,
            built_in=True,
        ),
        Question(
            code=CONFIDENTIAL,
            description=_("May the answer be published, without personal data?"),
            datatype=Datatype.SINGLE,
            values=(
                Choice("false", _("Yes, it may be published")),
                Choice("true", _("No, never publish it")),
            ),
            order=5,
            built_in=True,
        ),
    )


def _question(row: ServiceAttribute) -> Question:
    values = tuple(
        Choice(str(item.get("key", "")), str(item.get("name", "")))
        for item in (row.values if isinstance(row.values, list) else [])
        if isinstance(item, dict)
    )
    return Question(
        code=row.code,
        description=row.description,
        datatype=row.datatype,
        required=row.required,
        variable=row.variable,
        datatype_description=row.datatype_description,
        values=values,
        order=row.order + 100,  # after the built-in questions of the same order
    )


@dataclass
class Snapshot:
    """The categories and time limits, read once for one request."""

    by_id: dict[int, Category] = field(default_factory=dict)
    by_code: dict[str, Category] = field(default_factory=dict)
    slas: dict[tuple[int | None, str], SlaTerms] = field(default_factory=dict)
    parents_with_active_children: set[int] = field(default_factory=set)
    attributes: list[ServiceAttribute] = field(default_factory=list)

    @classmethod
    def load(cls) -> Snapshot:
        snapshot = cls()
        for category in Category.objects.only(
            "id", "code", "name", "parent_id", "level", "is_active"
        ):
            snapshot.by_id[category.pk] = category
            snapshot.by_code[category.code] = category
            if category.is_active and category.parent_id is not None:
                snapshot.parents_with_active_children.add(category.parent_id)
        for row in Sla.objects.all():
            snapshot.slas[(row.category_id, row.priority)] = SlaTerms(
                row.sign_hours, row.reply_days
            )
        snapshot.attributes = list(ServiceAttribute.objects.all())
        return snapshot

    def chain(self, category: Category) -> list[Category]:
        """The category and its broader categories, broadest first."""
        chain = [category]
        while chain[0].parent_id is not None and chain[0].parent_id in self.by_id:
            chain.insert(0, self.by_id[chain[0].parent_id])
        return chain

    def offered(self, category: Category) -> bool:
        if category.pk in self.parents_with_active_children:
            return False
        return all(node.is_active for node in self.chain(category))

    def services(self) -> list[Category]:
        return sorted((c for c in self.by_id.values() if self.offered(c)), key=lambda c: c.code)

    def service(self, code: str) -> Category | None:
        category = self.by_code.get(code)
        return category if category is not None and self.offered(category) else None

    def terms(self, category_id: int | None, priority: str = Priority.NORMAL) -> SlaTerms:
        """The time limits as `cases.catalogue.sla_for` finds them: nearest category first."""
        category = self.by_id.get(category_id) if category_id is not None else None
        chain = self.chain(category) if category is not None else []
        for node in reversed(chain):
            if (node.pk, priority) in self.slas:
                return self.slas[(node.pk, priority)]
        return self.slas.get((None, priority), BUILT_IN_SLA[priority])

    def notice(self, category_id: int | None, priority: str = Priority.NORMAL) -> str:
        terms = self.terms(category_id, priority)
        return _("Signed for within %(hours)d hours and answered within %(days)d working days.") % {
            "hours": terms.sign_hours,
            "days": terms.reply_days,
        }

    def questions(self, category: Category) -> list[Question]:
        """The service's questions in their order: built-in first, then administrators'."""
        ids = [node.pk for node in self.chain(category)]
        rows = [a for a in self.attributes if a.category_id is None or a.category_id in ids]
        nearest: dict[str, tuple[int, ServiceAttribute]] = {}
        for row in rows:
            depth = ids.index(row.category_id) + 1 if row.category_id is not None else 0
            if row.code not in nearest or depth > nearest[row.code][0]:
                nearest[row.code] = (depth, row)
        questions = built_in_questions(self.terms(category.pk))
        questions += [
            _question(row) for _depth, row in nearest.values() if row.code not in BUILT_IN_CODES
        ]
        return sorted(questions, key=lambda q: (q.order, q.code))


SNAPSHOT_SECONDS = 60
_cache: dict[str, tuple[float, Snapshot]] = {}
_lock = threading.Lock()


def snapshot() -> Snapshot:
    """This process's snapshot of the catalogue, at most a minute old."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get("snapshot")
    if cached is not None and now - cached[0] < SNAPSHOT_SECONDS:
        return cached[1]
    fresh = Snapshot.load()
    with _lock:
        _cache["snapshot"] = (now, fresh)
    return fresh


def forget_snapshot(**_kwargs: Any) -> None:
    """Drop the snapshot (a receiver of the catalogue models' save and delete signals)."""
    with _lock:
        _cache.clear()
