"""Finding missed, duplicate and excessive aid in the database, storing it, and reviewing it.

`findings_compute` feeds the pure rules engine (sanfu.assistance.rules) from the records and
persons and stores what it returns idempotently: a finding's key is made of what it is about,
so finding it again updates the same row; one no longer found is marked not current, never
deleted, so a caseworker's decision on it stays on record.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, DateField, F, Min, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.assistance import rules
from sanfu.assistance.models import (
    Beneficiary,
    Finding,
    FindingKind,
    FindingReview,
    FindingState,
    Person,
    Programme,
    RecordKind,
    SourceRecord,
)
from sanfu.assistance.programmes import caps_all, rules_all
from sanfu.directory.models import Membership, StaffRole, Unit, User
from sanfu.directory.querysets import AnyUser
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

REASON_MAX = 1000
# Grid workers see findings in their grid's village but leave the decision to the cadres.
REVIEW_ROLES = frozenset(StaffRole.values) - {StaffRole.GRID_WORKER}


def facts_of(person: Person) -> rules.Facts:
    return rules.Facts(
        statuses=frozenset(person.statuses),
        disability_grade=person.disability_grade,
        income_per_head=person.income_per_head,
        birth_date=person.birth_date,
    )


def _aids(records: QuerySet[SourceRecord]) -> list[rules.Aid]:
    codes = dict(Programme.objects.values_list("pk", "code"))
    return [
        rules.Aid(
            record_id=pk,
            person_id=person_id,
            programme=codes[programme_id],
            given_on=given_on or date.min,
            amount=amount,
            household=household,
            probability=probability,
        )
        for pk, person_id, programme_id, given_on, amount, household, probability in (
            records.values_list(
                "pk",
                "person_id",
                "programme_id",
                "given_on",
                "amount",
                "person__household",
                "match_probability",
            )
            .order_by("pk")
            .iterator(chunk_size=10000)
        )
    ]


def load_inputs() -> tuple[list[rules.PersonFacts], list[rules.Aid]]:
    """Every person with a fact and every linked aid record, as the rules engine wants them."""
    linked = SourceRecord.objects.filter(kind=RecordKind.AID, person__isnull=False)
    return person_facts(), _aids(linked)


def person_facts() -> list[rules.PersonFacts]:
    """Every person with a fact (a status, a disability grade, an income), for the rules."""
    anchors = dict(
        SourceRecord.objects.filter(person__isnull=False)
        .values("person_id")
        .annotate(first=Min("pk"))
        .values_list("person_id", "first")
    )
    return [
        rules.PersonFacts(
            person_id=person.pk,
            facts=facts_of(person),
            household=person.household,
            anchor=anchors.get(person.pk, 0),
        )
        for person in Person.objects.all().iterator(chunk_size=5000)
        if person.statuses
        or person.disability_grade is not None
        or person.income_per_head is not None
    ]


@dataclass(frozen=True)
class ComputeSummary:
    found: dict[str, int]
    new: int
    updated: int
    no_longer_found: int

    def as_dict(self) -> dict[str, object]:
        return {
            "found": self.found,
            "new": self.new,
            "updated": self.updated,
            "no_longer_found": self.no_longer_found,
        }


def findings_compute(*, on: date) -> ComputeSummary:
    return findings_store(drafts=findings_drafts(on=on))


def findings_drafts(*, on: date) -> list[rules.Draft]:
    """What the rules engine finds on every record, without loading every aid record.

    The database sums and counts each group a rule looks at and names the persons and
    households with a group that may break one; only their aid records are loaded, and the
    engine judges them as it would have among all records (each person's and each such
    household's records are complete; a household group seen only in part cannot break a rule
    its whole does not). Missed aid needs only who received what need in the window.
    """
    table, caps = rules_all(), caps_all()
    persons, households = _suspects(caps)
    aid = SourceRecord.objects.filter(kind=RecordKind.AID, person__isnull=False)
    suspects = _aids(aid.filter(Q(person_id__in=persons) | Q(person__household__in=households)))
    since = on - timedelta(days=rules.MISSED_WINDOW_DAYS)
    received = [
        rules.Aid(
            record_id=0, person_id=person_id, programme=code, given_on=on, household=household
        )
        for person_id, household, code in aid.filter(given_on__gte=since, given_on__lte=on)
        .values_list("person_id", "person__household", "programme__code")
        .distinct()
        .iterator(chunk_size=10000)
    ]
    return [
        *rules.find_duplicates(suspects, table, caps),
        *rules.find_excessive(suspects, table, caps),
        *rules.find_missed(person_facts(), received, table, on=on),
    ]


def _period(period: str, field: str) -> Any:
    return {"month": TruncMonth, "quarter": TruncQuarter}.get(period, TruncYear)(
        field, output_field=DateField()
    )


def _programme_period() -> Case:
    return Case(
        *(
            When(programme__period=period, then=_period(period, "given_on"))
            for period in ("month", "quarter")
        ),
        default=_period("year", "given_on"),
        output_field=DateField(),
    )


def _suspects(caps: dict[str, rules.Cap]) -> tuple[set[int], set[str]]:
    """Persons and households with a group of aid that may break a rule: every one the engine
    would find duplicate or excessive aid for, and some more (periods are not compared for
    duplicates). Each query groups in the database and returns only the groups over a limit."""
    aid = SourceRecord.objects.filter(kind=RecordKind.AID, person__isnull=False)
    persons: set[int] = set()
    households: set[str] = set()
    # Duplicate aid: one need from two bodies or more (within a person, or across members).
    persons |= set(
        aid.values("person_id", "programme__need")
        .annotate(bodies=Count("programme__body", distinct=True))
        .filter(bodies__gt=1)
        .values_list("person_id", flat=True)
    )
    in_households = aid.exclude(person__household="")
    households |= set(
        in_households.filter(programme__beneficiary=Beneficiary.HOUSEHOLD)
        .values("person__household", "programme__need")
        .annotate(
            bodies=Count("programme__body", distinct=True),
            members=Count("person_id", distinct=True),
        )
        .filter(bodies__gt=1, members__gt=1)
        .values_list("person__household", flat=True)
    )
    # Excessive aid: a programme's amounts in one of its periods over its cap (its amount).
    paid = aid.filter(amount__isnull=False).annotate(span=_programme_period())
    persons |= set(
        paid.values(
            "person_id", "programme_id", "span", "programme__cap_per_person", "programme__amount"
        )
        .annotate(total=Sum("amount"))
        .filter(total__gt=Coalesce(F("programme__cap_per_person"), F("programme__amount")))
        .values_list("person_id", flat=True)
    )
    households |= set(
        paid.exclude(person__household="")
        .filter(programme__cap_per_household__isnull=False)
        .values("person__household", "programme_id", "span", "programme__cap_per_household")
        .annotate(total=Sum("amount"), members=Count("person_id", distinct=True))
        .filter(total__gt=F("programme__cap_per_household"), members__gt=1)
        .values_list("person__household", flat=True)
    )
    # ... and a need's amounts in the cap's period over the need's cap.
    for need, cap in caps.items():
        capped = aid.filter(amount__isnull=False, programme__need=need).annotate(
            span=_period(cap.period, "given_on")
        )
        if cap.cap_per_person is not None:
            persons |= set(
                capped.values("person_id", "span")
                .annotate(total=Sum("amount"))
                .filter(total__gt=cap.cap_per_person)
                .values_list("person_id", flat=True)
            )
        if cap.cap_per_household is not None:
            households |= set(
                capped.exclude(person__household="")
                .values("person__household", "span")
                .annotate(total=Sum("amount"), members=Count("person_id", distinct=True))
                .filter(total__gt=cap.cap_per_household, members__gt=1)
                .values_list("person__household", flat=True)
            )
    return persons, households


@transaction.atomic
def findings_store(*, drafts: list[rules.Draft]) -> ComputeSummary:
    at = timezone.now()
    by_key = {draft.key: draft for draft in drafts}
    existing = {f.key: f for f in Finding.objects.filter(key__in=list(by_key))}
    programmes = dict(Programme.objects.values_list("code", "pk"))
    person_ids = {d.person_id for d in drafts if d.person_id is not None}
    record_persons = dict(
        SourceRecord.objects.filter(pk__in={r for d in drafts for r in d.record_ids}).values_list(
            "pk", "person_id"
        )
    )
    person_ids |= {p for p in record_persons.values() if p is not None}
    persons = Person.objects.in_bulk(person_ids)
    new, updated = [], []
    for key, draft in by_key.items():
        person = persons.get(draft.person_id) if draft.person_id is not None else None
        anchor = person or persons.get(record_persons.get(draft.record_ids[0]) or 0)
        values = {
            "kind": draft.kind,
            "need": draft.need,
            "period": draft.period,
            "person": person,
            "household": draft.household,
            "person_name": anchor.name if anchor else draft.household,
            "town_id": anchor.town_id if anchor else None,
            "place_id": (anchor.place_id or anchor.town_id) if anchor else None,
            "programme_id": programmes.get(draft.programme),
            "evidence": _evidence(draft),
            "current": True,
            "seen_at": at,
        }
        found = existing.get(key)
        if found is None:
            finding = Finding.objects.create(key=key, **values)
            new.append(finding)
        else:
            for name, value in values.items():
                setattr(found, name, value)
            found.save()
            finding = found
            updated.append(finding)
        finding.bodies.set(sorted(draft.body_ids))
    gone = Finding.objects.filter(current=True).exclude(key__in=list(by_key)).update(current=False)
    counts = Counter(draft.kind for draft in drafts)
    return ComputeSummary(
        found={kind: counts.get(kind, 0) for kind in FindingKind.values},
        new=len(new),
        updated=len(updated),
        no_longer_found=gone,
    )


def _evidence(draft: rules.Draft) -> dict[str, object]:
    """The rules' evidence with the bodies' and programmes' names and how each record matched."""
    evidence = dict(draft.evidence)
    raw = draft.evidence.get("records", [])
    records: list[dict[str, Any]] = [dict(r) for r in raw] if isinstance(raw, list) else []
    ids = [int(r["record"]) for r in records]
    details: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in SourceRecord.objects.filter(pk__in=ids).values(
            "pk",
            "name",
            "id_number",
            "source__name",
            "programme__name",
            "match_evidence",
            "row",
            "batch__file_name",
        )
    }
    for record in records:
        detail = details.get(int(record["record"]), {})
        record["name"] = detail.get("name", "")
        record["body_name"] = detail.get("source__name", "")
        record["programme_name"] = detail.get("programme__name", "")
        record["match"] = detail.get("match_evidence", {})
        record["file"] = detail.get("batch__file_name") or ""
        record["row"] = detail.get("row", 0)
    evidence["records"] = records
    codes = evidence.get("programmes")
    if isinstance(codes, list):
        evidence["programme_names"] = list(
            Programme.objects.filter(code__in=codes).values_list("name", flat=True)
        )
    return evidence


