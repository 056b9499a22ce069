from indicators.models.documents import IssuedDocument
from indicators.models.organisations import Organisation
from indicators.models.plan import (
    CooperatingDepartment,
    Department,
    Indicator,
    Measure,
    Plan,
    PlanStatus,
    ReportingDeadline,
    TargetBasis,
    YearlyTarget,
)
from indicators.models.reporting import EDITABLE_STATUSES, Actual, ActualStatus, Contribution, Evidence, PendingUpload
from indicators.models.users import User

__all__ = [
    "EDITABLE_STATUSES",
    "Actual",
    "ActualStatus",
    "Contribution",
    "CooperatingDepartment",
    "Department",
    "Evidence",
    "Indicator",
    "IssuedDocument",
    "Measure",
    "Organisation",
    "PendingUpload",
    "Plan",
    "PlanStatus",
    "ReportingDeadline",
    "TargetBasis",
    "User",
    "YearlyTarget",
]
