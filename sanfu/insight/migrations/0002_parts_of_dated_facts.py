"""The aggregates' parts become counts of dated facts (answers, ratings, assignments). The
old rows counted other things: they are dropped and the watermark reset, so the dashboard
computes from the facts until the next sweep pass has rebuilt every day."""

from typing import Any

from django.db import migrations, models


def drop_old_rows(apps: Any, schema_editor: Any) -> None:
    apps.get_model("insight", "DailyParts").objects.all().delete()
    apps.get_model("insight", "Watermark").objects.update(refreshed_at=None, last_event_id=0)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_facts_from_timeline'),
        ('directory', '0001_initial'),
        ('insight', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(drop_old_rows, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='dailyparts',
            name='insight_grain_unit_day',
        ),
        migrations.RemoveField(
            model_name='dailyparts',
            name='open',
        ),
        migrations.RemoveField(
            model_name='dailyparts',
            name='open_overdue',
        ),
        migrations.RemoveField(
            model_name='dailyparts',
            name='solved',
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='accepted',
            field=models.PositiveIntegerField(default=0, verbose_name='accepted'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='assigned',
            field=models.PositiveIntegerField(default=0, verbose_name='assigned'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='callbacks',
            field=models.PositiveIntegerField(default=0, verbose_name='callbacks'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='declared_solved',
            field=models.PositiveIntegerField(default=0, verbose_name='declared solved'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='first_rated',
            field=models.PositiveIntegerField(default=0, verbose_name='first answers rated'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='first_satisfied',
            field=models.PositiveIntegerField(default=0, verbose_name='first answers satisfied'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='said_solved',
            field=models.PositiveIntegerField(default=0, verbose_name='said solved'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='said_whether',
            field=models.PositiveIntegerField(default=0, verbose_name='said whether solved'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='timed',
            field=models.PositiveIntegerField(default=0, verbose_name='answers with a deadline'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='unit_late',
            field=models.PositiveIntegerField(default=0, verbose_name='late by the unit deadline'),
        ),
        migrations.AddField(
            model_name='dailyparts',
            name='unit_timed',
            field=models.PositiveIntegerField(default=0, verbose_name='answers with a unit deadline'),
        ),
        migrations.AlterField(
            model_name='dailyparts',
            name='handled',
            field=models.PositiveIntegerField(default=0, verbose_name='answered'),
        ),
        migrations.AddIndex(
            model_name='dailyparts',
            index=models.Index(fields=['grain', 'unit', 'day'], include=('category', 'channel', 'received', 'accepted', 'assigned', 'signed', 'signed_on_time', 'handled', 'timed', 'late', 'unit_timed', 'unit_late', 'declared_solved', 'on_the_spot', 'days_n', 'days_sum', 'rated', 'satisfied', 'said_whether', 'said_solved', 'first_rated', 'first_satisfied', 'callbacks', 'reopened'), name='insight_grain_unit_day'),
        ),
    ]
