"""Copy the two earlier logs of personal data reads into the one log: the workbench's
PersonalDataView (with the fields it showed) and the staff API's PersonalDataRead (which
always returned the requester's name, phone and ID number). The old tables go afterwards."""

from __future__ import annotations

from typing import Any

from django.db import migrations

REQUESTER_FIELDS = ["requester_name", "requester_phone", "requester_id_number"]


def copy(apps: Any, schema_editor: Any) -> None:
    access = apps.get_model("cases", "PersonalDataAccess")
    views = apps.get_model("workbench", "PersonalDataView")
    reads = apps.get_model("api", "PersonalDataRead")
    rows = [
        access(user_id=v.user_id, case_id=v.case_id, at=v.at, via="workbench", fields=v.fields)
        for v in views.objects.all().iterator()
    ]
    rows += [
        access(user_id=r.user_id, case_id=r.case_id, at=r.at, via="api", fields=REQUESTER_FIELDS)
        for r in reads.objects.all().iterator()
    ]
    access.objects.bulk_create(rows, batch_size=1000)


def uncopy(apps: Any, schema_editor: Any) -> None:
    access = apps.get_model("cases", "PersonalDataAccess")
    views = apps.get_model("workbench", "PersonalDataView")
    reads = apps.get_model("api", "PersonalDataRead")
    for row in access.objects.all().iterator():
        if row.via == "workbench":
            views.objects.create(user_id=row.user_id, case_id=row.case_id, at=row.at, fields=row.fields)
        else:
            reads.objects.create(user_id=row.user_id, case_id=row.case_id, at=row.at)
    access.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_personal_data_access"),
        ("workbench", "0001_initial"),
        ("api", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy, uncopy)]
