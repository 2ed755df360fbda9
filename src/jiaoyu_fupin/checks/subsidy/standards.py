"""The standards in force for a term, read from the ledger, and expanded into one rule per category and grade."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.core.poverty import CATEGORIES
from jiaoyu_fupin.core.stages import AFTER_SCHOOL
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.models import Program, School, Standard


@dataclass(frozen=True)
class StandardInForce:
    program_code: str
    program: str
    per: str
    stage: str
    categories: tuple[str, ...]
    boarding: bool | None
    grades: tuple[int, ...]
    place: str | None
    term_from: str
    term_to: str | None
    amount: Decimal
    source: str
    school: str | None = None

    def as_json(self) -> dict:
        return {"program": self.program, "program_code": self.program_code, "per": self.per, "stage": self.stage,
                "categories": list(self.categories), "boarding": self.boarding, "grades": list(self.grades),
                "place": self.place, "term_from": self.term_from, "term_to": self.term_to,
                "amount": str(self.amount), "source": self.source, "school": self.school}

    @property
    def who(self) -> str:
        return "、".join(CATEGORIES[c] for c in self.categories)


def in_force(conn: Connection, term: Term | None = None) -> list[StandardInForce]:
    """Every standard, or those whose term range covers `term`, in policy order."""
    rows = conn.execute(
        select(Standard.stage, Standard.categories, Standard.boarding, Standard.grades, Standard.place,
               Standard.term_from, Standard.term_to, Standard.amount, Standard.source, Standard.school,
               Program.code, Program.name, Program.per)
        .join(Program, Program.id == Standard.program_id)
        .order_by(Standard.id)
    ).all()
    found = []
    for r in rows:
        if term is not None and not _covers(r.term_from, r.term_to, term):
            continue
        found.append(StandardInForce(
            program_code=r.code, program=r.name, per=r.per, stage=r.stage,
            categories=tuple(r.categories.split(",")),
            boarding=None if r.boarding is None else bool(r.boarding),
            grades=tuple(int(g) for g in r.grades.split(",")) if r.grades else (),
            place=r.place, term_from=r.term_from, term_to=r.term_to, amount=r.amount, source=r.source,
            school=r.school,
        ))
    return found


def _covers(term_from: str, term_to: str | None, term: Term) -> bool:
    return Term.parse(term_from) <= term and (term_to is None or term <= Term.parse(term_to))


def rules(conn: Connection, term: Term) -> pd.DataFrame:
    """One row per (program, stage, category, boarding, grade, place, school) with the amount in 分.

    Columns: program_id, stage, category, boarding (1/0/-1 = any), grade (-1 = any), place (None = any), fen,
    school_id (-1 = any school; -2 = a school the ledger does not know, so the standard applies to nobody).
    Integer keys let the coverage check match a million enrollments with one merge.
    """
    ids = dict(conn.execute(select(Program.code, Program.id)).all())
    schools = {text_key(name): sid for sid, name in conn.execute(select(School.id, School.name))}
    out = []
    for s in in_force(conn, term):
        boarding = -1 if s.boarding is None else int(s.boarding)
        fen = int(s.amount * 100)
        school = -1 if not s.school else schools.get(text_key(s.school), -2)
        for category in s.categories:
            for grade in s.grades or (-1,):
                out.append((ids[s.program_code], s.stage, category, boarding, grade, s.place, fen, school))
    return pd.DataFrame(out, columns=["program_id", "stage", "category", "boarding", "grade", "place", "fen",
                                      "school_id"])


def paid_wherever(rules_frame: pd.DataFrame) -> np.ndarray:
    """The programs the county pays its students wherever they study: those with a standard for a stage after
    school (AFTER_SCHOOL: 路费, 兜底大学生活补助, 雨露计划 for 高职). Every other program is aid the student gets at
    the school, so a student studying outside the county gets it there, from the host county."""
    after = rules_frame["stage"].isin(AFTER_SCHOOL).to_numpy()
    return np.unique(rules_frame["program_id"].to_numpy()[after]).astype(np.int64)
