from sanfu.enterprise.models.facts import EnterpriseFacts, EnterpriseProfile, TaxGrade
from sanfu.enterprise.models.policies import (
    Benefit,
    BenefitKind,
    MatchRun,
    MatchState,
    Policy,
    PolicyMatch,
)
from sanfu.enterprise.models.projects import (
    Approval,
    ApprovalKind,
    ApprovalSession,
    ApprovalState,
    Project,
    ProjectKind,
    ProjectStage,
)
from sanfu.enterprise.models.resources import (
    SQM_PER_MU,
    IdleResource,
    Lease,
    ResourceInterest,
    ResourceKind,
    ResourcePhoto,
    ResourceState,
)

__all__ = [
    "SQM_PER_MU",
    "Approval",
    "ApprovalKind",
    "ApprovalSession",
    "ApprovalState",
    "Benefit",
    "BenefitKind",
    "EnterpriseFacts",
    "EnterpriseProfile",
    "IdleResource",
    "Lease",
    "MatchRun",
    "MatchState",
    "Policy",
    "PolicyMatch",
    "Project",
    "ProjectKind",
    "ProjectStage",
    "ResourceInterest",
    "ResourceKind",
    "ResourcePhoto",
    "ResourceState",
    "TaxGrade",
]
