"""Forms of the project pages: they parse input; the services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfu.directory.models import Membership, Unit, UnitKind, User
from sanfu.lib.treepath import path_ids
from sanfu.projects.models import IncidentKind, Kind, Origin, Rating, State
from sanfu.projects.services import BoardTarget

DATE = forms.DateInput(attrs={"type": "date"})


class FilterForm(forms.Form):
    town = forms.ModelChoiceField(
        label=gettext_lazy("Town"), queryset=Unit.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", "—"), *Kind.choices], required=False
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"), choices=[("", "—"), *State.choices], required=False
    )
    q = forms.CharField(label=gettext_lazy("Title contains"), required=False, max_length=100)

    def __init__(self, *args: Any, towns: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]


def _own_units(user: User, kinds: set[str]) -> QuerySet[Unit]:
    ids = Membership.objects.filter(user=user, unit__kind__in=kinds).values("unit_id")
    return Unit.objects.filter(pk__in=ids)


class PoseForm(forms.Form):
    """出题: what the problem is, the evidence, and to whom it is posed."""

    posing = forms.ModelChoiceField(label=gettext_lazy("Posed by"), queryset=Unit.objects.none())
    deciding = forms.ModelChoiceField(label=gettext_lazy("Posed to"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[(k, v) for k, v in Kind.choices if k != Kind.EMERGENCY],
        initial=Kind.PROBLEM,
    )
    title = forms.CharField(label=gettext_lazy("Problem"), max_length=200)
    evidence = forms.CharField(label=gettext_lazy("Evidence"), widget=forms.Textarea)
    target_text = forms.CharField(
        label=gettext_lazy("What would solve it"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = _own_units(
            user,
            {UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.TOWN, UnitKind.STREET, UnitKind.GRID},
        )
        above = {pk for unit in own for pk in path_ids(unit.path)[:-1]}
        self.fields["posing"].queryset = own  # type: ignore[attr-defined]
        self.fields["deciding"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            pk__in=above, kind__in=[UnitKind.COUNTY, UnitKind.TOWN, UnitKind.STREET]
        )


class SetForm(forms.Form):
    """点题: a leader sets a problem and assigns a department with an envoy at once."""

    title = forms.CharField(label=gettext_lazy("Problem"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[(k, v) for k, v in Kind.choices if k != Kind.EMERGENCY]
    )
    origin = forms.ChoiceField(
        label=gettext_lazy("Origin"),
        choices=[(k, v) for k, v in Origin.choices if k in {"leader", "hot_spot", "cases"}],
    )
    origin_note = forms.CharField(label=gettext_lazy("Origin note"), required=False)
    target_text = forms.CharField(label=gettext_lazy("Target"), widget=forms.Textarea)
    places = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Places"), queryset=Unit.objects.none()
    )
    answering_unit = forms.ModelChoiceField(
        label=gettext_lazy("Answering department"), queryset=Unit.objects.none()
    )
    envoy = forms.ModelChoiceField(label=gettext_lazy("Envoy"), queryset=User.objects.none())
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE, required=False)
    ends_on = forms.DateField(label=gettext_lazy("Planned end"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = Unit.objects.visible_to(user)
        self.fields["places"].queryset = visible.exclude(  # type: ignore[attr-defined]
            kind__in=[UnitKind.DEPARTMENT, UnitKind.SOCIAL_ORG]
        )
        assign_fields(self, visible)


def assign_fields(form: forms.Form, visible: QuerySet[Unit]) -> None:
    departments = visible.filter(kind=UnitKind.DEPARTMENT)
    form.fields["answering_unit"].queryset = departments  # type: ignore[attr-defined]
    staff = Membership.objects.filter(unit__in=departments).values("user_id")
    form.fields["envoy"].queryset = User.objects.filter(  # type: ignore[attr-defined]
        pk__in=staff, is_active=True
    ).order_by("full_name")


class AcceptForm(forms.Form):
    answering_unit = forms.ModelChoiceField(
        label=gettext_lazy("Answering department"), queryset=Unit.objects.none()
    )
    envoy = forms.ModelChoiceField(label=gettext_lazy("Envoy"), queryset=User.objects.none())
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE, required=False)
    ends_on = forms.DateField(label=gettext_lazy("Planned end"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assign_fields(self, Unit.objects.visible_to(user))


class ReportForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Progress"), widget=forms.Textarea)
    photos = forms.FileField(label=gettext_lazy("Photos"), required=False)

    def __init__(self, *args: Any, targets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs.update({"accept": "image/*"})
        for target in targets:
            self.fields[f"quantity_{target.pk}"] = forms.IntegerField(
                label=f"{target.label} ({target.achieved}/{target.goal} {target.measure})",
                required=False,
                help_text=_("Change since the last report; negative to correct."),
            )

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("quantity_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("quantity_") and value
        }


class TargetForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("What"), max_length=100)
    measure = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=20)
    goal = forms.IntegerField(label=gettext_lazy("Goal"))


class GoalForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    goal = forms.IntegerField(label=gettext_lazy("New goal"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Milestone"), max_length=200)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DATE)


class CaseLinkForm(forms.Form):
    case = forms.CharField(label=gettext_lazy("Case number"), max_length=24)


class CaseAnswerForm(forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea)


class FinishForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (required while milestones are open)"),
        widget=forms.Textarea,
        required=False,
    )


class DropForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea)


class CommitmentForm(forms.Form):
    signing_unit = forms.ModelChoiceField(
        label=gettext_lazy("Signing unit"), queryset=Unit.objects.none()
    )
    deliverable = forms.CharField(label=gettext_lazy("Deliverable"), max_length=200)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signing_unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            kind__in=[UnitKind.DEPARTMENT, UnitKind.SOCIAL_ORG], is_active=True
        )


class DeliverForm(forms.Form):
    commitment = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Delivered"), max_length=1000)
    people_served = forms.IntegerField(label=gettext_lazy("People served"), min_value=0)


class RateForm(forms.Form):
    commitment = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        label=gettext_lazy("Rating"), choices=Rating.choices, widget=forms.RadioSelect
    )


_DEADLINE = re.compile(r"^(\d+)\s*([hd])$", re.IGNORECASE)


class IncidentForm(forms.Form):
    """One step: what happened, the towns, the board (one target a line), the warning."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    incident_kind = forms.ChoiceField(label=gettext_lazy("Incident"), choices=IncidentKind.choices)
    towns = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Affected towns"), queryset=Unit.objects.none()
    )
    targets = forms.CharField(
        label=gettext_lazy("Task board"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One target a line: town; what; unit of measure; goal; deadline as 48h or 3d. "
            "Example: 石门镇; power lines restored; lines; 76; 48h"
        ),
    )
    warning = forms.CharField(
        label=gettext_lazy("Early warning"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["towns"].queryset = Unit.objects.visible_to(  # type: ignore[attr-defined]
            user
        ).filter(kind__in=[UnitKind.TOWN, UnitKind.STREET])

    def clean_targets(self) -> list[BoardTarget]:
        rows: list[BoardTarget] = []
        towns = {town.name: town for town in self.fields["towns"].queryset}  # type: ignore[attr-defined]
        for number, line in enumerate(self.cleaned_data["targets"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in re.split(r"[;；]", line)]
            if len(parts) != 5:
                raise forms.ValidationError(
                    _("Line %(n)d: give town; what; unit; goal; deadline.") % {"n": number}
                )
            town_name, label, measure, goal, deadline = parts
            town = towns.get(town_name)
            if town is None:
                raise forms.ValidationError(
                    _("Line %(n)d: no town named %(town)s.") % {"n": number, "town": town_name}
                )
            match = _DEADLINE.match(deadline)
            if not goal.isdigit() or match is None:
                raise forms.ValidationError(
                    _("Line %(n)d: the goal is a whole number and the deadline like 48h or 3d.")
                    % {"n": number}
                )
            amount, scale = int(match.group(1)), match.group(2).lower()
            rows.append(
                BoardTarget(
                    label=label,
                    measure=measure,
                    goal=int(goal),
                    town=town,
                    hours=amount if scale == "h" else 0,
                    days=amount if scale == "d" else 0,
                )
            )
        if not rows:
            raise forms.ValidationError(_("Give at least one target."))
        return rows
