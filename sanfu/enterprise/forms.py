"""Forms of the enterprise pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanfu.enterprise.imports import BENEFITS, FACTS
from sanfu.enterprise.models import MatchState


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (MatchState.CONFIRMED, _("Confirm: it is to be delivered")),
            (MatchState.DISMISSED, _("Dismiss")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(FACTS, _("Enterprises' facts")), (BENEFITS, _("Benefits delivered"))],
    )
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
