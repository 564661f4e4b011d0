"""How a synthetic case lives: the steps of the loop, in time, up to now.

Each step changes the columns as the service of the same name does (sanfu.cases.services) and
appends the event that service appends; the sweep's marks (due soon, overdue, closing unrated
replies) are replayed at the moments the sweep would have made them. A step whose time lies
after `now` leaves the case where it stands: that is how open, replied and overdue cases arise,
and only among recent ones. A case that must stay in a state (`Draft.hold`, a backlog) takes its
earlier steps quickly enough to get there before now.
"""

from __future__ import annotations

import random
import secrets
from collections import deque
from datetime import datetime, timedelta
from decimal import Decimal

from sanfu.cases.calendar import LOCAL_ZONE
from sanfu.cases.catalogue import SlaTerms, sla_for
from sanfu.cases.models import TITLE_MAX, Category, Rating, ReplyKind, ReturnReason
from sanfu.ops.synthetic import texts
from sanfu.ops.synthetic.draft import AssignmentRow, Draft, MasterRef, Settings
from sanfu.ops.synthetic.draw import Drawer, Intake, Weighted, lognormal_hours
from sanfu.ops.synthetic.fitting import messages_fit
from sanfu.ops.synthetic.localise import dates_localise, places_localise
from sanfu.ops.synthetic.messages import Message, Messages
from sanfu.ops.synthetic.texts import PublicTexts
from sanfu.ops.synthetic.timing import Clocks
from sanfu.ops.synthetic.vocab import (
    ASSIGNED,
    CHANNEL_DATA,
    CLOCK_DATA,
    CLOSED,
    IN_PROGRESS,
    KIND_DATA,
    MERGED,
    NEW,
    ORDER,
    RATING_DATA,
    REJECTED,
    REPLIED,
    Clk,
    Ev,
    data_json,
)
from sanfu.ops.synthetic.world import World

REJECTED_SHARE = 0.04
MERGED_SHARE = 0.02
ON_THE_SPOT_SHARE = 0.35  # of the requests taken down in person
ACCEPT_SHARE = 0.25
RETURN_SHARE = 0.03
URGE_SHARE = 0.03
LATE_SIGN_SHARE = 0.05
LATE_REPLY_SHARE = 0.07
RATED_SHARE = 0.8
PUBLISH_SHARE = 0.35
# A reply later rated satisfied after one reopening (重办).
REOPEN_THEN_CONTENT_SHARE = 0.03
BACKLOG_DAYS = 21
BACKLOG_SHARE = 0.03
FINAL_RATINGS = Weighted(
    {Rating.SATISFIED.value: 86.0, Rating.BASICALLY.value: 12.0, Rating.UNSATISFIED.value: 2.0}
)
# On the spot is the reply of cases solved as they were taken down (_solve_on_the_spot).
REPLY_KINDS = Weighted({ReplyKind.SOLVED.value: 68.0, ReplyKind.EXPLAINED.value: 32.0})
BACKLOG_STATES = Weighted({IN_PROGRESS: 3.0, ASSIGNED: 1.0, NEW: 0.5})
MASTERS_KEPT = 300
SWEEP_SECONDS = 60.0


class NotYet(Exception):
    """The case's next step lies after now (or after its backlog state): it stays as it is."""


