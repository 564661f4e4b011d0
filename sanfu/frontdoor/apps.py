from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdoorConfig(AppConfig):
    name = "sanfu.frontdoor"
    label = "frontdoor"
    verbose_name = _("Front door")

    def ready(self) -> None:
        # Cases dispatched to a town go on to the module its category is mapped to.
        from sanfu.cases.services.dispatch import lead_resolvers
        from sanfu.frontdoor.modules import module_for

        if module_for not in lead_resolvers:
            lead_resolvers.append(module_for)

        from sanfu.frontdoor.tallies import tallies_sweep
        from sanfu.lib.jobs import job_register

        job_register("frontdoor-survey-tallies", tallies_sweep, order=55)
