"""The 六个一 record (结对帮扶记录: one row per plan, visit, deed, summary, measure or activity) and the oversight
chain (包保责任: a leader answers for a township, a school or a class)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from jiaoyu_fupin.core import idnumber
from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.core.pairing import ITEM_WORDS, LEVEL_WORDS, class_key
from jiaoyu_fupin.core.stages import stage_of_type
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.base import (
    BatchMaker,
    Counts,
    Options,
    Prepared,
    iso,
    keep_frame,
    match_schools,
    single_term,
    spoken_for,
    write_diff,
)
from jiaoyu_fupin.importers.org import _codes as helper_codes  # one rule for ID-or-staff-number codes
from jiaoyu_fupin.importers.rowchecks import (
    Checked,
    bad_values,
    data_rows,
    id_numbers,
    merge_repeats,
    required_columns,
    required_values,
)
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import HelpActivity, Helper, Oversight, Pairing, School, Student

ACTIVITY_KEY = ["helper_id", "student_id", "activity_type", "activity_date"]
OVERSIGHT_FIELDS = ["helper_id", "level", "township", "school_id", "stage", "grade", "class_name", "term"]
_ITEMS = {text_key(k): v for k, v in ITEM_WORDS.items()}
_LEVELS = {text_key(k): v for k, v in LEVEL_WORDS.items()}


def _helper_ids(conn: Connection, table: Table, checked: Checked, field_name: str) -> pd.Series:
    code = helper_codes(table, checked, field_name)
    helpers = store.fetch(conn, Helper.__table__, ["id", "helper_code"])
    helper_id = code.map(dict(zip(helpers["helper_code"], helpers["id"], strict=True))).astype(object)
    bad_values(table, checked, field_name, code.notna() & helper_id.isna(), "责任人“{value}”不在台账中",
               "请先导入帮扶责任人名单（fupin import 帮扶责任人.xlsx），或核对身份证号或教职工号", code="helper_unknown")
    return helper_id


def _student_ids(conn: Connection, table: Table, checked: Checked) -> tuple[pd.Series, pd.Series]:
    """(normalized ID numbers, student ids), with a problem for each student the ledger does not know."""
    ids = id_numbers(table, checked, "student_id")
    students = store.fetch(conn, Student.__table__, ["id", "id_number"])
    student_id = ids.map(dict(zip(students["id_number"], students["id"], strict=True))).astype(object)
    unknown = (ids.notna() & student_id.isna()).to_numpy() & checked.keep
    for i in np.flatnonzero(unknown):
        checked.problems.append(table.problem(
            "student_unknown", "该学生不在台账中", "请先导入学籍名册，或核对学生身份证号", field_name="student_id",
            row=int(table.rows[i]), value=idnumber.mask(ids.iloc[i]),
        ))
    return ids, student_id


def _pair_keys(helper_id: pd.Series, student_id: pd.Series) -> np.ndarray:
    """(helper, student) as one integer; -1 where either is unknown."""
    h = pd.to_numeric(helper_id, errors="coerce").fillna(-1).to_numpy(dtype=np.int64)
    s = pd.to_numeric(student_id, errors="coerce").fillna(-1).to_numpy(dtype=np.int64)
    return np.where((h >= 0) & (s >= 0), h * (1 << 32) + s, -1)


def validate_activities(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["helper_code", "activity_type", "activity_date"])
    helper_id = _helper_ids(conn, table, checked, "helper_code")
    ids, student_id = _student_ids(conn, table, checked)
    col = table.text
    item, bad = values.map_values(col("activity_type"), _ITEMS)
    bad_values(table, checked, "activity_type", bad, "帮扶类型“{value}”无法识别",
               "请填写 计划、家访、实事、总结、帮扶措施 或 帮扶活动（六个一中的一项）", code="activity_type_unknown")
    day, bad = values.parse_dates(col("activity_date"))
    bad_values(table, checked, "activity_date", bad, "帮扶日期“{value}”无法识别", "请写成 2019-10-12 这样的日期")
    # A record belongs to a pairing: without one it would sit in no handbook and count for nobody.
    paired = store.fetch(conn, Pairing.__table__, ["helper_id", "student_id"])
    keys = _pair_keys(helper_id, student_id)
    unpaired = (keys >= 0) & ~np.isin(keys, _pair_keys(paired["helper_id"], paired["student_id"]))
    for i in np.flatnonzero(unpaired & checked.keep):
        checked.problems.append(table.problem(
            "pairing_unknown", "该帮扶责任人与该学生没有结对关系",
            "请先导入结对关系（fupin import 结对帮扶.xlsx），或核对责任人和学生的身份证号",
            field_name="student_id", row=int(table.rows[i]), value=idnumber.mask(ids.iloc[i]),
        ))
    frame = keep_frame(table, checked, {
        "helper_id": helper_id, "student_id": student_id, "activity_type": item, "activity_date": iso(day),
        "note": col("note"),
    })
    prepared.frames["activities"] = _merge_same_day(frame, checked)
    prepared.term = single_term(values.by_unique(day, lambda d: str(Term.of_date(d))))
    return prepared


def _merge_same_day(frame: pd.DataFrame, checked: Checked) -> pd.DataFrame:
    """Two records of one kind on one day for one student are one record of the 六个一: their notes are joined."""
    dup = frame.duplicated(ACTIVITY_KEY, keep=False).to_numpy()
    if not dup.any():
        return frame
    joined = (frame[dup].groupby(ACTIVITY_KEY, sort=False)["note"]
              .agg(lambda notes: "；".join(dict.fromkeys(n for n in notes if isinstance(n, str))) or None))
    first = frame[dup].drop_duplicates(ACTIVITY_KEY).set_index(ACTIVITY_KEY)
    first["note"] = joined
    merged = pd.concat([frame[~dup], first.reset_index()], ignore_index=True)
    checked.notes.append(f"同一责任人、同一学生、同一天的同类记录合并为一条（共 {int(dup.sum()) - len(first)} 行，内容已合并）")
    checked.merged += int(dup.sum()) - len(first)
    return merged


def write_activities(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    fields = spoken_for(prepared.table, ["note"])
    return write_diff(conn, HelpActivity.__table__, prepared.frames["activities"], [*ACTIVITY_KEY, "note"],
                      ACTIVITY_KEY, fields, batch, changing=[*ACTIVITY_KEY, *fields])


def validate_oversight(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    term = _standing_terms(table, checked, options)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["helper_code"])
    helper_id = _helper_ids(conn, table, checked, "helper_code")
    col = table.text
    given, bad = values.map_values(col("level"), _LEVELS)
    bad_values(table, checked, "level", bad, "包保层级“{value}”无法识别", "请填写 乡镇、学校 或 班级", code="level_unknown")
    township, school, grade = col("township"), col("school"), col("grade")
    inferred = np.where(grade.notna() | col("class_name").notna(), "class",
                        np.where(school.notna(), "school", np.where(township.notna(), "township", None)))
    level = given.where(given.notna(), pd.Series(inferred, index=given.index, dtype=object))
    nothing = level.isna().to_numpy() & ~bad.to_numpy() & checked.keep
    for row in table.rows[nothing]:
        checked.problems.append(table.problem(
            "value_missing", "没有写包保的乡镇、学校或班级", "请填写包保乡镇；或包保学校；或包保学校加年级、班级",
            row=int(row)))
    _need(table, checked, "township", (level == "township") & township.isna(), "包保层级为乡镇，但“包保乡镇”为空")
    _need(table, checked, "school", level.isin(["school", "class"]) & school.isna(), "包保学校、班级时“包保学校”不能为空")
    _need(table, checked, "grade", (level == "class") & grade.isna(), "包保班级时“年级”不能为空")

    known = _townships(conn)
    township_name = values.name_key(township).map(known).astype(object)
    bad_values(table, checked, "township", (level == "township") & township.notna() & township_name.isna(),
               "乡镇“{value}”不在学校名单的乡镇中", "请核对乡镇名称，或在学校名单中填写各校的“所在乡镇”",
               code="township_unknown")
    school_id, school_type = match_schools(conn, school)
    needs_school = level.isin(["school", "class"])
    bad_values(table, checked, "school", needs_school & school.notna() & school_id.isna(), "学校“{value}”不在台账的学校名单中",
               "请把学校名称改成与学校名单完全一致", code="school_unknown")
    stage, number, bad = values.parse_grade(grade, values.by_unique(school_type, stage_of_type))
    bad_values(table, checked, "grade", (level == "class") & bad, "年级“{value}”无法识别，或与学校的学段不一致",
               "请写成 七年级、三年级、高一 这样的年级", code="grade_invalid")

    is_class, is_township = (level == "class").to_numpy(), (level == "township").to_numpy()
    frame = keep_frame(table, checked, {
        "helper_id": helper_id, "level": level,
        "township": township_name.where(is_township, None),
        "school_id": _ints(school_id.where(~is_township, None)),
        "stage": stage.where(is_class, None), "grade": _ints(number.where(is_class, None)),
        "class_name": _texts(col("class_name").where(is_class)),
        "term": term.where(term.notna(), None),
    })
    frame["okey"] = _oversight_key(frame)
    prepared.frames["oversight"] = merge_repeats(checked, frame, ["okey"],
                                                 "重复的包保（同一责任人、同一乡镇 / 学校 / 班级、同一学期）")
    prepared.term = single_term(term)
    return prepared


def _standing_terms(table: Table, checked: Checked, options: Options) -> pd.Series:
    """Each link's term. Unlike base.terms, an empty 学期 is no error: the link stands for every term."""
    column = table.column("term")
    if column is None:
        return pd.Series([options.term] * len(table.frame), dtype=object)
    parsed, bad, messages = values.parse_terms(column)
    bad_values(table, checked, "term", bad, "无法识别的学期“{value}”", "请写成 2019秋、2020春；对每个学期都有效则留空",
               messages=messages)
    if options.term:
        clash = parsed.notna() & (parsed != options.term)
        bad_values(table, checked, "term", clash, f"学期“{{value}}”与命令中的 --term {options.term} 不一致",
                   "请去掉 --term，或改正该行的学期", code="term_conflict")
        parsed = parsed.where(parsed.notna(), options.term)
    return parsed.astype(object)


