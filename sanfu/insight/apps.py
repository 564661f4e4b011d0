from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "sanfu.insight"
    label = "insight"
    verbose_name = _("Insight")

    def ready(self) -> None:
        from sanfu.insight.build import insight_refresh
        from sanfu.lib.jobs import job_register

        # Last in every pass: the dashboard's daily aggregates catch up with what the other
        # jobs and the actions since the last pass changed.
        job_register("insight", lambda: insight_refresh().as_dict(), order=90)

        from sanfu.insight.league_sources import register

        # Outreach and projects ranked monthly beside the cases (比学赶超).
        register()
