from sanfu.frontdoor.models.catalogue import ServiceEntry
from sanfu.frontdoor.models.modules import ModuleMapping
from sanfu.frontdoor.models.reports import (
    Clearing,
    Outcome,
    Report,
    ReportRead,
    ReportState,
    Verification,
)
from sanfu.frontdoor.models.surveys import (
    Answer,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyState,
    SurveyTally,
)

__all__ = [
    "Answer",
    "Clearing",
    "ModuleMapping",
    "Outcome",
    "Question",
    "QuestionKind",
    "Report",
    "ReportRead",
    "ReportState",
    "Response",
    "ServiceEntry",
    "Survey",
    "SurveyState",
    "SurveyTally",
    "Verification",
]
