"""A staff member's queues and case lists: filtered, searched, sorted and paged.

Every list starts from `Case.objects.visible_to(user)` (through `queues_for_user`), so a filter
can only narrow what the person may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanfu.cases.figures import category_condition
from sanfu.cases.models import Case, Category
from sanfu.cases.selectors import HANDLING_PARTS as HANDLING_PARTS_BY_NAME
from sanfu.cases.selectors import Queues, queues_for_user
from sanfu.directory.models import Unit, User

PAGE_SIZE = 25
# An export is for a report, not a copy of the database.
EXPORT_LIMIT = 20_000


class Queue(StrEnum):
    TO_DISPATCH = "to_dispatch"
    TO_SIGN = "to_sign"
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    EXTENSIONS = "extensions"
    SUPERVISION = "supervision"
    ALL = "all"


QUEUE_LABELS: dict[Queue, Promise] = {
    Queue.TO_DISPATCH: _("To dispatch"),
    Queue.TO_SIGN: _("To sign for"),
    Queue.IN_PROGRESS: _("In progress"),
    Queue.DUE_SOON: _("Due soon"),
    Queue.OVERDUE: _("Overdue"),
    Queue.EXTENSIONS: _("Extensions to decide"),
    Queue.SUPERVISION: _("Supervision orders"),
    Queue.ALL: _("All my cases"),
}
COUNTED = [queue for queue in Queue if queue is not Queue.ALL]


def queue_cases(*, user: User, queue: Queue, queues: Queues | None = None) -> QuerySet[Case]:
    """The cases of one queue; extension requests and supervision orders by their cases."""
    if queue is Queue.ALL:
        return Case.objects.visible_to(user)
    queues = queues or queues_for_user(user=user)
    if queue is Queue.EXTENSIONS:
        return Case.objects.filter(pk__in=queues.extensions_to_decide.values("case_id"))
    if queue is Queue.SUPERVISION:
        return Case.objects.filter(pk__in=queues.supervision_orders.values("case_id"))
    chosen: QuerySet[Case] = getattr(queues, queue.value)
    return chosen


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    label: str
    count: int


# Parts of `Queues.handling`, counted together in one query.
HANDLING_PARTS: dict[Queue, Q] = {
    Queue(name): part for name, part in HANDLING_PARTS_BY_NAME.items()
}


def queue_counts(*, user: User, queues: Queues | None = None) -> list[QueueCount]:
    queues = queues or queues_for_user(user=user)
    together = queues.handling.aggregate(
        **{
            queue.value: Count("pk", filter=condition)
            for queue, condition in HANDLING_PARTS.items()
        }
    )
    counts: list[QueueCount] = []
    for queue in COUNTED:
        if queue in HANDLING_PARTS:
            count = together[queue.value]
        else:
            count = queue_cases(user=user, queue=queue, queues=queues).count()
        counts.append(QueueCount(queue, str(QUEUE_LABELS[queue]), count))
    return counts


class Sort(StrEnum):
    NEWEST = "-received"
    OLDEST = "received"
    DEADLINE = "deadline"
    NUMBER = "number"


SORT_LABELS: dict[Sort, Promise] = {
    Sort.NEWEST: _("Newest first"),
    Sort.OLDEST: _("Oldest first"),
    Sort.DEADLINE: _("Nearest deadline"),
    Sort.NUMBER: _("Case number"),
}


@dataclass(frozen=True)
class CaseFilters:
    unit: Unit | None = None
    category: Category | None = None
    channel: str = ""
    state: str = ""
    received_from: date | None = None
    received_to: date | None = None  # inclusive
    search: str = ""
    sort: Sort = Sort.NEWEST


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_cases(cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    if filters.unit is not None:
        path = filters.unit.path
        cases = cases.filter(
            Q(location_unit__path__descendant=path) | Q(lead_unit__path__descendant=path)
        )
    if filters.category is not None:
        cases = cases.filter(category_condition(filters.category))
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.received_from:
        cases = cases.filter(received_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        cases = cases.filter(received_at__lt=_day_start(filters.received_to + timedelta(days=1)))
    if filters.search:
        cases = _search(cases, filters.search)
    return _sort(cases, filters.sort)


def _search(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    text = text.strip()
    # A case number is letters and digits with a dash: look it up by its unique index.
    if "-" in text and text.replace("-", "").isalnum() and " " not in text:
        return cases.filter(number__startswith=text.upper())
    return cases.filter(Q(title__icontains=text) | Q(text__icontains=text))


def _sort(cases: QuerySet[Case], sort: Sort) -> QuerySet[Case]:
    if sort is Sort.OLDEST:
        return cases.order_by("received_at", "id")
    if sort is Sort.DEADLINE:
        return cases.order_by(F("reply_deadline").asc(nulls_last=True), "id")
    if sort is Sort.NUMBER:
        return cases.order_by("number")
    return cases.order_by("-received_at", "-id")


def with_list_columns(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("category", "location_unit", "lead_unit", "desk_unit")


@dataclass(frozen=True)
class CasePage:
    """One page of a list, without counting the whole list: on a county's million cases
    a COUNT(*) would cost more than the page itself."""

    cases: list[Case]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def case_page(cases: QuerySet[Case], *, number: int, size: int | None = None) -> CasePage:
    size = size or PAGE_SIZE
    number = max(1, number)
    start = (number - 1) * size
    rows = list(with_list_columns(cases)[start : start + size + 1])
    return CasePage(cases=rows[:size], number=number, has_next=len(rows) > size)


def export_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    return with_list_columns(cases)[:EXPORT_LIMIT]


@dataclass(frozen=True)
class Home:
    counts: list[QueueCount]
    queue: Queue
    page: CasePage


def choose_queue(value: str | None, counts: list[QueueCount]) -> Queue:
    if value in {queue.value for queue in Queue}:
        return Queue(value)
    # Without a choice, the first queue with work in it.
    return next((count.queue for count in counts if count.count), Queue.TO_SIGN)


def workbench_home(*, user: User, queue: str | None, filters: CaseFilters, page: int) -> Home:
    """The queues with their counts, and one page of the chosen queue, filtered."""
    queues = queues_for_user(user=user)
    counts = queue_counts(user=user, queues=queues)
    chosen = choose_queue(queue, counts)
    cases = filter_cases(queue_cases(user=user, queue=chosen, queues=queues), filters)
    return Home(counts=counts, queue=chosen, page=case_page(cases, number=page))


def queue_export(*, user: User, queue: str | None, filters: CaseFilters) -> QuerySet[Case]:
    chosen = Queue(queue) if queue in {q.value for q in Queue} else Queue.ALL
    return export_rows(filter_cases(queue_cases(user=user, queue=chosen), filters))
