"""The access choke point for the enterprise app's rows: staff read them only through these.

- policies' review lists: staff of the issuing unit (or a unit above it);
- projects: staff of the enterprise's town subtree, or of a department asked for an approval;
- approvals: staff of the department asked, or of the enterprise's town subtree;
- contacts: staff of the enterprise's town subtree (as the enterprise itself);
- idle resources: staff of the village's subtree; the public sees listed ones, without the
  owner's personal data (the portal's pages pick their fields).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from sanfu.directory.querysets import AnyUser, scope_filter

if TYPE_CHECKING:
    from sanfu.enterprise.models import (  # noqa: F401
        Approval,
        EnterpriseContact,
        IdleResource,
        Policy,
        PolicyMatch,
        Project,
    )


class PolicyQuerySet(models.QuerySet["Policy"]):
    def reviewable_by(self, user: AnyUser) -> PolicyQuerySet:
        return scope_filter(self, user, "issuing_unit__path")


class PolicyMatchQuerySet(models.QuerySet["PolicyMatch"]):
    def visible_to(self, user: AnyUser) -> PolicyMatchQuerySet:
        return scope_filter(self, user, "policy__issuing_unit__path")


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: AnyUser) -> ProjectQuerySet:
        from sanfu.enterprise.models import Approval

        by_place = scope_filter(self, user, "enterprise__town__path", "enterprise__village__path")
        asked = scope_filter(Approval.objects.all(), user, "department__path")
        return self.filter(
            models.Q(pk__in=by_place.values("pk")) | models.Q(pk__in=asked.values("project_id"))
        )


class ApprovalQuerySet(models.QuerySet["Approval"]):
    def visible_to(self, user: AnyUser) -> ApprovalQuerySet:
        return scope_filter(
            self,
            user,
            "department__path",
            "project__enterprise__town__path",
            "project__enterprise__village__path",
        )


class EnterpriseContactQuerySet(models.QuerySet["EnterpriseContact"]):
    def visible_to(self, user: AnyUser) -> EnterpriseContactQuerySet:
        return scope_filter(self, user, "enterprise__town__path", "enterprise__village__path")


class IdleResourceQuerySet(models.QuerySet["IdleResource"]):
    def visible_to(self, user: AnyUser) -> IdleResourceQuerySet:
        return scope_filter(self, user, "village__path")

    def public(self) -> IdleResourceQuerySet:
        return self.filter(state="listed")
