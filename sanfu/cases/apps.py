from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sanfu.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from sanfu.cases import queue
        from sanfu.cases.notifications import REQUESTER_TEXT, send_requester_text
        from sanfu.cases.sweep import sweep_once
        from sanfu.lib.jobs import job_register

        # The requester's text messages leave through the queue (see cases.notifications).
        queue.handler_register(REQUESTER_TEXT, send_requester_text)

        # First in every pass: the clocks of open cases.
        job_register("cases", lambda: sweep_once().as_dict(), order=10)
        # Then the background queue, bounded so one pass stays short; `sanfu queue work`
        # drains it continuously beside the server.
        job_register("queue", lambda: queue.work(max_seconds=20).as_dict(), order=20)
