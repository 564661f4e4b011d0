"""The actions a case page offers: for each, its form, its label and the one service it calls.

The services decide whether the person may act; the page only offers what
`case_actions` says they may do now, and shows a refusal on the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanfu.cases import services
from sanfu.directory.models import User
from sanfu.lib.errors import ValidationFailed
from sanfu.workbench import forms as wf
from sanfu.workbench.selectors.cases import CaseView, master_for_user

Perform = Callable[[User, CaseView, dict[str, Any]], object]


def _merge(user: User, view: CaseView, data: dict[str, Any]) -> object:
    master = master_for_user(user=user, number=data["master"])
    if master is None:
        raise ValidationFailed(_("No case with this number that you may see."), field="master")
    return services.case_merge(
        actor=user, case_id=view.case.pk, master_id=master.pk, note=data["note"]
    )


PERFORMERS: dict[str, Perform] = {
    "accept": lambda user, view, data: services.case_accept(
        actor=user, case_id=view.case.pk, category=data["category"], priority=data["priority"]
    ),
    "dispatch": lambda user, view, data: services.case_dispatch(
        actor=user,
        case_id=view.case.pk,
        lead_unit=data["lead_unit"],
        co_units=list(data["co_units"]),
        category=data["category"],
        priority=data["priority"],
        note=data["note"],
    ),
    "take_on": lambda user, view, data: services.case_take_on(
        actor=user, case_id=view.case.pk, note=data["note"]
    ),
    "sign": lambda user, view, data: services.case_sign(actor=user, case_id=view.case.pk),
    "return": lambda user, view, data: services.case_return(
        actor=user, case_id=view.case.pk, reason=data["reason"], note=data["note"]
    ),
    "transfer": lambda user, view, data: services.case_transfer(
        actor=user,
        case_id=view.case.pk,
        lead_unit=data["lead_unit"],
        co_units=list(data["co_units"]),
        note=data["note"],
    ),
    "escalate": lambda user, view, data: services.case_escalate(
        actor=user, case_id=view.case.pk, note=data["note"]
    ),
    "extension_request": lambda user, view, data: services.case_extension_request(
        actor=user, case_id=view.case.pk, days=data["days"], reason=data["reason"]
    ),
    "extension_decide": lambda user, view, data: services.case_extension_decide(
        actor=user,
        extension_id=view.extension.pk if view.extension else 0,
        approve=data["approve"],
        note=data["note"],
    ),
    "reply": lambda user, view, data: services.case_reply(
        actor=user, case_id=view.case.pk, kind=data["kind"], text=data["text"]
    ),
    "co_opinion": lambda user, view, data: services.case_co_opinion(
        actor=user, case_id=view.case.pk, opinion=data["opinion"]
    ),
    "urge": lambda user, view, data: services.case_urge(
        actor=user, case_id=view.case.pk, note=data["note"]
    ),
    "supervise": lambda user, view, data: services.case_supervise(
        actor=user, case_id=view.case.pk, instruction=data["instruction"], days=data["days"]
    ),
    "supervision_answer": lambda user, view, data: services.supervision_answer(
        actor=user, order_id=data["order"], answer=data["answer"]
    ),
    "merge": _merge,
    "reject": lambda user, view, data: services.case_reject(
        actor=user, case_id=view.case.pk, reason=data["reason"]
    ),
    "publish": lambda user, view, data: services.case_publish(
        actor=user,
        case_id=view.case.pk,
        title=data["title"],
        text=data["text"],
        reply=data["reply"],
    ),
    "reopen": lambda user, view, data: services.case_reopen(
        actor=user, case_id=view.case.pk, note=data["note"]
    ),
    "callback": lambda user, view, data: services.case_callback(
        actor=user,
        case_id=view.case.pk,
        rating=data["rating"],
        solved=data["solved"],
        note=data["note"],
    ),
}


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    done: Promise
    form: forms.Form
    danger: bool = False


LABELS: dict[str, tuple[Promise, Promise]] = {
    "sign": (_("Sign for"), _("Signed for.")),
    "reply": (_("Reply"), _("Reply sent to the requester.")),
    "dispatch": (_("Dispatch"), _("Dispatched.")),
    "take_on": (_("Handle at this level"), _("Taken on at this level.")),
    "accept": (_("Accept"), _("Accepted.")),
    "co_opinion": (_("Give an opinion"), _("Opinion recorded.")),
    "extension_decide": (_("Decide the extension"), _("Extension decided.")),
    "supervision_answer": (_("Answer the supervision order"), _("Answer recorded.")),
    "urge": (_("Urge"), _("Urged.")),
    "supervise": (_("Issue a supervision order"), _("Supervision order issued.")),
    "extension_request": (_("Ask for more time"), _("Extension requested.")),
    "transfer": (_("Transfer"), _("Transferred.")),
    "escalate": (_("Escalate"), _("Escalated to the level above.")),
    "return": (_("Return to the dispatcher"), _("Returned.")),
    "merge": (_("Merge into another case"), _("Merged.")),
    "publish": (_("Publish"), _("Published.")),
    "reopen": (_("Reopen"), _("Reopened.")),
    "callback": (_("Record a callback"), _("Callback recorded.")),
    "reject": (_("Do not accept"), _("Not accepted.")),
}
DANGER = frozenset({"return", "escalate", "merge", "reject"})
# Actions whose form can be sent to see the result first (公示: the text as it will appear).
PREVIEWED = frozenset({"publish"})
ORDER = list(LABELS)


def make_form(name: str, view: CaseView, data: Any = None) -> forms.Form:
    """The action's form, bound to `data` when posted, else with sensible first values.

    Each form's element ids carry the action's name: the page holds many forms with the same
    field names (note, category), and an id must be unique for its label to work.
    """
    form = _make_form(name, view, data)
    form.auto_id = f"id_{name}_%s"
    return form


def _make_form(name: str, view: CaseView, data: Any) -> forms.Form:
    case = view.case
    if name == "dispatch":
        return wf.DispatchForm(
            data,
            targets=view.dispatch_targets,
            initial={
                "lead_unit": view.suggested_unit,
                "category": case.category,
                "priority": case.priority,
            },
        )
    if name == "transfer":
        return wf.TransferForm(data, targets=view.transfer_targets)
    if name == "accept":
        return wf.AcceptForm(data, initial={"category": case.category, "priority": case.priority})
    if name == "publish":
        return wf.PublishForm(data, case=case)
    if name == "supervise":
        return wf.SuperviseForm(data, initial={"days": 3})
    if name == "supervision_answer":
        order = view.orders[0].pk if view.orders else None
        return wf.SupervisionAnswerForm(data, initial={"order": order})
    simple: dict[str, type[forms.Form]] = {
        "sign": wf.EmptyForm,
        "reply": wf.ReplyForm,
        "return": wf.ReturnForm,
        "escalate": wf.EscalateForm,
        "extension_request": wf.ExtensionRequestForm,
        "extension_decide": wf.ExtensionDecideForm,
        "co_opinion": wf.OpinionForm,
        "urge": wf.NoteForm,
        "take_on": wf.NoteForm,
        "merge": wf.MergeForm,
        "reject": wf.RejectForm,
        "reopen": wf.RequiredNoteForm,
        "callback": wf.CallbackForm,
    }
    return simple[name](data)


def available(view: CaseView, bound: dict[str, forms.Form] | None = None) -> list[Action]:
    """The actions this person may take now, in the order a page shows them."""
    bound = bound or {}
    return [
        Action(
            name=name,
            label=LABELS[name][0],
            done=LABELS[name][1],
            form=bound.get(name) or make_form(name, view),
            danger=name in DANGER,
        )
        for name in ORDER
        if name in view.actions
    ]
