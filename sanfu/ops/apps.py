from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the commands that run the system (`seed`, `serve`, `sweep`), the demo county's
    data and the synthetic history. It sits above every other app and may import any of them;
    no domain app imports it."""

    name = "sanfu.ops"
    label = "ops"
    verbose_name = _("Operations")
