"""The ledger's tables. Importing this package registers every table with SQLModel's metadata."""

from jiaoyu_fupin.store.models.audit import AuditRecord
from jiaoyu_fupin.store.models.batch import Batch
from jiaoyu_fupin.store.models.collab import CollabPlan, CollabRecord, CollabTarget
from jiaoyu_fupin.store.models.data_step import DataStep
from jiaoyu_fupin.store.models.dropout import DropoutCase, DropoutEvent, DropoutVisit
from jiaoyu_fupin.store.models.history import RowVersion
from jiaoyu_fupin.store.models.pairing import HelpActivity, Helper, Oversight, Pairing
from jiaoyu_fupin.store.models.population import PopulationChild
from jiaoyu_fupin.store.models.school import School
from jiaoyu_fupin.store.models.setting import Setting
from jiaoyu_fupin.store.models.statistics import PopulationCount, SchoolStat
from jiaoyu_fupin.store.models.student import Enrollment, Household, RegistryPerson, Student
from jiaoyu_fupin.store.models.subsidy import Payment, Program, Standard
from jiaoyu_fupin.store.models.tasks import Task, TaskEvent

__all__ = [
    "AuditRecord",
    "Batch",
    "CollabPlan",
    "CollabRecord",
    "CollabTarget",
    "DataStep",
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
    "Setting",
    "Standard",
    "Student",
    "Task",
    "TaskEvent",
]