def _need(table: Table, checked: Checked, field_name: str, missing: pd.Series, message: str) -> None:
    mask = missing.to_numpy(dtype=bool) & checked.keep
    pos = table.fields.get(field_name)
    title = table.kind.column(field_name).title
    for row in table.rows[mask]:
        checked.problems.append(table.problem(
            "value_missing", message, f"请填写“{title}”", field_name=field_name if pos is not None else None,
            row=int(row)))


def _townships(conn: Connection) -> dict[str, str]:
    """Township names of the school list by their loose key (the school list's spelling wins)."""
    names = store.fetch(conn, School.__table__, ["township"])["township"].dropna().drop_duplicates()
    return dict(zip(values.name_key(names.astype(str)), names, strict=True)) if len(names) else {}


def _ints(series: pd.Series) -> pd.Series:
    # Built as a list: Series.map would infer float64 for ints with gaps, and 2.0 is not the stored 2.
    return pd.Series([None if v is None or pd.isna(v) else int(v) for v in series], index=series.index, dtype=object)


def _oversight_key(frame: pd.DataFrame) -> pd.Series:
    """One text key per link; empty parts (a township link has no school) spelled out, since diff keys hold no NA."""
    parts = frame[OVERSIGHT_FIELDS].drop(columns="class_name")
    parts["class_key"] = [class_key(n) for n in frame["class_name"]]
    return pd.Series(["\x1f".join("" if pd.isna(v) else str(v) for v in row)
                      for row in parts.itertuples(index=False)], index=frame.index, dtype=object)


def _texts(series: pd.Series) -> pd.Series:
    return pd.Series([None if pd.isna(v) else str(v) for v in series], index=series.index, dtype=object)


def write_oversight(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    return write_diff(conn, Oversight.__table__, prepared.frames["oversight"], OVERSIGHT_FIELDS, OVERSIGHT_FIELDS,
                      ["class_name"], batch, key_of=_oversight_key)
