"""Which module of a town (a unit of kind `module` under it) takes a category's cases.

Here and not in `directory` because it points at catalogue categories, which `directory`
(below `cases`) cannot know about; the modules themselves are units of the tree.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Category
from sanfu.directory.models import Unit


class ModuleMapping(models.Model):
    town = models.ForeignKey(
        Unit, verbose_name=_("town"), on_delete=models.CASCADE, related_name="module_mappings"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    module = models.ForeignKey(
        Unit, verbose_name=_("module"), on_delete=models.CASCADE, related_name="mapped_categories"
    )

    class Meta:
        verbose_name = _("module mapping")
        verbose_name_plural = _("module mappings")
        constraints = [
            models.UniqueConstraint(fields=["town", "category"], name="module_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.module}"
