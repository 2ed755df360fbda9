"""Helpers (responsible teachers and leaders) and their pairings with students (一生一责任人)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from jiaoyu_fupin.models.base import Provenance


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
