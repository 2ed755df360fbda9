"""What the reports read from the ledger beyond the checks' own results: rolls, payments by date, case steps.

Every function reads through the caller's connection, so a whole report stays inside one read transaction.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, bindparam, text

from jiaoyu_fupin.checks.dropout import list_cases
from jiaoyu_fupin.core.pairing import EXCLUDED_STATUSES
from jiaoyu_fupin.core.policy import COUNTABLE_FEN
from jiaoyu_fupin.core.poverty import registered_sql
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.frames import query_frame

# Registered poor as every check counts them: the one rule of poverty.py.
POOR = registered_sql("s")
_OFF_ROLL = ", ".join(f"'{s}'" for s in EXCLUDED_STATUSES)

# Amounts added up as the coverage check does (policy.COUNTABLE_FEN): a bank card number in 金额 stays out.
AMOUNT_SUM = f"SUM(CASE WHEN p.amount <= {COUNTABLE_FEN} THEN p.amount ELSE 0 END)"

NO_STAGE = "（学籍中无此人）"


def schools(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(text("SELECT id, name, township, school_type, ownership FROM schools ORDER BY id")).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["id", "name", "township", "school_type", "ownership"],
                        dtype=object)


def townships(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute(text(
        "SELECT DISTINCT township FROM schools WHERE township IS NOT NULL AND township != '' ORDER BY township"))]


# Who the monthly report counts, as FROM … WHERE pieces the details lists (details_monthly) read too. {joins} takes
# any LEFT JOINs a caller adds.
ENROLLED = "enrollments e JOIN students s ON s.id = e.student_id{joins}"
POOR_ON_ROLL_WHERE = (f"e.term = :t AND e.study_place = '县内' AND e.school_id IS NOT NULL"
                      f" AND e.status NOT IN ({_OFF_ROLL}) AND {POOR}")
POOR_AWAY_WHERE = f"e.term = :t AND e.study_place != '县内' AND {POOR}"


def poor_on_roll(conn: Connection, term: Term) -> pd.DataFrame:
    """Registered poor students on the term's roll of a county school, transferred-out and graduated excepted
    (the students `pair check` answers for): id_number, school_id."""
    return query_frame(conn, text(
        f"SELECT s.id_number, e.school_id FROM {ENROLLED.format(joins='')} WHERE {POOR_ON_ROLL_WHERE}"),
        {"t": str(term)}, ["id_number", "school_id"], ints=["school_id"])


def poor_away(conn: Connection, term: Term) -> int:
    return conn.execute(text(f"SELECT COUNT(*) FROM {ENROLLED.format(joins='')} WHERE {POOR_AWAY_WHERE}"),
                        {"t": str(term)}).scalar_one()


PAYMENT_SCHOOL = "COALESCE(e.school_id, sc.id, -1)"
PAID_BETWEEN = ("payments p JOIN programs pr ON pr.id = p.program_id"
                " LEFT JOIN enrollments e ON e.student_id = p.student_id AND e.term = p.term AND e.study_place = '县内'"
                " LEFT JOIN schools sc ON sc.name = p.school_name{joins} WHERE p.paid_on BETWEEN :first AND :last")


def payments_between(conn: Connection, first: date, last: date) -> pd.DataFrame:
    """Payments dated in [first, last] by program and school: program, school_id (-1: none known), count, fen.

    A payment belongs to the school its student attends that term (the roll), else to the school the roster
    names when the ledger knows it, as the coverage check places them.
    """
    frame = query_frame(conn, text(
        f"SELECT pr.name, {PAYMENT_SCHOOL}, COUNT(*), {AMOUNT_SUM} FROM {PAID_BETWEEN.format(joins='')}"
        " GROUP BY pr.id, 2 ORDER BY pr.id"),
        {"first": first.isoformat(), "last": last.isoformat()}, ["program", "school_id", "count", "fen"],
        ints=["school_id", "count", "fen"])
    return frame


def uncountable_payments(conn: Connection, terms: list[str]) -> int:
    """Payments of the terms whose amount is left out of every total (AMOUNT_SUM)."""
    return conn.execute(text("SELECT COUNT(*) FROM payments WHERE term IN :terms AND amount > :most")
                        .bindparams(bindparam("terms", expanding=True)), {"terms": terms, "most": COUNTABLE_FEN}).scalar_one()


def undated_payments(conn: Connection, term: Term) -> int:
    return conn.execute(text("SELECT COUNT(*) FROM payments WHERE term = :t AND paid_on IS NULL"),
                        {"t": str(term)}).scalar_one()


def case_steps(conn: Connection, term: Term, first: date, last: date) -> pd.DataFrame:
    """Every case with where it belongs and what happened to it between first and last.

    Columns: case, township, school_id (-1: none), status (at the report's time), opened (cases opened or
    reopened in the period), returned (closed as 劝返复学), home_schooled, other_closed (other outcomes), begun
    (the case existed by `last`: a case opened after the period is not the period's, even while still open).
    A case from the imported dropout ledger counts as opened in its 辍学年月 (else its batch's data date):
    the ledger carries no step for it.
    """
    views = list_cases(conn, today=last)
    frame = pd.DataFrame({"case": [v.case for v in views], "id_number": [v.id_number for v in views],
                          "township": [v.township for v in views], "status": [v.status for v in views]},
                         columns=["case", "id_number", "township", "status"])
    params = {"first": first.isoformat(), "last": last.isoformat(), "t": str(term),
              "m1": first.isoformat()[:7], "m2": last.isoformat()[:7]}
    steps = pd.DataFrame(conn.execute(text(
        "SELECT case_id, action, outcome FROM dropout_events WHERE happened_on BETWEEN :first AND :last"),
        params).all(), columns=["case", "action", "outcome"])
    imported = {r[0] for r in conn.execute(text(
        "SELECT c.id FROM dropout_cases c JOIN batches b ON b.id = c.batch_id WHERE c.origin = 'ledger' AND"
        " (c.left_month BETWEEN :m1 AND :m2 OR (c.left_month IS NULL AND date(b.effective_at) BETWEEN :first AND :last))"),
        params)}
    opened = set(steps.loc[steps["action"].isin(["opened", "reopened"]), "case"]) | imported
    begun = opened | {r[0] for r in conn.execute(text(
        "SELECT c.id FROM dropout_cases c LEFT JOIN batches b ON b.id = c.batch_id WHERE c.opened_on <= :last"
        " OR (c.opened_on IS NULL AND (c.left_month <= :m2"
        "  OR (c.left_month IS NULL AND (b.effective_at IS NULL OR date(b.effective_at) <= :last))))"), params)}
    closed = steps[steps["action"] == "closed"]
    frame["opened"] = frame["case"].isin(opened)
    frame["begun"] = frame["case"].isin(begun)
    frame["returned"] = frame["case"].isin(set(closed.loc[closed["outcome"] == "returned", "case"]))
    frame["home_schooled"] = frame["case"].isin(set(closed.loc[closed["outcome"] == "home_schooled", "case"]))
    frame["other_closed"] = frame["case"].isin(
        set(closed.loc[~closed["outcome"].isin(["returned", "home_schooled"]), "case"]))
    # The school: the child's latest county roll row up to the term (a child found by a scan may have none).
    latest = dict(conn.execute(text(
        "SELECT c.id, (SELECT e.school_id FROM students s JOIN enrollments e ON e.student_id = s.id"
        "  WHERE s.id_number = c.id_number AND e.term <= :t AND e.school_id IS NOT NULL ORDER BY e.term DESC LIMIT 1)"
        " FROM dropout_cases c"), params).all())
    frame["school_id"] = [int(latest[c]) if latest.get(c) is not None else -1 for c in frame["case"]]
    return frame
