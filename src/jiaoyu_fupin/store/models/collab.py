"""East–west (and province-internal) collaboration: the year's plan rows and targets, and what happened.

A plan row is one training the plan schedules: county staff shadow-trained in the partner district (跟岗培训) or
experts coming to the county (专家培训), in a month or a span of months, for a head count or a range of one.
A record is one thing that happened: a teacher visit, a training class, a batch of staff sent, a donation, a project.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Field

from jiaoyu_fupin.store.models.base import Money, Provenance


class CollabPlan(Provenance, table=True):
    __tablename__ = "collab_plans"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    kind: str  # 跟岗培训 / 专家培训 (collab.model.PLAN_KINDS)
    seq: int | None = None  # 序号 as written
    project: str  # 对象 (who is trained) or 项目名称
    experts: str | None = None  # 滨江来建始专家: who the partner sends
    offices: str | None = None  # 责任股室, joined by 、 in the plan's order
    period: str | None = None  # 时间 as written: 3 月, 6 月下旬或 7 月上旬
    month_from: int | None = None
    month_to: int | None = None
    people_min: int | None = None  # 人数 3-5 -> 3 and 5; 25 -> 25 and 25
    people_max: int | None = None
    note: str | None = None


class CollabTarget(Provenance, table=True):
    __tablename__ = "collab_targets"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    item: str  # collab.model.TARGETS key: 支教, 跟岗培训, 挂职干部, 结对学校, 资助学生
    target: int
    unit: str | None = None


class CollabRecord(Provenance, table=True):
    __tablename__ = "collab_records"

    id: int | None = Field(default=None, primary_key=True)
    happened_on: date = Field(index=True)
    kind: str  # collab.model.RECORD_KINDS
    scope: str = "东西部协作"  # or 省内协作 (the 616 units, universities, province-internal partners)
    partner: str | None = None  # who gave: 滨江区教育局, a school, a company, a university
    school_name: str | None = None  # the county school concerned, as written
    school_id: int | None = Field(default=None, foreign_key="schools.id")
    people: int | None = None  # the partner's people who came, or the county's people who went
    person_times: int | None = None  # who benefited: teachers trained, students aided
    amount: Decimal | None = Field(default=None, sa_type=Money)  # 元
    funding: str | None = None  # 资金来源: 社会捐款, 财政援助 …
    plan_id: int | None = Field(default=None, foreign_key="collab_plans.id")
    plan_project: str | None = None  # the plan row the file named (计划项目), kept as written
    note: str | None = None
