"""What the pairing commands read from the ledger for one term, as frames (dates as ISO text, which sorts as dates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection, String, cast, or_, select

from jiaoyu_fupin.core import pairing as rules
from jiaoyu_fupin.core import poverty
from jiaoyu_fupin.core.names import resolve_school
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.frames import fetch_rows
from jiaoyu_fupin.store.models import Enrollment, HelpActivity, Helper, Oversight, Pairing, School, Student


class PairingError(ClerkError):
    """The command cannot run as asked (unknown school, a term with no roll); message and hint are Chinese."""


@dataclass
class TermData:
    term: Term
    as_of: date
    ref: date  # the day "current" pairings are judged on
    schools: pd.DataFrame  # id, name, township, school_type
    enrolled: pd.DataFrame  # one row per student enrolled in the term, with placed / poor flags
    helpers: pd.DataFrame  # id, helper_code, name, school_id, role, phone, school
    pairings: pd.DataFrame  # id, helper_id, student_id, start_date, end_date
    students: pd.DataFrame  # id, id_number, name of every student with a pairing (enrolled this term or not)
    activities: pd.DataFrame  # helper_id, student_id, activity_type, activity_date, note (dates that can count)
    oversight: pd.DataFrame  # links that apply to the term

    def current(self) -> pd.DataFrame:
        """Pairings in effect on the reference date."""
        p, ref = self.pairings, self.ref.isoformat()
        return p[(p["start_date"] <= ref) & (p["end_date"].isna() | (p["end_date"] >= ref))]

    def school_id(self, name: str) -> int:
        """The ledger's school for a name as a clerk types it; PairingError when there is none."""
        found = resolve_school(name, self.schools["name"], PairingError)
        return int(self.schools.loc[self.schools["name"] == found, "id"].iloc[0])


def _frame(conn: Connection, stmt, columns: list[str]) -> pd.DataFrame:
    # Plain DBAPI rows (frames.fetch_rows), in the caller's transaction: SQLAlchemy's per-row result processing
    # cost a second of the year-end report on a county's quarter of a million 六个一 records.
    return pd.DataFrame(fetch_rows(conn, stmt), columns=columns, dtype=object)


def _iso(frame: pd.DataFrame, *names: str) -> None:
    # SQLite hands dates back as the ISO text they are stored as; other databases as dates.
    for name in names:
        frame[name] = pd.Series([d if d is None or isinstance(d, str) else d.isoformat() for d in frame[name]],
                                index=frame.index, dtype=object)


def _class_keys(names: pd.Series) -> pd.Series:
    # A list, not Series.map: map turns the None of "no class given" into NaN, which equals nothing.
    keys = {n: rules.class_key(n) for n in set(names) if isinstance(n, str)}
    return pd.Series([keys.get(n) for n in names], index=names.index, dtype=object)


def load(conn: Connection, term: Term, as_of: date) -> TermData:
    schools = _frame(conn, select(School.id, School.name, School.township, School.school_type),
                     ["id", "name", "township", "school_type"])
    e, s = Enrollment, Student
    enrolled = _frame(conn, select(
        e.student_id, s.id_number, s.name, e.school_id, e.school_name, e.stage, e.grade, e.class_name, e.status,
        e.study_place, s.household_id, s.family_category, s.roll_registered,  # poverty.COLUMNS
    ).join(s, s.id == e.student_id).where(e.term == str(term)), [
        "student_id", "id_number", "name", "school_id", "school_name", "stage", "grade", "class_name", "status",
        "study_place", *poverty.COLUMNS])
    if enrolled.empty:  # every pair command reads a term's roll; pairings alone would show no one enrolled
        raise PairingError(f"台账中没有 {term} 的学籍记录", f"请先导入 {term} 的学籍名册，或核对 --term")
    # In-county students still on the roll: the ones a school answers for.
    enrolled["placed"] = ((enrolled["study_place"] == "县内") & enrolled["school_id"].notna()
                          & ~enrolled["status"].isin(rules.EXCLUDED_STATUSES))
    enrolled["poor"] = poverty.registered_mask(enrolled)
    enrolled["class_key"] = _class_keys(enrolled["class_name"])
    helpers = _frame(conn, select(Helper.id, Helper.helper_code, Helper.name, Helper.school_id, Helper.role,
                                  Helper.phone), ["id", "helper_code", "name", "school_id", "role", "phone"])
    helpers["school"] = helpers["school_id"].map(dict(zip(schools["id"], schools["name"], strict=True))).astype(object)
    pairings = _frame(conn, select(Pairing.id, Pairing.helper_id, Pairing.student_id, Pairing.start_date,
                                   Pairing.end_date), ["id", "helper_id", "student_id", "start_date", "end_date"])
    _iso(pairings, "start_date", "end_date")
    students = _frame(conn, select(s.id, s.id_number, s.name).where(s.id.in_(select(Pairing.student_id))),
                      ["id", "id_number", "name"])
    low, high = rules.record_span(term)
    a = HelpActivity
    # Dates read as text (ISO, as stored): a term's quarter of a million records skip the date parser.
    activities = _frame(conn, select(a.helper_id, a.student_id, a.activity_type, cast(a.activity_date, String), a.note)
                        .where(a.activity_date >= low, a.activity_date <= high),
                        ["helper_id", "student_id", "activity_type", "activity_date", "note"])
    o = Oversight
    oversight = _frame(conn, select(o.helper_id, o.level, o.township, o.school_id, o.stage, o.grade, o.class_name)
                       .where(or_(o.term.is_(None), o.term == str(term))),
                       ["helper_id", "level", "township", "school_id", "stage", "grade", "class_name"])
    oversight["class_key"] = _class_keys(oversight["class_name"])
    return TermData(term, as_of, rules.reference_date(term, as_of), schools, enrolled, helpers, pairings, students,
                    activities, oversight)
