"""Ship the enterprise (七问七清), village and grid patrol checklists as version 1."""

from typing import Any

from django.db import migrations


def ship(apps: Any, schema_editor: Any) -> None:
    from sanfu.outreach.checklists import SHIPPED

    template_model = apps.get_model("outreach", "ChecklistTemplate")
    version_model = apps.get_model("outreach", "ChecklistVersion")
    for item in SHIPPED:
        template, created = template_model.objects.get_or_create(
            code=item["code"], defaults={"name": item["name"], "kind": item["kind"]}
        )
        if created:
            version_model.objects.create(template=template, number=1, questions=item["questions"])


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
