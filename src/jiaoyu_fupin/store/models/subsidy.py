"""Subsidy programs, their standards by term, and payments actually made."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from jiaoyu_fupin.store.models.base import Money, Provenance


class Program(SQLModel, table=True):
    __tablename__ = "programs"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str = Field(unique=True)
    aliases: str = ""  # other names clerks write, separated by "|"
    per: str = "term"  # term / year / once: how often the standard is paid (路费 once, 兜底 per year)
    # Names this program shares with others (国家助学金: 普通高中 or 中职), separated by "|": a roster row under
    # one of them is this program when the student's stage and 就读方式 on that term's roll say so.
    shared_names: str = ""


class Standard(SQLModel, table=True):
    """One row of the standards table in force: who gets how much per term, for which range of terms."""

    __tablename__ = "standards"

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="programs.id", index=True)
    stage: str
    categories: str  # family_category codes separated by ","
    boarding: bool | None = None  # None: boarding does not matter
    grades: str | None = None  # grade numbers within the stage separated by ","; None: all grades
    place: str | None = None  # 省内 / 省外 where it matters (路费)
    term_from: str
    term_to: str | None = None
    amount: Decimal = Field(sa_column=Column(Money, nullable=False))
    source: str = "default"
    school: str | None = None  # a standard for one school only (its own tuition); None: every other school


class Payment(Provenance, table=True):
    """Money paid to a student in a term: a fact, kept even when it is wrong, so the checks can flag it."""

    __tablename__ = "payments"

    id: int | None = Field(default=None, primary_key=True)
    payment_key: str = Field(unique=True)  # identity within its source file, for idempotent re-import
    student_id: int | None = Field(default=None, foreign_key="students.id", index=True)
    id_number: str = Field(index=True)  # as paid (normalized)
    name: str  # as paid
    program_id: int = Field(foreign_key="programs.id", index=True)
    term: str = Field(index=True)
    amount: Decimal = Field(sa_column=Column(Money, nullable=False))
    paid_on: date | None = None
    school_name: str | None = None  # as written on the roster
    source_file: str
