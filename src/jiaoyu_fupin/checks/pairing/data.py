"""What the pairing commands read from the ledger for one term, as frames (dates as ISO text, which sorts as dates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.core import pairing as rules
from jiaoyu_fupin.core import poverty
from jiaoyu_fupin.core.names import resolve_school
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.frames import Query, fetch_rows, int_frames_alongside


class PairingError(ClerkError):
    """The command cannot run as asked (unknown school, a term with no roll); message and hint are Chinese."""


@dataclass
class TermData:
    term: Term
    as_of: date
    ref: date  # the day "current" pairings are judged on
    schools: pd.DataFrame  # id, name, township, school_type
    # One row per student enrolled in the term (load(whole_roll=False): the registered poor and the paired only),
    # with placed / poor flags.
    enrolled: pd.DataFrame
    helpers: pd.DataFrame  # id, helper_code, name, school_id, role, phone, school
    pairings: pd.DataFrame  # id, helper_id, student_id, start_date, end_date
    students: pd.DataFrame  # id, id_number, name of every student with a pairing (enrolled this term or not)
    # The term's 六个一 records (dates that can count) as integers: helper_id, student_id, item (its place in
    # rules.ITEMS, -1 for another type), day (YYYYMMDD). What the check reads.
    marks: pd.DataFrame
    # The same records as text: helper_id, student_id, activity_type, activity_date, note; read only when asked
    # for (load(records=True), the handbook lists them), else empty.
    activities: pd.DataFrame
    oversight: pd.DataFrame  # links that apply to the term

    def current(self) -> pd.DataFrame:
        """Pairings in effect on the reference date."""
        p, ref = self.pairings, self.ref.isoformat()
        return p[(p["start_date"] <= ref) & (p["end_date"].isna() | (p["end_date"] >= ref))]

    def school_id(self, name: str) -> int:
        """The ledger's school for a name as a clerk types it; PairingError when there is none."""
        found = resolve_school(name, self.schools["name"], PairingError)
        return int(self.schools.loc[self.schools["name"] == found, "id"].iloc[0])


def _frame(conn: Connection, sql: str, columns: list[str], params: dict | None = None) -> pd.DataFrame:
    # Plain DBAPI rows (frames.fetch_rows), in the caller's transaction: SQLAlchemy's per-row result processing
    # cost a second of the year-end report on a county's quarter of a million 六个一 records. Written as SQL text,
    # not over the models: the check then starts without building them (sqlmodel, pydantic: a quarter of a second).
    return pd.DataFrame(fetch_rows(conn, text(sql), params), columns=columns, dtype=object)


def _iso(frame: pd.DataFrame, *names: str) -> None:
    # SQLite hands dates back as the ISO text they are stored as; other databases as dates.
    for name in names:
        frame[name] = pd.Series([d if d is None or isinstance(d, str) else d.isoformat() for d in frame[name]],
                                index=frame.index, dtype=object)


def _class_keys(names: pd.Series) -> pd.Series:
    # A list, not Series.map: map turns the None of "no class given" into NaN, which equals nothing.
    keys = {n: rules.class_key(n) for n in set(names) if isinstance(n, str)}
    return pd.Series([keys.get(n) for n in names], index=names.index, dtype=object)


def _marks(span: dict[str, str]) -> Query:
    # A quarter of a million records a term: as joined texts of integers and days (store.frames) they cost a third
    # of the tuples they were read as. The item names are the rules' own constants.
    item = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(rules.ITEMS))
    return (text(f"SELECT helper_id, student_id, CASE activity_type {item} ELSE -1 END, activity_date"
                 " FROM help_activities WHERE activity_date >= :low AND activity_date <= :high"), span,
            ["helper_id", "student_id", "item", "day"])


def load(conn: Connection, term: Term, as_of: date, *, records: bool = False, whole_roll: bool = True) -> TermData:
    """records=True reads the 六个一 records as text too (activities), for the handbook's list of them.

    whole_roll=False reads, of the term's roll, only the students the check looks at (check.run): the registered
    poor and those with a pairing, a quarter of a county's roll.
    """
    low, high = rules.record_span(term)
    span = {"low": low.isoformat(), "high": high.isoformat()}
    # The records, the largest read, on a second core while the rest is read here.
    with int_frames_alongside(conn, [_marks(span)], days=["day"]) as marks:
        return _load(conn, term, as_of, span, records, whole_roll, marks)


