"""The three lists (三张清单) of a village, community or department, generated, never typed.

Each list is a sequence of sections, and each section comes from one *section builder*: a
function from a `ListContext` to a `Section` (or None when it has nothing to say here). The
builders of each list are kept in `SECTION_BUILDERS`; an app that lands later adds its own with
`register_section` from its AppConfig.ready() — outreach its linked leaders and cadres
(responsibility) and its service days (service), projects its open projects (problem) — and every
surface (page, Excel, print, portal) shows them without change.

A list never holds a resident's ID number or phone: no builder reads requester fields. Cells
that only staff may read (staff phones unless the county publishes them, case titles of
unpublished cases) are decided by the builder from `context.public`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfu.assistance.models import Programme
from sanfu.cases.models import OPEN_STATES, Case, CaseState, Category
from sanfu.directory.models import VILLAGE_KINDS, Membership, Unit, UnitKind
from sanfu.grassroots.models import ListPolicy
from sanfu.lib.treepath import path_ids

ROW_LIMIT = 200


class ListKind:
    RESPONSIBILITY = "responsibility"
    PROBLEM = "problem"
    SERVICE = "service"


LIST_KINDS = (ListKind.RESPONSIBILITY, ListKind.PROBLEM, ListKind.SERVICE)
LIST_TITLES = {
    ListKind.RESPONSIBILITY: gettext_lazy("Responsibility list"),
    ListKind.PROBLEM: gettext_lazy("Problem list"),
    ListKind.SERVICE: gettext_lazy("Service list"),
}


@dataclass(frozen=True)
class ListContext:
    unit: Unit
    county: Unit
    # The unit's ancestors from the county down, the unit itself last.
    chain: list[Unit]
    public: bool
    publish_phones: bool
    now: datetime

    @property
    def is_department(self) -> bool:
        return self.unit.kind == UnitKind.DEPARTMENT

    @property
    def year_start(self) -> datetime:
        local = timezone.localtime(self.now)
        return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)

    def subtree_ids(self) -> list[int]:
        return list(Unit.objects.subtree(self.unit.path).values_list("pk", flat=True))

    @cached_property
    def case_facts(self) -> list[CaseFact]:
        """The open cases here and those answered this year, read once for both sections:
        one pass over the unit's cases instead of a count and a page for each."""
        here = Case.objects.filter(_cases_here(self), confidential=False)
        columns = ("pk", "state", "reply_deadline", "replied_at", "received_at")
        # Two arms joined with UNION ALL rather than one OR: each arm is then a range of the
        # (place, state, replied_at) index on SQLite and PostgreSQL alike. Unordered: each
        # section sorts its own facts.
        still_open = here.filter(state__in=OPEN_STATES).values_list(*columns).order_by()
        answered = (
            here.filter(
                state__in=[CaseState.REPLIED, CaseState.CLOSED], replied_at__gte=self.year_start
            )
            .values_list(*columns)
            .order_by()
        )
        return [
            CaseFact(pk, state, deadline, replied, received)
            for pk, state, deadline, replied, received in still_open.union(answered, all=True)
        ]


@dataclass(frozen=True)
class CaseFact:
    pk: int
    state: str
    reply_deadline: datetime | None
    replied_at: datetime | None
    received_at: datetime


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    # Rows beyond ROW_LIMIT are counted, not shown.
    more: int = 0
    empty: str = ""


@dataclass
class UnitList:
    kind: str
    title: str
    sections: list[Section] = field(default_factory=list)


@dataclass
class ThreeLists:
    unit: Unit
    as_of: datetime
    public: bool
    lists: list[UnitList]

    def get(self, kind: str) -> UnitList:
        return next(unit_list for unit_list in self.lists if unit_list.kind == kind)


SectionBuilder = Callable[[ListContext], Section | None]


def _limited(rows: Iterable[list[str]], total: int) -> tuple[list[list[str]], int]:
    kept = list(rows)
    return kept, max(0, total - len(kept))


# --- responsibility ------------------------------------------------------------------------


def staff_section(context: ListContext) -> Section:
    """Who works here: the unit's staff and roles (a village's grid workers too)."""
    memberships = (
        Membership.objects.filter(
            unit__path__descendant=context.unit.path, unit__is_active=True, user__is_active=True
        )
        .select_related("user", "unit")
        .order_by("unit__path", "role", "user__full_name")
    )
    show_phone = not context.public or context.publish_phones
    rows = [
        [
            str(m.user),
            str(m.get_role_display()),
            m.unit.name,
            m.user.phone if show_phone else "",
        ]
        for m in memberships[:ROW_LIMIT]
    ]
    return Section(
        key="staff",
        title=_("Staff and their roles"),
        columns=[_("Name"), _("Role"), _("Unit"), _("Phone")],
        rows=rows,
        empty=_("No staff registered."),
    )


