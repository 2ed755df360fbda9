"""应助尽助、不落一人: every entitled student paid the right standard exactly once in a term, student by student.

Each payment row of the term gets at most one finding, in this order of precedence: unknown_student, not_enrolled
(no roll of the county that term: not 在校, or studying away under a program the host county pays), ineligible,
amount_mismatch. Per student and program: duplicate (paid more than once) and missing (entitled to an
in-county standard, no payment). Students studying outside the county are listed for the letters (发函), never missing.
Payments of other terms never count: a term's check looks at that term's payments only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.checks.subsidy import details
from jiaoyu_fupin.checks.subsidy.arrays import contains, lookup, pair_key
from jiaoyu_fupin.checks.subsidy.entitlements import (
    boarding_unknown,
    enrolled_frame,
    enrolled_queries,
    entitlements,
)
from jiaoyu_fupin.checks.subsidy.model import (
    AMOUNT_MISMATCH,
    INELIGIBLE,
    NOT_ENROLLED,
    UNKNOWN_STUDENT,
    CoverageReport,
)
from jiaoyu_fupin.checks.subsidy.scope import Scope
from jiaoyu_fupin.checks.subsidy.standards import paid_wherever, rules
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.frames import Query, cores, query_int_frames

# Program and amount travel as one integer (amount in 分 above 20 bits of program id): fewer values to cross over.
# An amount of 2**43 分 (88 亿元) or more would not fit: a term holding one (a bank card number that an older fupin
# let into 金额) is read in separate columns instead, so the check still runs and flags it.
_PACKABLE = 1 << 43
_PAYMENTS = text("SELECT id, amount * 1048576 + program_id, COALESCE(student_id, -1) FROM payments WHERE term = :term")
_PAYMENTS_UNPACKED = text("SELECT id, program_id, amount, COALESCE(student_id, -1) FROM payments WHERE term = :term")
_LARGEST = text("SELECT MAX(amount) FROM payments WHERE term = :term")
_STATUS = ("SELECT student_id, status, COALESCE(school_id, -1), study_place FROM enrollments"
           " WHERE term = :term AND student_id IN ({ids})")
_ROSTER_SCHOOL = "SELECT id, school_name FROM payments WHERE id IN ({ids})"


class NoRollError(ClerkError):
    """The ledger holds no roll for the term: every payment would look like one to a student not enrolled."""

    def __init__(self, term: Term, purpose: str = "check"):
        message, hint, misuse = _NO_ROLL[purpose]
        super().__init__(message.format(term=term), hint.format(term=term), misuse=misuse)
        self.term = term


# What is refused, how to fix it, and whether it is a misuse (a check of a term never imported: exit 2) or the
# data refusing (a report whose period the ledger, as of the cut, has no roll for: exit 1, nothing written).
_NO_ROLL = {
    "check": ("台账中没有 {term} 的学籍记录，无法核对", "请先导入 {term} 的学籍名册（fupin import 学籍.xlsx），再核对发放", True),
    "notice": ("台账中没有 {term} 的学籍记录，无法生成公示名单", "请先导入 {term} 的学籍名册（fupin import 学籍.xlsx）", True),
    "report": ("截至时间的台账中没有 {term} 的学籍名册，无法出表，什么也没有写",
               "请先导入 {term} 的学籍（fupin import 学籍.xlsx），或检查 --as-of 是否早于学籍导入的时间", False),
}


def require_roll(conn: Connection, term: Term, *, in_county: bool = False, purpose: str = "check") -> None:
    """NoRollError unless the ledger holds a roll for the term (with in_county: one of the county's own schools);
    `purpose` (check, notice, report) words the refusal for the command that asked."""
    where = " AND study_place = '县内'" if in_county else ""
    if conn.execute(text(f"SELECT 1 FROM enrollments WHERE term = :t{where} LIMIT 1"), {"t": str(term)}).first() is None:
        raise NoRollError(term, purpose)


def check(conn: Connection, term: Term, scope: Scope | None = None) -> CoverageReport:
    """The term's aid checked student by student. ScopeError for a school or township the ledger does not know,
    NoRollError for a term whose roll is not in the ledger: neither is an empty report."""
    scope = (scope or Scope.county()).resolve(conn)
    require_roll(conn, term)
    # The two large reads, the enrollments cut in halves, go side by side on a machine's cores.
    packable = (conn.execute(_LARGEST, {"term": str(term)}).scalar() or 0) < _PACKABLE
    *enrolled, paid = query_int_frames(conn, [*enrolled_queries(conn, term, cores()), _payments_query(term, packable)])
    enrolled = enrolled_frame(enrolled)
    standards = rules(conn, term)
    entitled = entitlements(enrolled, standards)
    payments = _payments(conn, term, paid, enrolled)
    # A student away at a stage the county's schools teach is aided where they study (the letters, 发函); only the
    # programs the county pays wherever its students study (路费, 雨露计划 …) are the county's to pay them.
    payments["host_pays"] = payments["away"].to_numpy() & ~np.isin(payments["program_id"].to_numpy(),
                                                                     paid_wherever(standards))
    payments = _with_entitlement(payments, entitled)
    payments["kind"] = _payment_kinds(payments)
    # A payment at the wrong amount is still a payment: it counts against missing and towards duplicates.
    paid = details.counts_as_paid(payments)
    whole = _paid_in_parts(payments, paid)
    payments.loc[whole & (payments["kind"].to_numpy() == AMOUNT_MISMATCH), "kind"] = 0
    duplicates = _duplicates(payments, paid & ~whole)
    wanted = entitled[entitled["in_county"] == 1]
    missing = wanted[~contains(pair_key(payments)[paid], pair_key(wanted))]

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


def _payments_query(term: Term, packable: bool = True) -> Query:
    if not packable:
        return _PAYMENTS_UNPACKED, {"term": str(term)}, ["id", "program_id", "fen", "student_id"]
    return _PAYMENTS, {"term": str(term)}, ["id", "packed", "student_id"]


def _payments(conn: Connection, term: Term, frame: pd.DataFrame, enrolled: pd.DataFrame) -> pd.DataFrame:
    """The term's payments (as read by _payments_query) with whether the paid student is 在校 on the county's roll
    that term and at which school (school_id -1: none known), and for those the ledger places nowhere, the school
    the roster names.

    Students in `enrolled` are 在校 by construction; the few others paid (no category, not 在校) are looked up.
    `away`: the student's enrollment that term is on the away list (县外就读), not on a roll of the county.
    """
    if "packed" in frame:
        packed = frame.pop("packed").to_numpy()
        frame["program_id"], frame["fen"] = packed & ((1 << 20) - 1), packed >> 20
    student = frame["student_id"].to_numpy()
    # Students in `enrolled` (one row each: a student has one enrollment per term) are 在校 that term.
    listed, row = lookup(enrolled["student_id"].to_numpy(), student)
    in_school = listed.copy()
    away = listed & (enrolled["in_county"].to_numpy()[row] == 0 if len(enrolled) else False)
    school = np.where(in_school, enrolled["school_id"].to_numpy()[row] if len(enrolled) else -1, -1)
    others = ~listed & (student >= 0)
    if others.any():
        rows = details.by_ids(conn, _STATUS, student[others], {"term": str(term)})
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        hit, at = lookup(ids, student[others])
        in_school[others] = hit & np.array([r[1] == "在校" for r in rows], dtype=bool)[at] if len(rows) else False
        away[others] = hit & np.array([r[3] != "县内" for r in rows], dtype=bool)[at] if len(rows) else False
        school[others] = np.where(hit, np.array([r[2] for r in rows], dtype=np.int64)[at] if len(rows) else -1, -1)
    frame["school_id"], frame["in_school"], frame["away"] = school, in_school, away
    # Object, not text: pandas would otherwise copy the whole column into an Arrow string array.
    names = np.full(len(frame), None, dtype=object)
    homeless = np.flatnonzero(school < 0)
    if len(homeless):
        found = dict(details.by_ids(conn, _ROSTER_SCHOOL, frame["id"].to_numpy()[homeless]))
        names[homeless] = [found.get(i) for i in frame["id"].to_numpy()[homeless].tolist()]
    frame["school_name"] = pd.Series(names, index=frame.index, dtype=object)
    return frame


def _with_entitlement(payments: pd.DataFrame, entitled: pd.DataFrame) -> pd.DataFrame:
    """Each payment with what its student is entitled to for that program (fen_min NaN: no entitlement)."""
    hit, row = lookup(pair_key(entitled), pair_key(payments))
    found = len(entitled) > 0
    out = payments.copy()
    out["fen_min"] = np.where(hit, entitled["fen_min"].to_numpy(dtype=np.float64)[row] if found else 0, np.nan)
    out["fen_max"] = np.where(hit, entitled["fen_max"].to_numpy(dtype=np.float64)[row] if found else 0, np.nan)
    out["amounts"] = np.where(hit, entitled["amounts"].to_numpy(dtype=object)[row] if found else None, None)
    return out


def _paid_in_parts(payments: pd.DataFrame, paid: np.ndarray) -> np.ndarray:
    """Rows of a student and program paid in several parts that together make the standard: 500 on the roster and
    a late payment (补发) of the 125 missing are 625 paid, not two wrong amounts and a duplicate."""
    whole = np.zeros(len(payments), dtype=bool)
    rows = np.flatnonzero(paid & payments["fen_min"].notna().to_numpy())
    if len(rows) < 2:
        return whole
    part = payments.iloc[rows]
    keys = pd.Series(pair_key(part))
    fen = pd.Series(part["fen"].to_numpy(dtype=np.int64))
    total, times = fen.groupby(keys).transform("sum").to_numpy(), keys.groupby(keys).transform("size").to_numpy()
    several = np.flatnonzero(times > 1)
    for i in several:
        amounts = part["amounts"].iat[i]
        allowed = amounts if amounts is not None else (part["fen_min"].iat[i], part["fen_max"].iat[i])
        whole[rows[i]] = total[i] in allowed
    return whole


def _duplicates(payments: pd.DataFrame, paid: np.ndarray) -> pd.DataFrame:
    """Student and program paid more than once in the term (among the `paid` rows): times, total 分, school, the
    standard."""
    rows = np.flatnonzero(paid)
    _, inverse, counts = np.unique(pair_key(payments)[rows], return_inverse=True, return_counts=True)
    twice = payments.iloc[rows[counts[inverse] > 1]]
    if twice.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in
                             ("student_id", "program_id", "times", "fen", "school_id", "fen_min", "amounts")})
    return twice.groupby(["student_id", "program_id"], sort=False).agg(
        times=("id", "size"), fen=("fen", "sum"), school_id=("school_id", "first"),
        fen_min=("fen_min", "first"), amounts=("amounts", "first")).reset_index()


def _payment_kinds(payments: pd.DataFrame) -> np.ndarray:
    """The one finding each payment row gets (a code above, 0 for none), by precedence."""
    kinds = np.zeros(len(payments), dtype=np.int8)
    if payments.empty:
        return kinds
    unknown = (payments["student_id"] < 0).to_numpy()
    not_enrolled = ~unknown & (~payments["in_school"].to_numpy() | payments["host_pays"].to_numpy())
    entitled = payments["fen_min"].notna().to_numpy()
    ineligible = ~unknown & ~not_enrolled & ~entitled
    fen = payments["fen"].to_numpy()
    wrong = entitled & (fen != payments["fen_min"].to_numpy()) & (fen != payments["fen_max"].to_numpy())
    # Where several standards apply, any of their amounts is right: test membership row by row (rare).
    several = np.flatnonzero(entitled & payments["amounts"].notna().to_numpy())
    for i in several:
        wrong[i] = fen[i] not in payments["amounts"].iat[i]
    kinds[unknown] = UNKNOWN_STUDENT
    kinds[not_enrolled] = NOT_ENROLLED
    kinds[ineligible] = INELIGIBLE
    kinds[~unknown & ~not_enrolled & ~ineligible & wrong] = AMOUNT_MISMATCH
    return kinds