def _load(conn: Connection, term: Term, as_of: date, span: dict[str, str], records: bool, whole_roll: bool,
          marks: Callable[[], list[pd.DataFrame]]) -> TermData:
    schools = _frame(conn, "SELECT schools.id, schools.name, schools.township, schools.school_type FROM schools",
                     ["id", "name", "township", "school_type"])
    enrolled = _frame(conn, (
        "SELECT enrollments.student_id, students.id_number, students.name, enrollments.school_id,"
        " enrollments.school_name, enrollments.stage, enrollments.grade, enrollments.class_name, enrollments.status,"
        " enrollments.study_place, students.household_id, students.family_category, students.roll_registered"
        " FROM enrollments JOIN students ON students.id = enrollments.student_id WHERE enrollments.term = :term"
        + ("" if whole_roll else f" AND ({poverty.registered_sql('students')}"
                                 " OR students.id IN (SELECT pairings.student_id FROM pairings))")), [
        "student_id", "id_number", "name", "school_id", "school_name", "stage", "grade", "class_name", "status",
        "study_place", *poverty.COLUMNS], {"term": str(term)})
    # Every pair command reads a term's roll; pairings alone would show no one enrolled. A roll without a student the
    # check looks at is still a roll.
    if enrolled.empty and (whole_roll or conn.execute(
            text("SELECT 1 FROM enrollments WHERE term = :term LIMIT 1"), {"term": str(term)}).first() is None):
        raise PairingError(f"台账中没有 {term} 的学籍记录", f"请先导入 {term} 的学籍名册，或核对 --term")
    # In-county students still on the roll: the ones a school answers for.
    enrolled["placed"] = ((enrolled["study_place"] == "县内") & enrolled["school_id"].notna()
                          & ~enrolled["status"].isin(rules.EXCLUDED_STATUSES))
    enrolled["poor"] = poverty.registered_mask(enrolled)
    enrolled["class_key"] = _class_keys(enrolled["class_name"])
    helpers = _frame(conn, "SELECT helpers.id, helpers.helper_code, helpers.name, helpers.school_id, helpers.role,"
                           " helpers.phone FROM helpers", ["id", "helper_code", "name", "school_id", "role", "phone"])
    helpers["school"] = helpers["school_id"].map(dict(zip(schools["id"], schools["name"], strict=True))).astype(object)
    pairings = _frame(conn, "SELECT pairings.id, pairings.helper_id, pairings.student_id, pairings.start_date,"
                            " pairings.end_date FROM pairings", ["id", "helper_id", "student_id", "start_date", "end_date"])
    _iso(pairings, "start_date", "end_date")
    students = _frame(conn, "SELECT students.id, students.id_number, students.name FROM students"
                            " WHERE students.id IN (SELECT pairings.student_id FROM pairings)", ["id", "id_number", "name"])
    # Dates read as text (ISO, as stored): a term's quarter of a million records skip the date parser.
    columns = ["helper_id", "student_id", "activity_type", "activity_date", "note"]
    activities = (_frame(conn, "SELECT help_activities.helper_id, help_activities.student_id,"
                               " help_activities.activity_type, CAST(help_activities.activity_date AS VARCHAR),"
                               " help_activities.note FROM help_activities WHERE help_activities.activity_date >= :low"
                               " AND help_activities.activity_date <= :high", columns, span)
                  if records else pd.DataFrame({c: pd.Series(dtype=object) for c in columns}))
    oversight = _frame(conn, "SELECT oversight.helper_id, oversight.level, oversight.township, oversight.school_id,"
                             " oversight.stage, oversight.grade, oversight.class_name FROM oversight"
                             " WHERE oversight.term IS NULL OR oversight.term = :term",
                       ["helper_id", "level", "township", "school_id", "stage", "grade", "class_name"],
                       {"term": str(term)})
    oversight["class_key"] = _class_keys(oversight["class_name"])
    return TermData(term, as_of, rules.reference_date(term, as_of), schools, enrolled, helpers, pairings, students,
                    marks()[0], activities, oversight)
