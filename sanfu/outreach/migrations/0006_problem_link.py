"""Each problem found on a visit carries its visit's link (filled here from the visits), with an
index on (link, found_at): the figures count a link's problems without reading the visits."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def fill_links(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The new foreign key is checked at commit; rows updated under it would leave
            # "pending trigger events" that forbid the ALTER TABLE below in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "UPDATE outreach_visitproblem SET link_id = ("
            "SELECT link_id FROM outreach_visit WHERE outreach_visit.id = outreach_visitproblem.visit_id)"
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0005_link_month_tallies"),
    ]

    operations = [
        migrations.AddField(
            model_name="visitproblem",
            name="link",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="problems",
                to="outreach.link",
                verbose_name="link",
            ),
        ),
        migrations.RunPython(fill_links, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="visitproblem",
            name="link",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="problems",
                to="outreach.link",
                verbose_name="link",
            ),
        ),
        migrations.AddIndex(
            model_name="visitproblem",
            index=models.Index(fields=["link", "found_at"], name="outreach_problem_link_time"),
        ),
    ]
