from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrassrootsConfig(AppConfig):
    name = "sanfu.grassroots"
    label = "grassroots"
    verbose_name = _("Serving the grassroots")
