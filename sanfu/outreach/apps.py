from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "sanfu.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from sanfu.lib.jobs import job_register
        from sanfu.outreach.lists import lists_register
        from sanfu.outreach.sweep import outreach_sweep

        # Linked cadres and service days in every unit's three lists (grassroots).
        lists_register()

        # Reminders before a cadence period ends short of visits; safe in two processes.
        job_register("outreach", outreach_sweep, order=40)