def _category_units(county: Unit) -> dict[int, list[Unit]]:
    through = Category.default_units.through
    links = through.objects.filter(
        unit__path__descendant=county.path, unit__is_active=True
    ).select_related("unit")
    units: dict[int, list[Unit]] = {}
    for link in links.order_by("unit__path"):
        units.setdefault(link.category_id, []).append(link.unit)
    return units


def handling_section(context: ListContext) -> Section:
    """Who handles each field of the catalogue here (the catalogue's default handling units)."""
    categories = list(Category.objects.filter(is_active=True, level__lte=2).order_by("code"))
    units = _category_units(context.county)
    by_id = {category.pk: category for category in categories}
    town = next((u for u in context.chain if u.kind in {UnitKind.TOWN, UnitKind.STREET}), None)
    rows = []
    for category in categories:
        if context.is_department:
            if context.unit not in units.get(category.pk, []):
                continue
            handler = context.unit.name
        elif category.village_level_ok and context.unit.kind in VILLAGE_KINDS:
            handler = context.unit.name
        else:
            own = units.get(category.pk) or units.get(category.parent_id or 0) or []
            handler = own[0].name if own else (town.name if town else context.county.name)
        parent = by_id.get(category.parent_id or 0)
        rows.append([parent.name if parent else category.name, category.name, handler])
    shown, more = _limited(rows[:ROW_LIMIT], len(rows))
    return Section(
        key="handling",
        title=_("Who handles what"),
        columns=[_("Field"), _("Matter"), _("Handled by")],
        rows=shown,
        more=more,
        empty=_("The catalogue names no matters for this unit."),
    )


# --- problems ------------------------------------------------------------------------------


def _cases_here(context: ListContext) -> Q:
    if context.is_department:
        return Q(lead_unit_id__in=context.subtree_ids())
    return Q(location_unit_id__in=context.subtree_ids())


def _state_labels() -> dict[str, str]:
    """Each state's label, translated once for a section: `get_state_display()` rebuilds the
    choices' dictionary on every call, a fifth of the lists page's time with 400 rows."""
    return {value: str(label) for value, label in CaseState.choices}


def _case_row(
    case: Case, context: ListContext, *, finished: bool, states: dict[str, str]
) -> list[str]:
    if context.public:
        title = case.public_title if case.published_at else ""
        title = title or (case.category.name if case.category else _("A request"))
    else:
        title = case.title
    when = case.replied_at if finished else case.reply_deadline
    return [
        case.number,
        title,
        states.get(case.state, case.state),
        case.lead_unit.name if case.lead_unit else "",
        timezone.localtime(when).strftime("%Y-%m-%d") if when else "",
    ]


CASE_COLUMNS = (
    "number",
    "title",
    "state",
    "published_at",
    "public_title",
    "reply_deadline",
    "replied_at",
    "lead_unit__name",
    "category__name",
)


def _cases_by_pk(pks: list[int]) -> list[Case]:
    # Only the columns a row shows: a case's description and reply are long.
    found = (
        Case.objects.filter(pk__in=pks)
        .select_related("lead_unit", "category")
        .only(*CASE_COLUMNS)
        .in_bulk()
    )
    return [found[pk] for pk in pks if pk in found]


def open_cases_section(context: ListContext) -> Section:
    facts = [f for f in context.case_facts if f.state in OPEN_STATES]
    # The nearest deadline first; cases without one (not dispatched yet) after, oldest first.
    facts.sort(
        key=lambda f: (f.reply_deadline is None, f.reply_deadline or f.received_at, f.received_at)
    )
    cases = _cases_by_pk([f.pk for f in facts[:ROW_LIMIT]])
    states = _state_labels()
    return Section(
        key="open_cases",
        title=_("Open problems"),
        columns=[_("Case number"), _("Problem"), _("State"), _("Handled by"), _("Deadline")],
        rows=[_case_row(c, context, finished=False, states=states) for c in cases],
        more=max(0, len(facts) - ROW_LIMIT),
        empty=_("No open problems."),
    )


def finished_cases_section(context: ListContext) -> Section:
    facts = [f for f in context.case_facts if f.state not in OPEN_STATES]
    facts.sort(key=lambda f: (f.replied_at or f.received_at, f.received_at), reverse=True)
    cases = _cases_by_pk([f.pk for f in facts[:ROW_LIMIT]])
    states = _state_labels()
    return Section(
        key="finished_cases",
        title=_("Solved this year"),
        columns=[_("Case number"), _("Problem"), _("State"), _("Handled by"), _("Answered on")],
        rows=[_case_row(c, context, finished=True, states=states) for c in cases],
        more=max(0, len(facts) - ROW_LIMIT),
        empty=_("None yet this year."),
    )


# --- services ------------------------------------------------------------------------------


