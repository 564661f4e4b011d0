from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "sanfu.enterprise"
    label = "enterprise"
    verbose_name = _("Enterprise services")

    def ready(self) -> None:
        from sanfu.enterprise.matching import policies_match_sweep, policies_text_sweep
        from sanfu.lib.jobs import job_register

        job_register("enterprise-policies", policies_match_sweep, order=60)
        job_register("enterprise-policy-texts", policies_text_sweep, order=61)
