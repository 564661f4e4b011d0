from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "sanfu.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from sanfu.cases import announce
        from sanfu.lib.jobs import job_register
        from sanfu.outreach.lists import lists_register
        from sanfu.outreach.sweep import outreach_sweep
        from sanfu.outreach.tallies import tally_case_changed

        # Linked cadres and service days in every unit's three lists (grassroots).
        lists_register()

        # Reminders before a cadence period ends short of visits; safe in two processes.
        job_register("outreach", outreach_sweep, order=40)

        # A visit problem's case answered, reopened, closed: its month's tally of solved cases.
        announce.case_changed.subscribe("outreach", tally_case_changed)
