"""Dropout cases (辍学) and the visits that bring a child back (劝返). Nothing here is ever deleted."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from jiaoyu_fupin.store.models.base import Provenance


class DropoutCase(Provenance, table=True):
    __tablename__ = "dropout_cases"

    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(index=True)
    name: str
    student_id: int | None = Field(default=None, foreign_key="students.id", index=True)
    school_grade: str | None = None  # 就读学校及年级, as written
    left_month: str | None = None  # 辍学年月, "2019-10"
    guardian_name: str | None = None
    guardian_phone: str | None = None  # personal data: stored for the visits, never printed in lists
    address: str | None = None  # personal data, same
    reason: str | None = None
    measures: str | None = None
    origin: str = "ledger"  # ledger (imported) / scan / roll
    status: str = "open"
    opened_on: date | None = None
    closed_on: date | None = None
    closed_as: str | None = None
    close_reason: str | None = None


class DropoutVisit(Provenance, table=True):
    __tablename__ = "dropout_visits"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="dropout_cases.id", index=True)
    visited_on: date | None = None
    visitors: str | None = None
    result: str | None = None


class DropoutEvent(SQLModel, table=True):
    """A case's history, one row per step (opened by a scan, closed, reopened): rows are only ever added.

    dropout_cases holds the current state; this table keeps every closing and reopening with its date, so a
    case closed as returned and reopened next term still shows both.
    """

    __tablename__ = "dropout_events"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="dropout_cases.id", index=True)
    action: str  # opened / closed / reopened
    happened_on: date
    term: str | None = None  # opened: the term whose scan found the child
    outcome: str | None = None  # closed: returned / home_schooled / exempted / moved / not_a_case
    reason: str | None = None
    school: str | None = None  # closed as returned: the school the child went back to
    teacher: str | None = None  # closed as home_schooled: the visiting teacher (送教上门)
    valid_until: date | None = None  # closed as home_schooled / exempted: last day the arrangement holds
    recorded_at: datetime
