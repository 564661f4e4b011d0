from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "sanfu.assistance"
    label = "assistance"
    verbose_name = _("Social assistance")

    def ready(self) -> None:
        from sanfu.assistance.worker import imports_pending_run
        from sanfu.lib.jobs import job_register

        # Uploaded aid-record files waiting for the background import.
        job_register("imports", imports_pending_run, order=30)