# --- reading and reviewing -----------------------------------------------------------------


def findings_for_user(*, user: AnyUser) -> QuerySet[Finding]:
    return Finding.objects.visible_to(user).select_related("place", "town", "programme", "person")


def finding_get_for_user(*, user: AnyUser, finding_id: int) -> Finding:
    finding = findings_for_user(user=user).filter(pk=finding_id).first()
    if finding is None:
        raise NotFound(_("No such finding."))
    return finding


def _acting_unit(actor: User, finding: Finding) -> Unit:
    """The actor's unit that holds the finding's place or one of its bodies."""
    targets = [u.path for u in finding.bodies.all()]
    if finding.place is not None:
        targets.append(finding.place.path)
    memberships = Membership.objects.filter(user=actor, role__in=REVIEW_ROLES).select_related(
        "unit"
    )
    for membership in memberships.order_by("unit__path"):
        if any(target.startswith(membership.unit.path) for target in targets):
            return membership.unit
    if actor.is_superuser and finding.place is not None:
        return finding.place
    raise PermissionDenied(_("Your role cannot decide on findings."))


@transaction.atomic
def finding_review(*, actor: User, finding_id: int, decision: str, reason: str) -> Finding:
    """Confirm or dismiss an open finding, with a reason; the decision is kept for good."""
    finding = (
        Finding.objects.visible_to(actor).filter(pk=finding_id).select_related("place").first()
    )
    if finding is None:
        raise NotFound(_("No such finding."))
    finding = (
        Finding.objects.select_for_update(of=("self",)).select_related("place").get(pk=finding.pk)
    )
    if decision not in (FindingState.CONFIRMED, FindingState.DISMISSED):
        raise ValidationFailed(_("Confirm or dismiss."), field="decision")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the decision."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _("At most %(limit)d characters.") % {"limit": REASON_MAX}, field="reason"
        )
    unit = _acting_unit(actor, finding)
    if finding.state != FindingState.OPEN:
        raise Conflict(_("This finding has already been decided."))
    FindingReview.objects.create(
        finding=finding, decision=decision, reason=reason, reviewer=actor, unit=unit
    )
    finding.state = decision
    finding.save(update_fields=["state"])
    return finding


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    label: str
    counts: dict[str, int]  # kind -> current findings
    open: int


