"""The task board (挂图作战): the bureau's task list and the schools' list, and each task's 销号 history.

A task is struck off (done) and put back (reopened) by dated events; nothing is ever deleted, so the board on
any date is the events up to that date. A school task is one item every school answers for: its events carry
the school.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field

from jiaoyu_fupin.store.models.base import Provenance


class Task(Provenance, table=True):
    __tablename__ = "tasks"

    id: int | None = Field(default=None, primary_key=True)  # the number clerks use: fupin task done N
    scope: str = "bureau"  # bureau (局机关的任务清单) / school (各学校的任务清单, for every school)
    area: str  # 一级指标
    item: str | None = None  # 二级指标
    content: str  # 工作任务
    lead_office: str | None = None  # 牵头股室
    supporting_offices: str | None = None  # 配合股室, joined by 、
    deadline: date | None = None  # 完成时限; None: no deadline given
    position: int = 0  # order in the list
    check_name: str | None = None  # a ledger check that must agree before it is struck off (tasks.checks)


class TaskEvent(Provenance, table=True):
    __tablename__ = "task_events"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="tasks.id", index=True)
    school_id: int | None = Field(default=None, foreign_key="schools.id")  # for a school task
    event: str  # done / reopen
    on_date: date
    text: str  # evidence (done) or reason (reopen)
    recorded_at: datetime
