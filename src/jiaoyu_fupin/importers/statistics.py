"""Aggregated tables: the population by township and year of birth, and the annual statistics by school and year.

Neither carries ID numbers; a row is keyed by what it counts (township and birth year; school, school year and
grade), so a corrected table re-imports as changes, never as second copies.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.core.stages import STAGE_WORDS, stage_of_type
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.base import (
    BatchMaker,
    Counts,
    Options,
    Prepared,
    keep_frame,
    match_schools,
    spoken_for,
    write_diff,
)
from jiaoyu_fupin.importers.rowchecks import (
    bad_values,
    conflicting_duplicates,
    data_rows,
    required_columns,
    required_values,
)
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import PopulationCount, SchoolStat

COUNT_KEY = ["year", "township", "birth_year", "birth_month", "sex"]
STAT_NUMBERS = ["entrants", "enrolled", "graduates", "transfers_in", "transfers_out"]
STAT_FIELDS = ["school_id", "township", "stage", *STAT_NUMBERS]

_YEAR = re.compile(r"^(\d{4})(?:\.0+)?(?:年度?|学年度?)?$")
_SCHOOL_YEAR = re.compile(r"^(\d{4})年?(?:-|—|–|~|～|至|到)+(\d{4})年?(?:学年度?|年度)?(?:第[一二1-2]学期)?$")
_COUNT = re.compile(r"^\d+(?:\.0+)?$")


def parse_counts(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Head counts: whole numbers, "1,250" and "1250人" accepted; negatives and fractions are bad."""
    def one(text: str):
        k = text_key(text).replace(",", "").replace("，", "").removesuffix("人")
        return int(float(k)) if _COUNT.match(k) else None

    parsed = values.by_unique(series, one)
    return parsed, series.notna() & parsed.isna()


