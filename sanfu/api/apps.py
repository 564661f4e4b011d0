from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "sanfu.api"
    label = "api"
    verbose_name = _("Interfaces")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from sanfu.api import conf
        from sanfu.api.models import ServiceAttribute
        from sanfu.api.open311.services import forget_snapshot
        from sanfu.api.sweep import api_sweep
        from sanfu.cases.models import Category, Sla
        from sanfu.lib.jobs import job_register

        # A bad rate in the environment stops start-up with the variable's name, not later.
        conf.check()
        # The Open311 snapshot of the catalogue goes stale when the catalogue changes.
        for model in (Category, Sla, ServiceAttribute):
            for signal in (post_save, post_delete):
                signal.connect(forget_snapshot, sender=model, dispatch_uid=f"open311-{model}")
        # The rate counters' old windows and expired idempotency answers, off the request path.
        job_register("api", api_sweep, order=70)
