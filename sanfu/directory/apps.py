from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "sanfu.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        # Failed log-ins are logged by a signal receiver there.
        from sanfu.directory import logins  # noqa: F401