def parse_years(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """2019, 2019年, 2019年度 -> 2019."""
    def one(text: str):
        m = _YEAR.match(text_key(text))
        return int(m[1]) if m and 1900 <= int(m[1]) <= 2100 else None

    parsed = values.by_unique(series, one)
    return parsed, series.notna() & parsed.isna()


def parse_school_years(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """2018-2019学年, 2018—2019学年度 or plain 2018 -> 2018, the year the school year began."""
    def one(text: str):
        k = text_key(text)
        m = _SCHOOL_YEAR.match(k)
        if m:
            return int(m[1]) if int(m[2]) == int(m[1]) + 1 else None
        m = _YEAR.match(k)
        return int(m[1]) if m and 1900 <= int(m[1]) <= 2100 else None

    parsed = values.by_unique(series, one)
    return parsed, series.notna() & parsed.isna()


def parse_births(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(birth year, birth month or None, bad): 2013, 2013年, 2013-09, 2013年9月, 201309, a date."""
    def one(text: str):
        k = text_key(text)
        m = _YEAR.match(k)
        if m:
            return (int(m[1]), None)
        month = values._one_month(text)
        return (int(month[:4]), int(month[5:7])) if month else None

    parsed = values.by_unique(series, one)
    ok = parsed.notna()
    year = parsed.map(lambda v: v[0], na_action="ignore").astype(object)
    month = parsed.map(lambda v: v[1], na_action="ignore").astype(object)
    month = month.where(month.notna(), None)
    return year.where(ok, None), month, series.notna() & ~ok


def _none(series: pd.Series) -> pd.Series:
    """Object column with None for empty cells: keys and stored values compare alike."""
    series = series.astype(object)
    return series.where(series.notna(), None)


# ---- population_counts ----------------------------------------------------------------------------------------

def validate_population_counts(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["birth", "count"])
    col = table.text
    birth_year, birth_month, bad = parse_births(col("birth"))
    bad_values(table, checked, "birth", bad, "出生年份“{value}”无法识别", "请写成 2013 或 2013-09 这样的年份或年月")
    count, bad = parse_counts(col("count"))
    bad_values(table, checked, "count", bad, "人数“{value}”不是非负整数", "请只写人数，例如 1250")
    year, bad = parse_years(col("year"))
    bad_values(table, checked, "year", bad, "统计年度“{value}”无法识别", "请写成 2019 这样的四位年份")
    sex, bad = values.map_values(col("sex"), values.SEX)
    bad_values(table, checked, "sex", bad, "性别“{value}”无法识别", "请填写“男”或“女”，或留空表示男女合计")
    township = col("township").map(text_key, na_action="ignore")
    frame = pd.DataFrame({"year": _none(year), "township": _none(township), "birth_year": birth_year,
                          "birth_month": birth_month, "sex": _none(sex)})
    key = _joined(frame, COUNT_KEY).where(birth_year.notna())
    drop = conflicting_duplicates(table, checked, key, pd.DataFrame({"count": col("count")}), "birth",
                                  "乡镇和出生年份")
    prepared.frames["counts"] = keep_frame(table, checked, {**{c: frame[c] for c in COUNT_KEY}, "count": count}, drop)
    return prepared


def write_population_counts(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    return write_diff(conn, PopulationCount.__table__, prepared.frames["counts"], [*COUNT_KEY, "count"], COUNT_KEY,
                      ["count"], batch, key_of=lambda frame: _joined(frame, COUNT_KEY))


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One text key per row; None and the number 5 read the same on both sides (stored ints come back as int)."""
    parts = [frame[c].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(int(v))
                          if isinstance(v, (int, np.integer, float)) else str(v)) for c in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\x1f" + part
    return joined.astype(object)


# ---- school_stats ---------------------------------------------------------------------------------------------

def validate_school_stats(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    numbers = [f for f in STAT_NUMBERS if f in table.fields]
    extra = [] if numbers else ["缺少人数列：招生数、在校生数、毕业生数、转入、转出至少要有一列"]
    if not required_columns(table, checked) or extra:
        for message in extra:
            checked.problems.append(table.problem("column_missing", message,
                                                  "请在表头加上这些列（fupin template school_stats 生成的模板可对照）"))
        return prepared
    required_values(table, checked, ["school_year", "school"])
    col = table.text
    school_year, bad = parse_school_years(col("school_year"))
    bad_values(table, checked, "school_year", bad, "学年“{value}”无法识别",
               "请写成 2018-2019学年 或 2018（表示 2018 年秋季开始的学年）")
    names = col("school")
    school_id, school_type = match_schools(conn, names)
    school_id = school_id.where(school_id.notna(), None)
    township_of = dict(zip(*_townships(conn), strict=True))
    township = col("township").map(text_key, na_action="ignore").astype(object)
    township = township.where(township.notna(), school_id.map(township_of, na_action="ignore"))
    stage, bad = values.map_values(col("stage"), STAGE_WORDS)
    bad_values(table, checked, "stage", bad, "学段“{value}”无法识别", "请填写 小学、初中 等")
    stage = stage.where(stage.notna(), values.by_unique(school_type, stage_of_type))
    grade = pd.Series([None] * len(table.frame), dtype=object)
    if "grade" in table.fields:
        stage, grade, bad = values.parse_grade(col("grade"), stage.astype(object))
        bad_values(table, checked, "grade", bad, "年级“{value}”无法识别，或与学段不一致",
                   "请核对学段和年级，例如 初中 对应 七年级/八年级/九年级", code="grade_invalid")
    parsed = {}
    for field in STAT_NUMBERS:
        parsed[field], bad = parse_counts(col(field))
        title = table.kind.column(field).title
        bad_values(table, checked, field, bad, f"{title}“{{value}}”不是非负整数", f"请只写{title}，例如 120；没有就写 0 或留空")
    school_key = values.name_key(names)
    # Readable, because a conflicting duplicate is shown to the clerk by its key; from the parsed stage and grade,
    # since grade numbers restart in each stage (七年级 and 高一 are both grade 1 of a 完全中学).
    grade_text = pd.Series([grade_label(st, g) if isinstance(g, int | np.integer) else (st if isinstance(st, str) else "")
                            for st, g in zip(stage, grade, strict=True)], index=stage.index, dtype=object)
    key = (school_key.astype(str) + " " + school_year.astype(str) + "学年 " + grade_text).str.strip().where(
        school_year.notna() & names.notna())
    compare = pd.DataFrame({f: col(f) for f in STAT_NUMBERS})
    drop = conflicting_duplicates(table, checked, key, compare, "school", "学校和学年（年级）")
    prepared.frames["stats"] = keep_frame(table, checked, {
        "school_year": school_year, "school_name": names.astype(object), "grade": _none(grade),
        "school_id": school_id, "township": _none(township), "stage": _none(stage.astype(object)),
        **{f: _none(parsed[f]) for f in STAT_NUMBERS},
    }, drop)
    return prepared


def _townships(conn: Connection) -> tuple[list, list]:
    from jiaoyu_fupin.store.models import School

    frame = store.fetch(conn, School.__table__, ["id", "township"])
    return list(frame["id"]), list(frame["township"])


def write_school_stats(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    # The school and its stage are required or worked out from it; a count or a township the file lacks is kept.
    fields = spoken_for(prepared.table, STAT_FIELDS, {"school_id": ("school",), "stage": ("school",)})
    key = ["school_year", "school_name", "grade"]
    return write_diff(conn, SchoolStat.__table__, prepared.frames["stats"], [*key, *STAT_FIELDS], key,
                      ["school_name", *fields], batch, changing=[*key, *fields], key_of=_stat_key)


def _stat_key(frame: pd.DataFrame) -> pd.Series:
    if not len(frame):
        return pd.Series([], dtype=object)
    names = values.name_key(frame["school_name"].astype("str"))
    # The stage belongs to the key: grade numbers restart in each stage.
    return _joined(pd.DataFrame({"y": frame["school_year"], "n": names, "s": frame["stage"], "g": frame["grade"]}),
                   ["y", "n", "s", "g"])
