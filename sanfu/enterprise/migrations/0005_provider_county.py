import django.db.models.deletion
from django.db import migrations, models

# A provider belongs to the county whose menu lists it (before, every county's staff approved
# every provider and every county's enterprises saw every offer). An existing provider goes to
# the county its account is staff of; failing that, to the first county (a one-county install,
# which is every install so far).


def give_providers_their_county(apps, schema_editor):  # type: ignore[no-untyped-def]
    Provider = apps.get_model("enterprise", "Provider")
    Unit = apps.get_model("directory", "Unit")
    Membership = apps.get_model("directory", "Membership")
    if not Provider.objects.exists():
        return
    # A path is the chain of ids from the root, each segment followed by a dot.
    counties = {u.path.split(".")[0]: u.pk for u in Unit.objects.filter(kind="county")}
    first = Unit.objects.filter(kind="county").order_by("pk").values_list("pk", flat=True).first()
    for provider in Provider.objects.all():
        county = None
        for path in Membership.objects.filter(user_id=provider.account_id).values_list(
            "unit__path", flat=True
        ):
            county = counties.get(path.split(".")[0])
            if county is not None:
                break
        provider.county_id = county or first
        provider.save(update_fields=["county"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_user_second_factor"),
        ("enterprise", "0004_contacts"),
    ]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="service_providers",
                to="directory.unit",
                verbose_name="county",
            ),
        ),
        migrations.RunPython(give_providers_their_county, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="provider",
            name="county",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="service_providers",
                to="directory.unit",
                verbose_name="county",
            ),
        ),
        migrations.AlterField(
            model_name="provider",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="provider",
            constraint=models.UniqueConstraint(
                fields=("county", "name"), name="ent_provider_name_in_county"
            ),
        ),
    ]
