"""Who is entitled to what in a term: every 在校 enrollment matched against the standards in force.

A student's family categories are the roll's 家庭经济困难类别, plus 建档立卡 wherever the poverty registry lists the
student's ID number (the registry, not the roll, decides who is registered poor), plus 孤儿 and 残疾 from the roll's
own columns. Everything stays in integer columns so a million enrollments match in one merge.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.frames import query_frame
from jiaoyu_fupin.terms import Term

# Driven from the students (CROSS JOIN keeps SQLite's loop order): only the ~30% with a family category reach the
# (student_id, term) index, instead of every enrollment of the term reaching the students' primary key.
_ENROLLED = text(
    "SELECT e.student_id, COALESCE(e.school_id, -1), e.stage, COALESCE(e.grade, -1),"
    " CASE WHEN e.boarding IS NULL THEN -2 WHEN e.boarding THEN 1 ELSE 0 END,"
    " CASE WHEN e.study_place = '县内' THEN 1 ELSE 0 END,"
    " CASE WHEN e.study_place IN ('县内', '县外州内') OR e.place_detail = '省内' THEN 1"
    "      WHEN e.place_detail = '省外' THEN 2 ELSE 0 END,"
    " s.family_category,"
    " CASE WHEN s.household_id IS NOT NULL OR s.family_category = 'registered_poor' THEN 1 ELSE 0 END,"
    " CASE WHEN s.is_orphan THEN 1 ELSE 0 END,"
    " CASE WHEN s.disability IS NOT NULL AND s.disability != '' THEN 1 ELSE 0 END"
    " FROM students s CROSS JOIN enrollments e ON e.student_id = s.id AND e.term = :term"
    " WHERE e.status = '在校'"
    " AND (s.family_category IS NOT NULL OR s.household_id IS NOT NULL OR s.is_orphan"
    "      OR (s.disability IS NOT NULL AND s.disability != ''))"
)
_COLUMNS = ["student_id", "school_id", "stage", "grade", "boarding", "in_county", "in_province", "family_category",
            "registered", "orphan", "disabled"]


def enrolled_with_category(conn: Connection, term: Term) -> pd.DataFrame:
    """在校 enrollments of the term whose student has any family category (one row per enrollment).

    school_id is -1 where the ledger has no school (studying away), grade -1 where unknown, boarding 1 / 0 / -2
    (unknown), in_county 1 for 县内, in_province 1 for 县内, 县外州内 and 省内, 2 for 省外, 0 where unknown (州外 alone).
    """
    return query_frame(conn, _ENROLLED, {"term": str(term)}, _COLUMNS,
                       ints=[c for c in _COLUMNS if c not in ("stage", "family_category")])


def categories_long(enrolled: pd.DataFrame) -> pd.DataFrame:
    """One row per (student, category) the student belongs to."""
    parts = [enrolled.loc[enrolled["family_category"].notna(), ["student_id", "family_category"]]
             .rename(columns={"family_category": "category"})]
    for flag, category in (("registered", "registered_poor"), ("orphan", "orphan"), ("disabled", "disabled")):
        chosen = enrolled.loc[enrolled[flag] == 1, ["student_id"]]
        parts.append(chosen.assign(category=category))
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def entitlements(enrolled: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """(student_id, program_id) → the amount in 分 the standards allow, with the student's school and place.

    Columns: student_id, program_id, fen_min, fen_max, amounts, school_id, in_county. fen_min = fen_max but where
    the ledger cannot tell between standards (路费 for a student whose province is unknown, or a county file that
    pays one program differently by category); there `amounts` holds every allowed amount, elsewhere None.
    """
    columns = ["student_id", "program_id", "fen_min", "fen_max", "amounts", "school_id", "in_county"]
    if enrolled.empty or rules.empty:
        return pd.DataFrame({name: pd.Series(dtype="int64" if name != "amounts" else object) for name in columns})
    # Strings become small integers before the merges: a merge on arrow strings costs several times more.
    stages = {stage: i for i, stage in enumerate(rules["stage"].unique())}
    categories = {category: i for i, category in enumerate(rules["category"].unique())}
    rules = rules.assign(stage=rules["stage"].map(stages), category=rules["category"].map(categories))
    people = enrolled.assign(stage=enrolled["stage"].map(stages).fillna(-1).astype("int64"))
    people = people[people["stage"] >= 0]
    long = categories_long(people)
    long = long.assign(category=long["category"].map(categories)).dropna(subset=["category"])
    long = long.astype({"category": "int64"}).merge(
        people[["student_id", "stage", "grade", "boarding", "in_province"]], on="student_id")
    matched = long.merge(rules, on=["stage", "category"], suffixes=("", "_rule"))
    keep = ((matched["boarding_rule"] == -1) | (matched["boarding_rule"] == matched["boarding"])) & (
        (matched["grade_rule"] == -1) | (matched["grade_rule"] == matched["grade"]))
    # 州外 without 省内/省外 may be either: there both 路费 amounts stay allowed.
    where = matched["in_province"]
    keep &= (matched["place"].isna() | (where == 0) | ((matched["place"] == "省内") & (where == 1))
             | ((matched["place"] == "省外") & (where == 2)))
    matched = matched.loc[keep, ["student_id", "program_id", "fen"]].drop_duplicates()
    grouped = matched.groupby(["student_id", "program_id"], sort=False)["fen"]
    out = grouped.agg(fen_min="min", fen_max="max").reset_index()
    out["amounts"] = None
    several = out["fen_min"] != out["fen_max"]
    if several.any():
        allowed = grouped.agg(lambda s: tuple(sorted(set(s))))
        keys = zip(out.loc[several, "student_id"], out.loc[several, "program_id"], strict=True)
        out.loc[several, "amounts"] = pd.Series([allowed[key] for key in keys], index=out.index[several])
    out = out.merge(people[["student_id", "school_id", "in_county"]], on="student_id")
    return out[columns]
