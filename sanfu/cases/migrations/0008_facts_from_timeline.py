"""Every answer and rating the timeline holds becomes a fact row (the 不满意 that reopened a
case included), and the active lead assignments take the case's deadlines as their own clock.

Earlier answers than a case's current one have no known on-time judgement or handling time
(the case row kept only the last); they count as answers and their ratings count in full.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import OuterRef, Subquery

from sanfu.cases.timeline_facts import facts_from_timeline


def forwards(apps: Any, schema_editor: Any) -> None:
    case = apps.get_model("cases", "Case")
    facts_from_timeline(
        case_model=case,
        event_model=apps.get_model("cases", "CaseEvent"),
        reply_model=apps.get_model("cases", "CaseReply"),
        rating_model=apps.get_model("cases", "CaseRating"),
    )
    assignment = apps.get_model("cases", "Assignment")
    own = case.objects.filter(pk=OuterRef("case_id"))
    assignment.objects.filter(active=True, role="lead").update(
        sign_deadline=Subquery(own.values("sign_deadline")[:1]),
        reply_deadline=Subquery(own.values("reply_deadline")[:1]),
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("cases", "CaseRating").objects.all().delete()
    apps.get_model("cases", "CaseReply").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_rating_and_answer_facts")]

    operations = [migrations.RunPython(forwards, backwards)]
