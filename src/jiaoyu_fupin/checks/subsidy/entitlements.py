"""Who is entitled to what in a term: every 在校 enrollment matched against the standards in force.

A student's family categories are the roll's 家庭经济困难类别, plus 建档立卡 wherever the one rule of
poverty.registered_sql says so (the registry lists the student, or the roll does), plus 孤儿 and 残疾 from the roll's
own columns.

Speed: the database reduces every enrollment to a *profile*, one integer holding everything the standards look at
(stage, grade, boarding, province, the set of categories, in county or not). A county has a few hundred distinct
profiles however many students it has, so the standards are matched once per profile in plain Python and the
result is spread back to the students with numpy indexing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.core.poverty import CATEGORIES, hardship_sql, registered_sql
from jiaoyu_fupin.core.stages import STAGES
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store import dialect
from jiaoyu_fupin.store.frames import Query, query_int_frames

CATEGORY_BITS = {code: 1 << i for i, code in enumerate(CATEGORIES)}
# Profile layout, low bits first: in_county (1 bit) | province (2: 0 unknown, 1 省内, 2 省外) | boarding (2: 0 走读,
# 1 住校, 2 unknown) | grade + 1 (5: 0 unknown) | stage code (4) | category set (7, CATEGORY_BITS).
_SHIFT = {"in_county": 0, "province": 1, "boarding": 3, "grade": 5, "stage": 10, "categories": 14}
_WIDTH = {"in_county": 1, "province": 2, "boarding": 2, "grade": 5, "stage": 4, "categories": 7}
# Above the profile the same integer carries school_id + 1 (0: no school in the ledger): two columns cross from the
# database instead of three, which is a tenth of the check's time on a million students.
_SCHOOL_SHIFT = 21


def _case(expression: str, mapping: dict[str, int]) -> str:
    whens = " ".join(f"WHEN '{key}' THEN {value}" for key, value in mapping.items())
    return f"(CASE {expression} {whens} ELSE 0 END)"


_CATEGORIES_SQL = (
    f"({_case('s.family_category', CATEGORY_BITS)}"
    f" | (CASE WHEN {registered_sql('s')} THEN {CATEGORY_BITS['registered_poor']} ELSE 0 END)"
    f" | (CASE WHEN s.is_orphan THEN {CATEGORY_BITS['orphan']} ELSE 0 END)"
    f" | (CASE WHEN s.disability IS NOT NULL AND s.disability != '' THEN {CATEGORY_BITS['disabled']} ELSE 0 END))"
)
# Driven from the students (dialect.driven_join keeps SQLite's loop order): only those with a family category reach
# the (student_id, term) index, instead of every enrollment of the term reaching the students' primary key. The
# school is multiplied as a BIGINT: a prefecture's ledger holds more than 1,023 schools, past 32 bits.
_ENROLLED = (
    "SELECT e.student_id,"
    " (CASE WHEN e.study_place = '县内' THEN 1 ELSE 0 END)"
    " + 2 * (CASE WHEN e.study_place IN ('县内', '县外州内') OR COALESCE(e.province_scope, e.place_detail) = '省内'"
    "             THEN 1 WHEN COALESCE(e.province_scope, e.place_detail) = '省外' THEN 2 ELSE 0 END)"
    " + 8 * (CASE WHEN e.boarding IS NULL THEN 2 WHEN e.boarding THEN 1 ELSE 0 END)"
    " + 32 * (CASE WHEN e.grade BETWEEN 1 AND 30 THEN e.grade + 1 ELSE 0 END)"
    f" + 1024 * {_case('e.stage', {stage: i + 1 for i, stage in enumerate(STAGES)})}"
    f" + 16384 * {_CATEGORIES_SQL}"
    f" + {1 << _SCHOOL_SHIFT} * CAST(COALESCE(e.school_id, -1) + 1 AS BIGINT)"
    " FROM students s {join} enrollments e ON e.student_id = s.id AND e.term = :term"
    f" WHERE s.id BETWEEN :first AND :last AND e.status = '在校' AND {hardship_sql('s')}"
)


def field(profiles, name: str):
    """One field of a profile, or of each profile in an array or Series (as a numpy array)."""
    if isinstance(profiles, pd.Series):
        profiles = profiles.to_numpy()
    return (profiles >> _SHIFT[name]) & ((1 << _WIDTH[name]) - 1)


@dataclass(frozen=True)
class Profile:
    in_county: bool
    province: int
    boarding: int
    grade: int  # 0 unknown
    stage: str | None
    categories: frozenset[str]

    @classmethod
    def decode(cls, value: int) -> Profile:
        stage = field(value, "stage")
        bits = field(value, "categories")
        return cls(in_county=bool(field(value, "in_county")), province=field(value, "province"),
                   boarding=field(value, "boarding"), grade=field(value, "grade") - 1,
                   stage=STAGES[stage - 1] if stage else None,
                   categories=frozenset(c for c, bit in CATEGORY_BITS.items() if bits & bit))

    def allowed(self, rules: list[tuple], school: int = -1) -> dict[int, tuple[int, ...]]:
        """program_id → the amounts in 分 the standards allow this profile at `school` (several only where it
        cannot tell). A program with a standard for that very school (its own tuition) takes that one alone."""
        found: dict[int, set[int]] = {}
        own: dict[int, set[int]] = {}
        for program_id, stage, category, boarding, grade, place, fen, for_school in rules:
            if for_school != -1 and for_school != school:
                continue
            if stage != self.stage or category not in self.categories:
                continue
            if boarding != -1 and boarding != self.boarding:
                continue
            if grade != -1 and grade != self.grade:
                continue
            # 州外 without 省内/省外 may be either: there both 路费 amounts stay allowed.
            if isinstance(place, str) and self.province and place != ("省内" if self.province == 1 else "省外"):
                continue
            (found if for_school == -1 else own).setdefault(int(program_id), set()).add(int(fen))
        found.update(own)
        return {program: tuple(sorted(amounts)) for program, amounts in found.items()}


def enrolled_queries(conn: Connection, term: Term, parts: int = 1) -> list[Query]:
    """The query behind enrolled_with_category, cut into `parts` ranges of student id to be read side by side."""
    first, last = conn.execute(text("SELECT min(id), max(id) FROM students")).one()
    first, last = first or 0, last or 0
    step = (last - first) // parts + 1
    enrolled = text(_ENROLLED.replace("{join}", dialect.driven_join(conn)))
    return [(enrolled, {"term": str(term), "first": first + i * step, "last": first + (i + 1) * step - 1},
             ["student_id", "packed"]) for i in range(parts)]


def enrolled_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """在校 enrollments of the term whose student has any family category: student_id, school_id (-1: none in the
    ledger, i.e. studying away), profile, plus in_county and registered decoded from the profile."""
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    packed = frame.pop("packed").to_numpy()
    frame["school_id"] = (packed >> _SCHOOL_SHIFT) - 1
    frame["profile"] = packed & ((1 << _SCHOOL_SHIFT) - 1)
    frame["in_county"] = field(frame["profile"], "in_county")
    frame["registered"] = (field(frame["profile"], "categories") & CATEGORY_BITS["registered_poor"]) > 0
    return frame


def enrolled_with_category(conn: Connection, term: Term) -> pd.DataFrame:
    return enrolled_frame(query_int_frames(conn, enrolled_queries(conn, term)))


def entitlements(enrolled: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """One row per (student, program) entitled: student_id, program_id, fen_min, fen_max, amounts, school_id,
    in_county. fen_min = fen_max but where the ledger cannot tell between standards (路费 for a student whose
    province is unknown, a county file paying one program differently by category); there `amounts` holds every
    allowed amount, elsewhere None."""
    # Students of a school with standards of its own are told apart by school as well: one more key per such school.
    own = np.unique(rules["school_id"].to_numpy()[rules["school_id"].to_numpy() >= 0]) if len(rules) else []
    keys = enrolled["profile"].to_numpy()
    if len(own):
        school = enrolled["school_id"].to_numpy()
        keys = keys + (np.where(np.isin(school, own), school + 1, 0) << _SCHOOL_SHIFT)
    profiles, inverse = np.unique(keys, return_inverse=True)
    table = list(rules.itertuples(index=False, name=None))
    per_profile = [Profile.decode(int(p) & ((1 << _SCHOOL_SHIFT) - 1)).allowed(table, (int(p) >> _SCHOOL_SHIFT) - 1)
                   for p in profiles]
    counts = np.array([len(a) for a in per_profile], dtype=np.int64)
    program = np.array([p for a in per_profile for p in a], dtype=np.int64)
    amounts = [v for a in per_profile for v in a.values()]
    start = np.cumsum(counts) - counts  # where each profile's programs begin in `program`
    reps = counts[inverse]  # entitlements per student
    rows = np.repeat(np.arange(len(enrolled)), reps)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(reps) - reps, reps)
    slot = start[inverse[rows]] + offset
    lo = np.array([a[0] for a in amounts], dtype=np.int64)
    hi = np.array([a[-1] for a in amounts], dtype=np.int64)
    # Filled one by one: np.array over a list whose every entry is a tuple of two amounts (a term whose only
    # entitlement is 路费 "500或1000") makes a 2-D array, not a column of tuples.
    several = np.empty(len(amounts), dtype=object)
    for i, a in enumerate(amounts):
        several[i] = a if len(a) > 1 else None
    return pd.DataFrame({
        "student_id": enrolled["student_id"].to_numpy()[rows],
        "program_id": program[slot],
        "fen_min": lo[slot],
        "fen_max": hi[slot],
        "amounts": several[slot],
        "school_id": enrolled["school_id"].to_numpy()[rows],
        "in_county": enrolled["in_county"].to_numpy()[rows],
    })


def boarding_unknown(enrolled: pd.DataFrame) -> np.ndarray:
    """Compulsory-stage students in the county whose roll leaves 就读方式 empty: living aid cannot be decided."""
    profile = enrolled["profile"]
    compulsory = np.isin(field(profile, "stage"), [STAGES.index("小学") + 1, STAGES.index("初中") + 1])
    return (field(profile, "boarding") == 2) & compulsory & (enrolled["in_county"].to_numpy() == 1)
