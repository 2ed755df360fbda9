"""Schools, helpers (responsible teachers and leaders) and pairings (一生一责任人)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from jiaoyu_fupin.core import idnumber
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.base import (
    BatchMaker,
    Counts,
    Options,
    Prepared,
    iso,
    keep_frame,
    match_schools,
    spoken_for,
    write_diff,
)
from jiaoyu_fupin.importers.rowchecks import (
    bad_values,
    conflicting_duplicates,
    data_rows,
    id_numbers,
    merge_repeats,
    required_columns,
    required_values,
)
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import Helper, Pairing, School, Student

SCHOOL_FIELDS = ["school_code", "school_type", "township", "ownership"]
HELPER_FIELDS = ["name", "school_id", "role", "phone"]
_BUREAU = re.compile(r"(?:教育局|教体局|教科局|教育和体育局|资助中心|政府)")


def validate_schools(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["name", "school_type"])
    col = table.text
    code = col("school_code")
    bad = code.notna() & ~code.fillna("").str.fullmatch(r"\d{10}")
    bad_values(table, checked, "school_code", bad, "学校标识码“{value}”不是 10 位数字",
               "学校标识码是教育部统一的 10 位数字，请从事业统计系统中核对；不知道可以留空")
    names = col("name")
    drop = conflicting_duplicates(table, checked, values.name_key(names),
                                  pd.DataFrame({"code": code, "type": col("school_type")}), "name", "学校名称")
    codes_drop = conflicting_duplicates(table, checked, code, pd.DataFrame({"name": values.name_key(names)}),
                                        "school_code", "学校标识码")
    _codes_of_other_schools(conn, table, checked, code, names)
    prepared.frames["schools"] = keep_frame(table, checked, {
        "name": names, "school_code": code, "school_type": col("school_type"), "township": col("township"),
        "ownership": col("ownership"),
    }, drop | codes_drop)
    return prepared


def _codes_of_other_schools(conn: Connection, table: Table, checked, code: pd.Series, names: pd.Series) -> None:
    """A 学校标识码 the ledger holds for a school of another name: schools are matched by name, so the row would be a
    second school with the same code (the database refused it with a traceback)."""
    held = {c: n for c, n in conn.execute(select(School.school_code, School.name).where(School.school_code.isnot(None)))}
    if not held:
        return
    for i in range(len(code)):
        c, name = code.iat[i], names.iat[i]
        if not checked.keep[i] or pd.isna(c) or c not in held or pd.isna(name):
            continue
        if held[c] != name:  # as write_schools matches them: by the name as written
            checked.problems.append(table.problem(
                "school_code_taken", f"学校标识码 {c} 在台账中属于“{held[c]}”，不能再给另一所学校",
                f"同一所学校请写台账中的名称“{held[c]}”；确是另一所学校，请从事业统计系统核对它的标识码",
                field_name="school_code", row=int(table.rows[i]), value=c))


def write_schools(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    fields = spoken_for(prepared.table, SCHOOL_FIELDS)
    return write_diff(conn, School.__table__, prepared.frames["schools"], ["name", *SCHOOL_FIELDS], ["name"], fields,
                      batch, changing=["name", *fields])


def _codes(table: Table, checked, field_name: str) -> pd.Series:
    """Helper codes: an ID number (checked as such) or a staff number (kept as written)."""
    raw = table.column(field_name)
    looks_like_id = raw.fillna("").str.fullmatch(r"\s*'?\d{15}(\d{2}[\dxX])?\s*") | raw.fillna("").str.contains(
        r"[Ee]\+\d", regex=True)
    ids = id_numbers(table, checked, field_name, where=looks_like_id.to_numpy())
    return ids.where(looks_like_id, raw).astype(object)


def validate_helpers(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["helper_code", "name"])
    code = _codes(table, checked, "helper_code")
    col = table.text
    units = col("school")
    school_ids, _ = match_schools(conn, units)
    unknown = units.notna() & school_ids.isna() & ~units.fillna("").str.contains(_BUREAU)
    bad_values(table, checked, "school", unknown, "工作单位“{value}”不在台账的学校名单中",
               "请把工作单位写成与学校名单一致的学校名称（局领导写“县教育局”）", code="school_unknown")
    drop = conflicting_duplicates(table, checked, code, pd.DataFrame({"name": col("name"), "school": units}),
                                  "helper_code", "帮扶责任人（身份证号或工号）")
    prepared.frames["helpers"] = keep_frame(table, checked, {
        "helper_code": code, "name": col("name"), "school_id": school_ids.where(school_ids.notna(), None),
        "role": col("role"), "phone": col("phone"),
    }, drop)
    return prepared


def write_helpers(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    fields = spoken_for(prepared.table, HELPER_FIELDS, {"school_id": ("school",)})
    return write_diff(conn, Helper.__table__, prepared.frames["helpers"], ["helper_code", *HELPER_FIELDS],
                      ["helper_code"], fields, batch, changing=["helper_code", *fields])


PAIRING_KEY = ["helper_id", "student_id", "start_date"]


def validate_pairings(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["helper_code", "helper_name", "student_name", "start_date"])
    helper_code = _codes(table, checked, "helper_code")
    student_ids = id_numbers(table, checked, "student_id")
    helpers = store.fetch(conn, Helper.__table__, ["id", "helper_code"])
    students = store.fetch(conn, Student.__table__, ["id", "id_number"])
    helper_id = helper_code.map(dict(zip(helpers["helper_code"], helpers["id"], strict=True))).astype(object)
    student_id = student_ids.map(dict(zip(students["id_number"], students["id"], strict=True))).astype(object)
    bad_values(table, checked, "helper_code", helper_code.notna() & helper_id.isna(),
               "帮扶责任人“{value}”不在台账中", "请先导入帮扶责任人名单（fupin import 帮扶责任人.xlsx），再导入结对关系",
               code="helper_unknown")
    mask_ids = student_ids.map(lambda v: idnumber.mask(v) if isinstance(v, str) else v)
    unknown_student = student_ids.notna() & student_id.isna()
    for row in table.rows[unknown_student.to_numpy() & checked.keep]:
        checked.problems.append(table.problem(
            "student_unknown", "该学生不在台账中", "请先导入学籍名册，或核对学生身份证号", field_name="student_id",
            row=int(row), value=str(mask_ids[np.flatnonzero(table.rows == row)[0]]),
        ))
    col = table.text
    start, bad = values.parse_dates(col("start_date"))
    bad_values(table, checked, "start_date", bad, "结对日期“{value}”无法识别", "请写成 2019-09-01 这样的日期")
    end, bad = values.parse_dates(col("end_date"))
    bad_values(table, checked, "end_date", bad, "结束日期“{value}”无法识别", "请写成 2020-07-15 这样的日期，仍在帮扶则留空")
    before = pd.Series([bool(s and e and e < s) for s, e in zip(start, end, strict=True)], index=start.index)
    bad_values(table, checked, "end_date", before, "结束日期“{value}”早于结对日期", "请核对结对日期和结束日期")
    frame = keep_frame(table, checked, {
        "helper_id": helper_id, "student_id": student_id, "start_date": iso(start), "end_date": iso(end),
    })
    # The later row of a pairing stands (its 结束日期 wins), as it always has; the earlier ones are named.
    prepared.frames["pairings"] = merge_repeats(checked, frame, PAIRING_KEY, "重复的结对（同一责任人、同一学生、同一结对日期）",
                                                keep="last")
    return prepared


def write_pairings(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    key, frame = PAIRING_KEY, prepared.frames["pairings"]
    fields = spoken_for(prepared.table, ["end_date"])  # a list without 结束日期 ends no pairing
    return write_diff(conn, Pairing.__table__, frame, [*key, "end_date"], key, fields, batch,
                      changing=[*key, *fields])
