from sanfu.assistance.models.findings import (
    Application,
    Finding,
    FindingKind,
    FindingReview,
    FindingState,
)
from sanfu.assistance.models.programmes import (
    DISABILITY_GRADES,
    Beneficiary,
    Need,
    NeedCap,
    Period,
    Programme,
    Status,
)
from sanfu.assistance.models.records import (
    BatchState,
    ColumnMapping,
    ImportBatch,
    Person,
    RecordKind,
    RowIssue,
    SourceRecord,
)

__all__ = [
    "DISABILITY_GRADES",
    "Application",
    "BatchState",
    "Beneficiary",
    "ColumnMapping",
    "Finding",
    "FindingKind",
    "FindingReview",
    "FindingState",
    "ImportBatch",
    "Need",
    "NeedCap",
    "Period",
    "Person",
    "Programme",
    "RecordKind",
    "RowIssue",
    "SourceRecord",
    "Status",
]