def catalogue_section(context: ListContext) -> Section:
    """The catalogue's matters this unit itself handles."""
    if context.is_department:
        categories = Category.objects.filter(is_active=True, default_units=context.unit)
    elif context.unit.kind in VILLAGE_KINDS:
        categories = Category.objects.filter(is_active=True, level=2, village_level_ok=True)
    else:
        categories = Category.objects.none()
    categories = categories.select_related("parent").order_by("code")
    rows = [[c.parent.name if c.parent else "", c.name] for c in categories[:ROW_LIMIT]]
    rows, more = _limited(rows, categories.count())
    return Section(
        key="catalogue",
        title=_("Matters handled here"),
        columns=[_("Field"), _("Matter")],
        rows=rows,
        more=more,
        empty=_("None."),
    )


def _serving_bodies(context: ListContext) -> Q:
    """Bodies whose services reach this unit: the unit and its ancestors, and departments and
    social organisations placed under them."""
    ancestors = [unit.pk for unit in context.chain]
    return Q(pk__in=ancestors) | Q(
        parent_id__in=ancestors, kind__in=[UnitKind.DEPARTMENT, UnitKind.SOCIAL_ORG]
    )


def programmes_section(context: ListContext) -> Section:
    if context.is_department:
        bodies = Q(body=context.unit)
    else:
        bodies = Q(body__in=Unit.objects.filter(_serving_bodies(context)))
    programmes = (
        Programme.objects.filter(bodies, is_active=True)
        .select_related("body")
        .order_by("need", "body__path", "code")
    )
    rows = [[p.name, str(p.get_need_display()), p.body.name] for p in programmes[:ROW_LIMIT]]
    rows, more = _limited(rows, programmes.count())
    return Section(
        key="programmes",
        title=_("Assistance programmes"),
        columns=[_("Programme"), _("Need"), _("Given by")],
        rows=rows,
        more=more,
        empty=_("None."),
    )


def social_orgs_section(context: ListContext) -> Section | None:
    if context.is_department:
        return None
    orgs = Unit.objects.filter(
        _serving_bodies(context), kind=UnitKind.SOCIAL_ORG, is_active=True
    ).order_by("path")
    rows = [[org.name, context_parent_name(org, context)] for org in orgs[:ROW_LIMIT]]
    rows, more = _limited(rows, orgs.count())
    return Section(
        key="social_orgs",
        title=_("Social organisations serving here"),
        columns=[_("Organisation"), _("Registered at")],
        rows=rows,
        more=more,
        empty=_("None."),
    )


def context_parent_name(unit: Unit, context: ListContext) -> str:
    return next((u.name for u in context.chain if u.pk == unit.parent_id), "")


# The plug-in point. Later apps append here from their AppConfig.ready():
#   responsibility ← outreach's linked leaders and cadres (包联)
#   problem        ← projects' open problem-solving projects here
#   service        ← outreach's scheduled service days
SECTION_BUILDERS: dict[str, list[SectionBuilder]] = {
    ListKind.RESPONSIBILITY: [staff_section, handling_section],
    ListKind.PROBLEM: [open_cases_section, finished_cases_section],
    ListKind.SERVICE: [catalogue_section, programmes_section, social_orgs_section],
}


def register_section(kind: str, builder: SectionBuilder) -> None:
    """Add a section to every unit's list of `kind` (idempotent)."""
    builders = SECTION_BUILDERS[kind]
    if builder not in builders:
        builders.append(builder)


def list_context(*, unit: Unit, public: bool, now: datetime | None = None) -> ListContext:
    chain_ids = path_ids(unit.path)
    chain_units = {u.pk: u for u in Unit.objects.filter(pk__in=chain_ids)}
    chain = [chain_units[pk] for pk in chain_ids]
    policy = ListPolicy.objects.filter(county_id=chain_ids[0]).first()
    return ListContext(
        unit=unit,
        county=chain[0],
        chain=chain,
        public=public,
        publish_phones=bool(policy and policy.publish_staff_phones),
        now=now or timezone.now(),
    )


def three_lists(
    *, unit: Unit, public: bool = False, kinds: Iterable[str] = LIST_KINDS
) -> ThreeLists:
    """The unit's lists as of now. The caller has checked the unit is theirs to see (staff) or
    asks for the public version."""
    context = list_context(unit=unit, public=public)
    lists = []
    for kind in kinds:
        sections = [s for s in (build(context) for build in SECTION_BUILDERS[kind]) if s]
        lists.append(UnitList(kind=kind, title=str(LIST_TITLES[kind]), sections=sections))
    return ThreeLists(unit=unit, as_of=context.now, public=public, lists=lists)


LIST_UNIT_KINDS = frozenset({*VILLAGE_KINDS, UnitKind.DEPARTMENT})