class Life:
    def __init__(
        self,
        *,
        world: World,
        clocks: Clocks,
        rng: random.Random,
        now: datetime,
        messages: Messages,
        settings: Settings,
    ) -> None:
        self.world = world
        self.fitted = messages_fit(messages, world.matters, rng)
        self.drawer = Drawer(world, rng, self.fitted.matters(world.matters))
        self.clocks = clocks
        self.rng = rng
        self.now = now
        self.messages = messages
        self.settings = settings
        self.masters: deque[MasterRef] = deque(maxlen=MASTERS_KEPT)
        self._terms: dict[tuple[int, str], SlaTerms] = {}
        self._categories: dict[int, Category] = {m.category.pk: m.category for m in world.matters}
        self._public = PublicTexts()
        self._places = {place.id: place for place in world.places}

    def case(self, case_id: int, number: str, received: datetime, hold: str | None) -> Draft:
        """One case received at `received`, lived through up to now."""
        rng = self.rng
        d = Draft(case_id, received, hold or self._backlog(received))
        d.v.update(
            county_id=self.world.county_id,
            number=number,
            tracking_token=secrets.token_urlsafe(24),
        )
        master = None
        if d.hold is None and self.masters and rng.random() < MERGED_SHARE:
            master = rng.choice(self.masters)
            d.message = master.message
            intake = self.drawer.intake(d.v, matter=master.matter, place=master.place)
        else:
            intake = self.drawer.intake(d.v)
        try:
            self._receive(d, intake)
            if master is not None:
                self._merge(d, intake, master)
            elif d.hold is None and rng.random() < REJECTED_SHARE:
                self._reject(d, intake)
            else:
                self._handle_and_close(d, intake)
        except NotYet:
            pass
        self._sweep(d, self.now)
        self._bind_message(d)
        self._remember(d, intake)
        return d

    def _backlog(self, received: datetime) -> str | None:
        if self.now - received > timedelta(days=BACKLOG_DAYS):
            return None
        if self.rng.random() >= BACKLOG_SHARE:
            return None
        state: str = BACKLOG_STATES.draw(self.rng)
        return state

    def _handle_and_close(self, d: Draft, intake: Intake) -> None:
        rating: str = FINAL_RATINGS.draw(self.rng)
        reopens = 0
        if rating == Rating.UNSATISFIED:
            # case_rate reopens on 不满意 until the reopens run out; only then does it close.
            reopens = self.settings.max_reopens
        elif self.settings.max_reopens and self.rng.random() < REOPEN_THEN_CONTENT_SHARE:
            reopens = 1
        on_the_spot = intake.taker is not None and self.rng.random() < ON_THE_SPOT_SHARE
        if on_the_spot and (d.hold is None or d.hold == REPLIED):
            self._solve_on_the_spot(d, intake, final=reopens == 0)
        else:
            self._handle(d, intake, final=reopens == 0)
        self._rate_rounds(d, intake, rating, reopens)
        self._publish(d, intake)

    # --- time ------------------------------------------------------------------------------

    def _at(self, d: Draft, t: datetime, *, leaves: bool = True) -> datetime:
        """When a step happens: not before the last, never after now. Sweeps due by then run.

        `leaves`: the step moves the case out of its state, which a held case never does.
        """
        if t < d.last:
            t = d.last
        hold = d.hold
        if hold is not None:
            if leaves and d.state == hold:
                raise NotYet
            if ORDER.get(d.state, 9) < ORDER[hold]:
                t = min(t, d.last + (self.now - d.last) * self.rng.uniform(0.2, 0.5))
        if t > self.now:
            raise NotYet
        if d.timers:
            self._sweep(d, t)
        return t

    def _after(self, start: datetime, median_hours: float, sigma: float = 1.0) -> datetime:
        return start + timedelta(hours=lognormal_hours(self.rng, median_hours, sigma))

    def _office(self, t: datetime) -> datetime:
        return self.clocks.office_hours(self.rng, t)

    def _sweep(self, d: Draft, until: datetime) -> None:
        """The marks sanfu.cases.sweep makes on this case up to `until`, in order."""
        timers = d.timers  # kept in time order
        v = d.v
        while timers and timers[0][0] <= until:
            at, column, clock = timers.pop(0)
            current = v.get(column)
            # A clock already overdue never goes back to due soon, nor is marked twice.
            if current == Clk.OVERDUE or current == clock:
                continue
            v[column] = clock
            if column == "reply_clock" and clock == Clk.DUE_SOON:
                v["urge_count"] = v.get("urge_count", 0) + 1
            kind = Ev.DUE_SOON if clock == Clk.DUE_SOON else Ev.OVERDUE
            d.emit(kind, at, d.state, data=CLOCK_DATA[column])

    def _start_clocks(self, d: Draft, t: datetime, *, keep_reply: bool = False) -> None:
        """services.common.start_clocks, and the sweep's marks to come. `keep_reply`: a
        dispatch keeps the reply deadline a return left (the requester's clock)."""
        v = d.v
        terms = self._sla(v["category_id"], v["priority"])
        sign = self.clocks.sign_deadline(t, terms.sign_hours)
        kept: datetime | None = v.get("reply_deadline") if keep_reply else None
        unconfirmed = sign.unconfirmed
        if kept is None:
            reply = self.clocks.reply_deadline(t, terms.reply_days)
            reply_at = reply.at
            unconfirmed = unconfirmed or reply.unconfirmed
        else:
            reply_at = kept
            unconfirmed = unconfirmed or bool(v.get("deadline_unconfirmed"))
        v.update(
            sign_deadline=sign.at,
            sign_clock=Clk.ON_TIME,
            reply_deadline=reply_at,
            reply_clock=Clk.ON_TIME,
            deadline_unconfirmed=unconfirmed,
        )
        lead = d.lead_assignment()
        if lead is not None:  # services.common.stamp_assignment_clocks
            lead.sign_deadline, lead.reply_deadline = sign.at, reply_at
        settings = self.settings
        # The sweep runs every minute and marks a case on its first pass after a threshold.
        delay = timedelta(seconds=0.5 + self.rng.random() * SWEEP_SECONDS)
        timers = [
            (max(sign.at - settings.sign_due_soon, t) + delay, "sign_clock", Clk.DUE_SOON),
            (max(sign.at, t) + delay, "sign_clock", Clk.OVERDUE),
            (max(reply_at - settings.reply_due_soon, t) + delay, "reply_clock", Clk.DUE_SOON),
            (max(reply_at, t) + delay, "reply_clock", Clk.OVERDUE),
        ]
        timers.sort()
        d.timers = timers

    def _sla(self, category_id: int, priority: str) -> SlaTerms:
        # sla_for costs a query; there are only a few hundred (category, priority) pairs.
        key = (category_id, priority)
        terms = self._terms.get(key)
        if terms is None:
            terms = self._terms[key] = sla_for(self._categories[category_id], priority)
        return terms

    # --- intake and the dispatcher -----------------------------------------------------------

    def _receive(self, d: Draft, intake: Intake) -> None:
        taker = intake.taker
        d.emit(
            Ev.RECEIVED,
            d.last,
            NEW,
            actor=taker,
            unit=intake.desk if taker is not None else None,
            data=CHANNEL_DATA[d.v["channel"]],
        )

    def _reject(self, d: Draft, intake: Intake) -> None:
        t = self._at(d, self._office(self._after(d.last, 2.0)))
        unit, actor = self.world.dispatching(intake.desk)
        reason = self.rng.choice(texts.REJECTION_REASONS)
        d.v.update(rejection_reason=reason, closed_at=t)
        d.emit(Ev.REJECTED, t, REJECTED, actor=actor, unit=unit, note=reason)

    def _merge(self, d: Draft, intake: Intake, master: MasterRef) -> None:
        t = self._at(d, self._office(self._after(d.last, 1.5)))
        unit, actor = self.world.dispatching(intake.desk)
        d.v["master_id"] = master.id
        d.release()
        data = data_json(master=master.id, number=master.number)
        d.emit(Ev.MERGED, t, MERGED, actor=actor, unit=unit, note=texts.MERGE_NOTE, data=data)
        if master.reply is None:
            return
        # The master's answer reaches the duplicate when both have happened (pass_answer_on).
        replied_at, kind, text, reply_unit = master.reply
        at = max(t, replied_at)
        d.v.update(reply_kind=kind, reply_text=text, reply_unit_id=reply_unit, replied_at=at)
        d.emit(Ev.MASTER_REPLIED, at, MERGED, note=text, data=data_json(master=master.id))

    def _accept(self, d: Draft, intake: Intake) -> None:
        t = self._at(d, self._office(self._after(d.last, 0.5)), leaves=False)
        unit, actor = self.world.dispatching(intake.desk)
        d.v["accepted_at"] = t
        data = data_json(category=d.v["category_id"], priority=d.v["priority"])
        d.emit(Ev.ACCEPTED, t, NEW, actor=actor, unit=unit, data=data)

    def _dispatch(self, d: Draft, intake: Intake, lead: int, co: list[int]) -> None:
        t = self._at(d, self._office(self._after(d.last, 1.5)))
        unit, actor = self.world.dispatching(intake.desk, lead)
        v = d.v
        v["accepted_at"] = v.get("accepted_at") or t
        v["dispatched_at"] = t
        for row in d.assignments:
            row.active = False
        d.assignments.append(AssignmentRow(lead, "lead", t))
        d.assignments.extend(AssignmentRow(unit_id, "co", t) for unit_id in co)
        v["lead_unit_id"] = lead
        self._start_clocks(d, t, keep_reply=True)
        # json.dumps({"lead": lead, "co": co}), without its cost per case.
        data = f'{{"lead": {lead}, "co": [{", ".join(map(str, co))}]}}'
        d.emit(Ev.DISPATCHED, t, ASSIGNED, actor=actor, unit=unit, data=data)

    def _return(self, d: Draft) -> None:
        """退单 by the lead unit, before or after signing for it."""
        if self.rng.random() < 0.4:
            self._sign(d, self._planned_sign(d))
        t = self._at(d, self._after(d.last, 3.0))
        lead = d.v["lead_unit_id"]
        reason = self.rng.choice(ReturnReason.values)
        d.v["signed_at"] = None
        d.v["return_count"] = d.v.get("return_count", 0) + 1
        d.release()
        d.emit(
            Ev.RETURNED,
            t,
            NEW,
            actor=self.world.handler(lead),
            unit=lead,
            note=texts.RETURN_NOTES[reason],
            data=data_json(reason=reason),
        )

    # --- the handling unit -----------------------------------------------------------------

    def _handle(self, d: Draft, intake: Intake, *, final: bool) -> None:
        drawer = self.drawer
        lead = drawer.lead(intake.matter, intake.place)
        co = drawer.co_units(intake.matter, intake.place, lead)
        if d.hold is None and self.rng.random() < ACCEPT_SHARE:
            self._accept(d, intake)
        self._dispatch(d, intake, lead, co)
        if d.hold is None and self.rng.random() < RETURN_SHARE:
            other = drawer.redirect(intake.matter, intake.place, lead)
            if other != lead:
                self._return(d)
                self._dispatch(d, intake, other, [])
        self._work(d, final=final)

    def _solve_on_the_spot(self, d: Draft, intake: Intake, *, final: bool) -> None:
        """case_create_solved_on_the_spot: taken down and answered by the same person."""
        t = self._at(d, d.last + timedelta(seconds=self.rng.uniform(0.2, 2.0)))
        unit = intake.desk
        text = self._reply_text(d, final=final, at=t)
        kind = ReplyKind.ON_THE_SPOT.value
        d.assignments.append(AssignmentRow(unit, "lead", t))
        d.v.update(
            accepted_at=t,
            dispatched_at=t,
            signed_at=t,
            replied_at=t,
            lead_unit_id=unit,
            reply_kind=kind,
            reply_text=text,
            reply_unit_id=unit,
            signed_on_time=True,
            replied_on_time=True,
            handling_working_days=Decimal("0"),
        )
        d.emit(
            Ev.REPLIED, t, REPLIED, actor=intake.taker, unit=unit, note=text, data=KIND_DATA[kind]
        )

    def _work(self, d: Draft, *, final: bool) -> None:
        """Sign for the case, hear the co-handlers, maybe be urged, and reply."""
        rng = self.rng
        sign_at = self._planned_sign(d)
        reply_at = self._planned_reply(d, sign_at)
        steps: list[tuple[datetime, str, AssignmentRow | None]] = [(sign_at, "sign", None)]
        for co in d.assignments:
            if co.active and co.role == "co" and co.signed_at is None:
                co_signed = self._after(co.assigned_at, 1.0)
                opinion = sign_at + (reply_at - sign_at) * rng.uniform(0.2, 0.7)
                steps.append((co_signed, "co_sign", co))
                steps.append((max(opinion, co_signed + timedelta(minutes=10)), "co_opinion", co))
        if rng.random() < URGE_SHARE:
            steps.append((sign_at + (reply_at - sign_at) * rng.uniform(0.3, 0.9), "urge", None))
        steps.sort(key=lambda step: step[0])
        for at, action, row in steps:
            if action == "sign":
                self._sign(d, at)
            elif action == "urge":
                self._urge(d, at)
            elif row is not None:
                self._co_step(d, at, action, row)
        self._reply(d, max(reply_at, d.last + timedelta(minutes=5)), final=final)

    def _planned_sign(self, d: Draft) -> datetime:
        start = d.last
        deadline: datetime = d.v["sign_deadline"]
        if self.rng.random() < LATE_SIGN_SHARE:
            return self._after(deadline, 2.0)
        # Most sign within the first hour or so; a power of a uniform draw skews it early.
        share: float = self.rng.random() ** 2.5
        return start + (deadline - start) * share

    def _planned_reply(self, d: Draft, start: datetime) -> datetime:
        deadline: datetime = d.v["reply_deadline"]
        if deadline > start and self.rng.random() >= LATE_REPLY_SHARE:
            share: float = self.rng.random() ** 1.6
            planned = start + (deadline - start) * share
            shifted = self._office(planned)
            return shifted if shifted <= deadline else planned
        return self._office(self._after(max(deadline, start), 30.0, 0.8))

    def _sign(self, d: Draft, planned: datetime) -> None:
        t = self._at(d, planned)
        v = d.v
        lead = v["lead_unit_id"]
        row = d.lead_assignment()
        if row is not None:
            row.signed_at = t
        deadline = v.get("sign_deadline")
        v.update(signed_at=t, signed_on_time=deadline is None or t <= deadline, sign_clock="")
        d.timers = [timer for timer in d.timers if timer[1] != "sign_clock"]
        d.emit(Ev.SIGNED, t, IN_PROGRESS, actor=self.world.handler(lead), unit=lead)

    def _co_step(self, d: Draft, planned: datetime, action: str, row: AssignmentRow) -> None:
        t = self._at(d, planned, leaves=False)
        actor = self.world.handler(row.unit)
        if action == "co_sign":
            row.signed_at = t
            d.emit(Ev.CO_SIGNED, t, d.state, actor=actor, unit=row.unit)
            return
        row.opinion = self.rng.choice(texts.CO_OPINIONS)
        d.emit(Ev.CO_OPINION, t, d.state, actor=actor, unit=row.unit, note=row.opinion)

    def _urge(self, d: Draft, planned: datetime) -> None:
        t = self._at(d, planned, leaves=False)
        unit, actor = self.world.overseer()
        d.v["urge_count"] = d.v.get("urge_count", 0) + 1
        note = self.rng.choice(texts.URGE_NOTES)
        d.emit(Ev.URGED, t, d.state, actor=actor, unit=unit, note=note)

    def _reply(self, d: Draft, planned: datetime, *, final: bool) -> None:
        t = self._at(d, planned)
        v = d.v
        lead = v["lead_unit_id"]
        kind: str = REPLY_KINDS.draw(self.rng)
        text = self._reply_text(d, final=final, at=t)
        deadline = v.get("reply_deadline")
        v.update(
            reply_kind=kind,
            reply_text=text,
            reply_unit_id=lead,
            replied_at=t,
            replied_on_time=deadline is None or t <= deadline,
            handling_working_days=self.clocks.working_days(v["received_at"], t),
            reply_clock="",
        )
        d.timers.clear()
        d.emit(
            Ev.REPLIED,
            t,
            REPLIED,
            actor=self.world.handler(lead),
            unit=lead,
            note=text,
            data=KIND_DATA[kind],
        )

    def _reply_text(self, d: Draft, *, final: bool, at: datetime) -> str:
        if not final:
            return self.rng.choice(texts.INTERIM_REPLIES)
        if d.message is None or not d.message.reply:
            d.message = self._message_of(d, self.fitted.replied, self.messages.replied)
        return self._localised(d, d.message.reply, at)

    def _localised(self, d: Draft, text: str, at: datetime) -> str:
        """A message's words as the demo county's: its places, dates up to `at`."""
        place = self._places.get(d.v.get("location_unit_id", 0))
        county = self.world.county.name
        town = self.world.names[place.town] if place is not None else county
        text = places_localise(text, county=county, town=town)
        return dates_localise(text, anchor=at.astimezone(LOCAL_ZONE).date())

    def _request_words(self, d: Draft) -> tuple[str, str]:
        """The request's title and text, told in the county and dated by its receipt."""
        if d.message is None:  # pragma: no cover - callers bind the message first
            raise RuntimeError("a case without its message")
        received: datetime = d.v["received_at"]
        return (
            self._localised(d, d.message.title, received)[:TITLE_MAX],
            self._localised(d, d.message.text, received),
        )

    # --- after the reply -------------------------------------------------------------------

    def _rate_rounds(self, d: Draft, intake: Intake, rating: str, reopens: int) -> None:
        """Rate each reply: 不满意 reopens it `reopens` times, then the last rating closes it."""
        for round_number in range(reopens + 1):
            last_round = round_number == reopens
            if reopens == 0 and self.rng.random() >= RATED_SHARE:
                self._auto_close(d)
                return
            delay = min(lognormal_hours(self.rng, 10.0, 1.2), 6.5 * 24)
            replied_at: datetime = d.v["replied_at"]
            self._rate(
                d,
                replied_at + timedelta(hours=delay),
                rating if last_round else Rating.UNSATISFIED.value,
            )
            if d.state == CLOSED:
                return
            self._work(d, final=round_number + 1 == reopens)

    def _rate(self, d: Draft, planned: datetime, rating: str) -> None:
        """case_rate: by the requester (no actor); 不满意 reopens while reopens remain."""
        t = self._at(d, planned)
        v = d.v
        comment = self.rng.choice(texts.COMMENTS[rating])
        v.update(rating=rating, rating_comment=comment, rated_at=t)
        reopened = v.get("reopen_count", 0)
        if rating == Rating.UNSATISFIED and reopened < self.settings.max_reopens:
            d.emit(Ev.RATED, t, REPLIED, note=comment, data=RATING_DATA[rating])
            # services.aftercare._reopen: a new assignment of the same units, and the
            # rating, which belonged to the reopened answer, leaves the case's row.
            active = [row for row in d.assignments if row.active]
            for row in active:
                row.active = False
            d.assignments.extend(AssignmentRow(row.unit, row.role, t) for row in active)
            v.update(
                rating="",
                rating_comment="",
                rated_at=None,
                reopen_count=reopened + 1,
                signed_at=None,
                replied_at=None,
                closed_at=None,
                reply_kind="",
                reply_text="",
                signed_on_time=None,
                replied_on_time=None,
                handling_working_days=None,
            )
            self._start_clocks(d, t)
            d.emit(
                Ev.REOPENED, t, ASSIGNED, note=comment, data=data_json(reopen_count=reopened + 1)
            )
            return
        v["closed_at"] = t
        d.emit(Ev.RATED, t, CLOSED, note=comment, data=RATING_DATA[rating])

    def _auto_close(self, d: Draft) -> None:
        """The sweep closes a reply left unrated for the configured days."""
        replied_at: datetime = d.v["replied_at"]
        seconds = self.rng.uniform(0.5, SWEEP_SECONDS)
        t = self._at(d, replied_at + self.settings.auto_close + timedelta(seconds=seconds))
        d.v.update(closed_at=t, auto_closed=True)
        d.emit(Ev.AUTO_CLOSED, t, CLOSED)

    def _publish(self, d: Draft, intake: Intake) -> None:
        """公示 of a share of closed, answered, not confidential cases, anonymised."""
        v = d.v
        if d.state != CLOSED or v["confidential"] or not v.get("reply_text"):
            return
        if self.rng.random() >= PUBLISH_SHARE:
            return
        closed_at: datetime = v["closed_at"]
        planned = self._office(closed_at + timedelta(hours=self.rng.uniform(12, 120)))
        t = self._at(d, planned, leaves=False)
        if d.message is None:  # pragma: no cover - a case with a reply has bound its message
            raise RuntimeError("a replied case without its message")
        name = v.get("requester_name", "")
        title, text = self._request_words(d)
        title, text, reply = self._public.texts(title, text, v["reply_text"], name)
        unit, actor = self.world.dispatching(intake.desk)
        # Masking can lengthen a text ("3号" becomes "**号"); the title column has a limit.
        v.update(
            published_at=t, public_title=title[:TITLE_MAX], public_text=text, public_reply=reply
        )
        d.emit(Ev.PUBLISHED, t, CLOSED, actor=actor, unit=unit)

    # --- bookkeeping -----------------------------------------------------------------------

    def _bind_message(self, d: Draft) -> None:
        """The request's words: those of its reply's message, else mostly an unanswered one."""
        if d.message is None:
            if self.rng.random() < 0.7:
                d.message = self._message_of(d, self.fitted.other, self.messages.other)
            else:
                d.message = self._message_of(d, self.fitted.replied, self.messages.replied)
        d.v["title"], d.v["text"] = self._request_words(d)

    def _message_of(
        self, d: Draft, fitted: dict[int, list[Message]], anyone: list[Message]
    ) -> Message:
        """A message that tells the case's matter; any message when none of the pool does."""
        return self.rng.choice(fitted.get(d.v["category_id"]) or anyone)

    def _remember(self, d: Draft, intake: Intake) -> None:
        if d.state in (REJECTED, MERGED) or d.v.get("reopen_count") or d.message is None:
            return
        v = d.v
        reply = None
        if v.get("replied_at") is not None:
            reply = (v["replied_at"], v["reply_kind"], v["reply_text"], v["reply_unit_id"])
        self.masters.append(
            MasterRef(d.id, v["number"], intake.matter, intake.place, d.message, reply)
        )
