"""控辍保学: find every child of compulsory age out of school (scan), follow each case until it is closed (cases).

Cases live in dropout_cases (current state) with their visits (dropout_visits) and history (dropout_events);
nothing is deleted: closing and reopening add events.
"""

from jiaoyu_fupin.checks.dropout.cases import (
    OUTCOMES,
    CaseError,
    CaseView,
    case_history,
    close_case,
    find_case,
    list_cases,
    record_visit,
    reopen_case,
)
from jiaoyu_fupin.checks.dropout.scan import COMPULSORY_AGES, ScanError, ScanResult, scan

__all__ = [
    "COMPULSORY_AGES",
    "OUTCOMES",
    "CaseError",
    "CaseView",
    "ScanError",
    "ScanResult",
    "case_history",
    "close_case",
    "find_case",
    "list_cases",
    "record_visit",
    "reopen_case",
    "scan",
]
