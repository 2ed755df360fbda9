"""应助尽助、不落一人: every entitled student paid the right standard exactly once in a term, student by student.

Each payment row of the term gets at most one finding, in this order of precedence: unknown_student, not_enrolled,
ineligible, amount_mismatch. Per student and program: duplicate (paid more than once) and missing (entitled to an
in-county standard, no payment). Students studying outside the county are listed for the letters (发函), never missing.
Payments of other terms never count: a term's check looks at that term's payments only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.frames import query_frame
from jiaoyu_fupin.subsidy import details
from jiaoyu_fupin.subsidy.entitlements import boarding_unknown, enrolled_with_category, entitlements
from jiaoyu_fupin.subsidy.model import CoverageReport
from jiaoyu_fupin.subsidy.scope import Scope
from jiaoyu_fupin.subsidy.standards import rules
from jiaoyu_fupin.terms import Term

_PAYMENTS = text("SELECT id, program_id, amount, COALESCE(student_id, -1) FROM payments WHERE term = :term")
_STATUS = ("SELECT student_id, status, COALESCE(school_id, -1) FROM enrollments"
           " WHERE term = :term AND student_id IN ({ids})")
_ROSTER_SCHOOL = "SELECT id, school_name FROM payments WHERE id IN ({ids})"


class NoRollError(ValueError):
    """The ledger holds no roll for the term: every payment would look like one to a student not enrolled."""


def require_roll(conn: Connection, term: Term) -> None:
    if conn.execute(text("SELECT 1 FROM enrollments WHERE term = :t LIMIT 1"), {"t": str(term)}).first() is None:
        raise NoRollError(f"台账中没有 {term} 的学籍记录，无法核对")


def check(conn: Connection, term: Term, scope: Scope | None = None) -> CoverageReport:
    scope = scope or Scope.county()
    require_roll(conn, term)
    enrolled = enrolled_with_category(conn, term)
    entitled = entitlements(enrolled, rules(conn, term))
    payments = _payments(conn, term, enrolled)
    payments = payments.merge(entitled[["student_id", "program_id", "fen_min", "fen_max", "amounts"]],
                              on=["student_id", "program_id"], how="left")
    payments["kind"] = _payment_kinds(payments)
    # A payment at the wrong amount is still a payment: it counts against missing and towards duplicates.
    valid = payments[payments["kind"].isin(["", "amount_mismatch"])]
    per_pair = valid.groupby(["student_id", "program_id"], sort=False).agg(
        times=("id", "size"), fen=("fen", "sum"), school_id=("school_id", "first"),
        fen_min=("fen_min", "first"), amounts=("amounts", "first"))
    duplicates = per_pair[per_pair["times"] > 1].reset_index()
    wanted = entitled[entitled["in_county"] == 1]
    paid = pd.MultiIndex.from_frame(valid[["student_id", "program_id"]])
    missing = wanted[~pd.MultiIndex.from_frame(wanted[["student_id", "program_id"]]).isin(paid)]

    payments, wanted, missing, duplicates = scope.restrict(conn, payments, wanted, missing, duplicates)
    report = CoverageReport(term=term, scope=scope)
    report.entitled_students = int(wanted["student_id"].nunique())
    in_scope = enrolled["school_id"].isin(scope.school_ids(conn))
    report.boarding_unknown = int((boarding_unknown(enrolled) & in_scope.to_numpy()).sum())
    report.findings = details.findings(conn, term, payments, missing, duplicates)
    report.by_program, report.by_school = details.summaries(conn, payments, wanted, report.findings)
    if scope.includes_away:
        away = enrolled[(enrolled["in_county"] == 0) & (enrolled["registered"] == 1)]
        report.out_of_county = details.away_students(conn, term, away, scope)
    return report


def _payments(conn: Connection, term: Term, enrolled: pd.DataFrame) -> pd.DataFrame:
    """The term's payments with the paid student's status and school that term (school_id -1: none known).

    Students in `enrolled` are 在校 by construction; the few others paid (no category, not 在校) are looked up.
    """
    frame = query_frame(conn, _PAYMENTS, {"term": str(term)}, ["id", "program_id", "fen", "student_id"],
                        ints=["id", "program_id", "fen", "student_id"])
    known = enrolled[["student_id", "school_id"]].drop_duplicates("student_id").assign(status="在校")
    frame = frame.merge(known, on="student_id", how="left")
    others = frame.loc[frame["status"].isna() & (frame["student_id"] >= 0), "student_id"]
    if len(others):
        found = {sid: (status, school) for sid, status, school in
                 details.by_ids(conn, _STATUS, others, {"term": str(term)})}
        rows = frame.index[frame["status"].isna() & (frame["student_id"] >= 0)]
        frame.loc[rows, "status"] = [found.get(s, (None, -1))[0] for s in frame.loc[rows, "student_id"]]
        frame.loc[rows, "school_id"] = [found.get(s, (None, -1))[1] for s in frame.loc[rows, "student_id"]]
    frame["school_id"] = frame["school_id"].fillna(-1).astype("int64")
    frame["school_name"] = None
    homeless = frame["school_id"] < 0
    if homeless.any():
        names = dict(details.by_ids(conn, _ROSTER_SCHOOL, frame.loc[homeless, "id"]))
        frame.loc[homeless, "school_name"] = frame.loc[homeless, "id"].map(names)
    return frame


def _payment_kinds(payments: pd.DataFrame) -> np.ndarray:
    """The one finding each payment row gets ("" for none), by precedence."""
    kinds = np.full(len(payments), "", dtype=object)
    if payments.empty:
        return kinds
    unknown = (payments["student_id"] < 0).to_numpy()
    not_enrolled = ~unknown & (payments["status"] != "在校").to_numpy()
    entitled = payments["fen_min"].notna().to_numpy()
    ineligible = ~unknown & ~not_enrolled & ~entitled
    fen = payments["fen"].to_numpy()
    wrong = entitled & (fen != payments["fen_min"].to_numpy()) & (fen != payments["fen_max"].to_numpy())
    # Where several standards apply, any of their amounts is right: test membership row by row (rare).
    several = np.flatnonzero(entitled & payments["amounts"].notna().to_numpy())
    for i in several:
        wrong[i] = fen[i] not in payments["amounts"].iat[i]
    kinds[unknown] = "unknown_student"
    kinds[not_enrolled] = "not_enrolled"
    kinds[ineligible] = "ineligible"
    kinds[~unknown & ~not_enrolled & ~ineligible & wrong] = "amount_mismatch"
    return kinds