@dataclass(frozen=True)
class Figures:
    by_need: list[FigureRow]
    by_body: list[FigureRow]
    by_town: list[FigureRow]
    aid_by_need: list[tuple[str, int, Decimal]]


def _rows(pairs: list[tuple[str, str, str]]) -> list[FigureRow]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    opened: Counter[str] = Counter()
    for label, kind, state in pairs:
        counts[label][kind] += 1
        if state == FindingState.OPEN:
            opened[label] += 1
    return [
        FigureRow(
            label=label,
            counts={k: counts[label][k] for k in FindingKind.values},
            open=opened[label],
        )
        for label in sorted(counts, key=lambda lbl: -sum(counts[lbl].values()))
    ]


def figures_for_user(*, user: AnyUser) -> Figures:
    """Current findings by need, by body and by town, among those the user may see."""
    from sanfu.assistance.models import Need

    visible = Finding.objects.visible_to(user).filter(current=True)
    needs = dict(Need.choices)
    base = list(visible.values_list("pk", "need", "kind", "state", "town__name"))
    by_need = _rows([(str(needs.get(n, n)), k, s) for _pk, n, k, s, _t in base])
    by_town = _rows([(t or _("Unknown town"), k, s) for _pk, _n, k, s, t in base])
    ids = [row[0] for row in base]
    body_rows = Finding.bodies.through.objects.filter(finding_id__in=ids).values_list(
        "finding_id", "unit__name"
    )
    kinds = {pk: (k, s) for pk, _n, k, s, _t in base}
    by_body = _rows([(name, *kinds[pk]) for pk, name in body_rows])
    aid = (
        SourceRecord.objects.visible_to(user)
        .filter(kind=RecordKind.AID)
        .values("programme__need")
        .annotate(records=Count("pk"), total=Sum("amount"))
        .order_by("programme__need")
    )
    aid_by_need = [
        (str(needs.get(row["programme__need"], "")), row["records"], row["total"] or Decimal(0))
        for row in aid
    ]
    return Figures(by_need=by_need, by_body=by_body, by_town=by_town, aid_by_need=aid_by_need)
