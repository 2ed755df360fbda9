"""Helpers (responsible teachers and leaders), their pairings with students (一生一责任人), the 六个一 records they
keep and the oversight chain (包保) of leaders over townships, schools and classes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from jiaoyu_fupin.store.models.base import Provenance


class Helper(Provenance, table=True):
    __tablename__ = "helpers"

    id: int | None = Field(default=None, primary_key=True)
    helper_code: str = Field(unique=True)  # ID number or staff number
    name: str
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    role: str | None = None  # 教师 / 班主任 / 校领导 / 局领导 / 股室负责人
    phone: str | None = None


class Pairing(Provenance, table=True):
    __tablename__ = "pairings"
    __table_args__ = (UniqueConstraint("helper_id", "student_id", "start_date"),)

    id: int | None = Field(default=None, primary_key=True)
    helper_id: int = Field(foreign_key="helpers.id", index=True)
    student_id: int = Field(foreign_key="students.id", index=True)
    start_date: date
    end_date: date | None = None


class HelpActivity(Provenance, table=True):
    """One entry of a helper's 六个一 record for one student: a plan, a home visit, a deed, a summary (per term),
    a help measure or a help activity (per month)."""

    __tablename__ = "help_activities"
    # The key a re-import matches on; it also serves lookups by helper, so no separate index is paid for.
    __table_args__ = (UniqueConstraint("helper_id", "student_id", "activity_type", "activity_date"),)

    id: int | None = Field(default=None, primary_key=True)
    helper_id: int = Field(foreign_key="helpers.id")
    student_id: int = Field(foreign_key="students.id", index=True)
    activity_type: str  # plan / home_visit / deed / summary / measure / activity (pairing.rules.ITEMS)
    activity_date: date
    note: str | None = None


class Oversight(Provenance, table=True):
    """One link of the oversight chain: a leader answers for a township, a school, or a class (or a whole grade)."""

    __tablename__ = "oversight"

    id: int | None = Field(default=None, primary_key=True)
    helper_id: int = Field(foreign_key="helpers.id", index=True)
    level: str  # township / school / class
    township: str | None = None  # for the township level
    school_id: int | None = Field(default=None, foreign_key="schools.id")
    stage: str | None = None  # the class's stage where the school's type tells it
    grade: int | None = None  # grade within the stage, as enrollments store it
    class_name: str | None = None  # as written; empty with a grade = the whole grade
    term: str | None = None  # the term this link is for; empty = standing, every term
