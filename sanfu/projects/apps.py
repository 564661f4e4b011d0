from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "sanfu.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from sanfu.projects.lists import lists_register

        # The projects here in every unit's problem list (grassroots).
        lists_register()
