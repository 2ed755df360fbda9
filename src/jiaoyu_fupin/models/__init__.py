"""The ledger's tables. Importing this package registers every table with SQLModel's metadata."""

from jiaoyu_fupin.models.batch import Batch
from jiaoyu_fupin.models.collab import CollabPlan, CollabRecord, CollabTarget
from jiaoyu_fupin.models.dropout import DropoutCase, DropoutEvent, DropoutVisit
from jiaoyu_fupin.models.history import RowVersion
from jiaoyu_fupin.models.pairing import HelpActivity, Helper, Oversight, Pairing
from jiaoyu_fupin.models.population import PopulationChild
from jiaoyu_fupin.models.school import School
from jiaoyu_fupin.models.statistics import PopulationCount, SchoolStat
from jiaoyu_fupin.models.student import Enrollment, Household, RegistryPerson, Student
from jiaoyu_fupin.models.subsidy import Payment, Program, Standard
from jiaoyu_fupin.models.tasks import Task, TaskEvent

__all__ = [
    "Batch",
    "CollabPlan",
    "CollabRecord",
    "CollabTarget",
    "DropoutCase",
    "DropoutEvent",
    "DropoutVisit",
    "Enrollment",
    "HelpActivity",
    "Helper",
    "Household",
    "Oversight",
    "Pairing",
    "Payment",
    "PopulationChild",
    "PopulationCount",
    "Program",
    "RegistryPerson",
    "RowVersion",
    "School",
    "SchoolStat",
    "Standard",
    "Student",
    "Task",
    "TaskEvent",
]
