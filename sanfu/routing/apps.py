from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "sanfu.routing"
    label = "routing"
    verbose_name = _("Smart routing")

    def ready(self) -> None:
        from sanfu.cases import announce, queue
        from sanfu.routing import hooks

        announce.case_received.subscribe("routing", hooks.case_received)
        announce.case_routed.subscribe("routing", hooks.case_routed)
        queue.handler_register(hooks.RECEIVED, hooks.run_received)
        queue.handler_register(hooks.ROUTED, hooks.run_routed)
