"""Importers of the collaboration plan (its tables and its targets) and of the records of what happened.

A plan row is keyed by year, kind and project, a target by year and item, a record by date, kind, partner, school
and note: a corrected file re-imports as changes, never as second copies.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
from sqlalchemy import Connection, update

from jiaoyu_fupin.core.collab import EAST_WEST, PLAN_KIND_OF, PROVINCE, RECORD_KIND_OF, TARGET_OF, TARGETS
from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.importers import collab_parse as parse
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.base import (
    BatchMaker,
    Counts,
    Options,
    Prepared,
    iso,
    keep_frame,
    match_schools,
    write_diff,
)
from jiaoyu_fupin.importers.columns import header_key
from jiaoyu_fupin.importers.rowchecks import (
    Checked,
    bad_values,
    conflicting_duplicates,
    data_rows,
    required_columns,
    required_values,
)
from jiaoyu_fupin.importers.statistics import _joined, parse_counts, parse_years
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import CollabPlan, CollabRecord, CollabTarget
from jiaoyu_fupin.store.models.base import to_fen

PLAN_FIELDS = ["seq", "experts", "offices", "period", "month_from", "month_to", "people_min", "people_max", "note"]
PLAN_KEY = ["year", "kind", "project"]


def _none(series: pd.Series) -> pd.Series:
    series = series.astype(object)
    return series.where(series.notna(), None)


_YEAR_OF = {"collab_plan": "计划", "collab_targets": "年度目标"}  # what a year-less file's rows are, as the clerk says it


def _years(table: Table, checked: Checked, options: Options) -> pd.Series | None:
    """Each row's year: the 年度 column, else the year in the title above the table or in the file's name, else
    the year of --term. None (with a problem) when nothing says it."""
    year, bad = parse_years(table.text("year"))
    bad_values(table, checked, "year", bad, "年度“{value}”无法识别", "请写成 2019 这样的四位年份")
    fallback = parse.title_year(table.path, table.sheet, table.header_row)
    if fallback is None and options.term:
        fallback = parse.year_in(options.term + "年")
    if fallback is None and year.isna().to_numpy()[checked.keep].any():
        what = _YEAR_OF.get(table.kind.name, "这张表")
        checked.problems.append(table.problem(
            "year_unknown", f"无法确定{what}属于哪一年：表格上方的标题、工作表名和文件名都没有写年份，也没有“年度”列",
            f"请在表格上方的标题中写明年份（如“2019年{table.kind.title}”），或加一列“年度”", field_name="year"))
        return None
    return year.where(year.notna(), fallback)


# ---- collab_plan -------------------------------------------------------------------------------------------------

def _second_header(table: Table, checked: Checked) -> None:
    """The plan's two tables pasted one under the other on one sheet: the header found is one of them, and the other
    table's rows would be read as titles (above it) or under the wrong columns (below it), so the clerk is asked to
    part them."""
    aliases = {header_key(a) for c in table.kind.columns for a in c.aliases}
    for n, row in enumerate(parse.rows_above(table.path, table.sheet, table.header_row), 1):
        if sum(1 for v in row if header_key(v) in aliases) >= 3:
            checked.problems.append(table.problem(
                "header_repeated", f"第 {n} 行和第 {table.header_row} 行都像是计划表的表头：两张表放在了同一个工作表里",
                "请把跟岗培训计划表和专家培训计划表放在两个工作表（或两个文件）中，各带自己的表头", row=n))
    frame = table.frame
    for i in np.flatnonzero(checked.keep):
        if sum(1 for v in frame.iloc[i] if isinstance(v, str) and header_key(v) in aliases) >= 3:
            checked.problems.append(table.problem(
                "header_repeated", "这一行像是另一张计划表的表头：两张表放在了同一个工作表里",
                "请把跟岗培训计划表和专家培训计划表放在两个工作表（或两个文件）中，各带自己的表头", row=int(table.rows[i])))
            checked.keep = checked.keep.copy()
            checked.keep[i:] = False


def validate_plan(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    _second_header(table, checked)
    required_values(table, checked, ["project", "period"])
    col = table.text
    year = _years(table, checked, options)
    span = values.by_unique(col("period"), parse.months)
    bad_values(table, checked, "period", col("period").notna() & span.isna(), "时间“{value}”看不出是几月",
               "请写成 3 月、6 月下旬或 7 月上旬、5-6 月 这样的月份")
    people = values.by_unique(col("people"), parse.head_count)
    bad_values(table, checked, "people", col("people").notna() & people.isna(), "人数“{value}”无法识别",
               "请写成 25 或 3-5 这样的人数或人数范围")
    # The kind: a 类别 column, else the table's shape: experts coming (a 专家 column) or staff going.
    default = "专家培训" if "experts" in table.fields else "跟岗培训"
    kind, bad = values.map_values(col("kind"), PLAN_KIND_OF)
    bad_values(table, checked, "kind", bad, "类别“{value}”无法识别", "请填写 跟岗培训 或 专家培训")
    kind = kind.where(kind.notna(), default)
    seq, bad = parse_counts(col("seq"))
    offices = values.by_unique(col("offices"), lambda t: "、".join(parse.offices(t)) or None)
    project = values.by_unique(col("project"), lambda t: " ".join(t.split()))
    if year is None:
        return prepared
    frame = pd.DataFrame({"year": year, "kind": kind, "project": project})
    key = _joined(frame, PLAN_KEY).where(project.notna() & year.notna())
    drop = conflicting_duplicates(table, checked, key, pd.DataFrame({f: col(f) for f in ("period", "people")}),
                                  "project", "计划项目")
    prepared.frames["plans"] = keep_frame(table, checked, {
        "year": year, "kind": kind, "project": project, "seq": _none(seq), "experts": _none(col("experts")),
        "offices": offices, "period": _none(col("period")),
        "month_from": span.map(lambda s: s[0], na_action="ignore").astype(object),
        "month_to": span.map(lambda s: s[1], na_action="ignore").astype(object),
        "people_min": people.map(lambda p: p[0], na_action="ignore").astype(object),
        "people_max": people.map(lambda p: p[1], na_action="ignore").astype(object),
        "note": _none(col("note")),
    }, drop)
    prepared.term = None
    return prepared


def write_plan(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    rows = prepared.frames["plans"].astype(object).where(prepared.frames["plans"].notna(), None)
    counts = write_diff(conn, CollabPlan.__table__, rows, [*PLAN_KEY, *PLAN_FIELDS], PLAN_KEY, PLAN_FIELDS, batch,
                        key_of=lambda frame: _joined(frame, PLAN_KEY))
    link_plans(conn)
    return counts


# ---- collab_targets ----------------------------------------------------------------------------------------------

def validate_targets(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["item", "target"])
    col = table.text
    item, bad = values.map_values(col("item"), TARGET_OF)
    bad_values(table, checked, "item", bad, "目标项目“{value}”无法识别", "请填写 " + "、".join(TARGETS) + " 之一")
    target = values.by_unique(col("target"), parse.head_count)
    bad_values(table, checked, "target", col("target").notna() & target.isna(), "年度目标“{value}”不是人数或个数",
               "请只写数字，例如 100")
    year = _years(table, checked, options)
    if year is None:
        return prepared
    key = _joined(pd.DataFrame({"y": year, "i": item}), ["y", "i"]).where(item.notna() & year.notna())
    drop = conflicting_duplicates(table, checked, key, pd.DataFrame({"t": col("target")}), "item", "目标项目")
    prepared.frames["targets"] = keep_frame(table, checked, {
        "year": year, "item": item, "target": target.map(lambda p: p[0], na_action="ignore").astype(object),
        "unit": _none(col("unit")).where(col("unit").notna(), item.map(lambda i: TARGETS[i].unit, na_action="ignore")),
    }, drop)
    return prepared


def write_targets(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    return write_diff(conn, CollabTarget.__table__, prepared.frames["targets"], ["year", "item", "target", "unit"],
                      ["year", "item"], ["target", "unit"], batch, key_of=lambda frame: _joined(frame, ["year", "item"]))


# ---- collab_record -----------------------------------------------------------------------------------------------

RECORD_FIELDS = ["scope", "school_id", "people", "person_times", "amount", "funding", "plan_project"]
RECORD_KEY = ["happened_on", "kind", "partner", "school_name", "note"]


def _scope(text: str) -> str | None:
    k = text_key(text)
    if "东西" in k or "东部" in k or "对口" in k:
        return EAST_WEST
    if "省内" in k or "616" in k or "省直" in k or "区域" in k:
        return PROVINCE
    return None


def _day(text: str):
    """A date, or the first day of a month written alone (2019-05, 2019年5月): trainings are reported by month."""
    found = values._one_date(unicodedata.normalize("NFKC", text).strip())
    if found is None and (month := values._one_month(text)):
        found = pd.Timestamp(f"{month}-01").date()
    return found


def validate_records(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["happened_on", "kind", "partner"])
    col = table.text
    day, bad = values.parse_unique(col("happened_on"), _day)
    bad_values(table, checked, "happened_on", bad, "日期“{value}”无法识别", "请写成 2019-05-20，或只写年月 2019-05")
    kind, bad = values.map_values(col("kind"), RECORD_KIND_OF)
    bad_values(table, checked, "kind", bad, "类型“{value}”无法识别",
               "请填写 支教、挂职、跟岗培训、专家培训、捐资助学、援建项目、捐物 之一")
    scope, bad = values.parse_unique(col("scope"), _scope)
    bad_values(table, checked, "scope", bad, "协作类别“{value}”无法识别", "请填写 东西部协作 或 省内协作")
    scope = scope.where(scope.notna(), EAST_WEST)
    numbers = {}
    for field in ("people", "person_times"):
        numbers[field], bad = parse_counts(col(field))
        title = table.kind.column(field).title
        bad_values(table, checked, field, bad, f"{title}“{{value}}”不是非负整数", f"请只写{title}，例如 5；没有就留空")
    amount, bad = values.parse_amounts(col("amount"))
    bad_values(table, checked, "amount", bad, "金额“{value}”无法识别", "请只写金额（元），例如 67500 或 67500.00")
    wan, bad = values.parse_amounts(col("amount_wan").str.replace("万", "", regex=False))
    bad_values(table, checked, "amount_wan", bad, "金额“{value}”无法识别", "请只写金额（万元），例如 6.75")
    amount = amount.where(amount.notna(), wan.map(lambda w: w * 10000, na_action="ignore"))
    if "amount" in table.fields and "amount_wan" in table.fields:
        both = col("amount").notna() & col("amount_wan").notna()
        bad_values(table, checked, "amount_wan", both, "同一行既填了金额（元）又填了金额（万元）“{value}”",
                   "请只保留一个金额")
    names = col("school")
    school_id, _ = match_schools(conn, names)
    unknown = sorted(set(names[names.notna() & school_id.isna() & pd.Series(checked.keep, index=names.index)]))
    if unknown:
        checked.notes.append(f"{len(unknown)} 所受援学校不在台账的学校名单中，按所写名称记录："
                             + "、".join(unknown[:5]) + ("等" if len(unknown) > 5 else ""))
    frame = pd.DataFrame({"happened_on": iso(day), "kind": kind, "partner": _none(col("partner")),
                          "school_name": _none(names), "note": _none(col("note"))})
    key = _record_key(frame).where(day.notna() & kind.notna())
    compare = pd.DataFrame({f: col(f) for f in ("people", "person_times", "amount", "amount_wan")})
    drop = conflicting_duplicates(table, checked, key, compare, "happened_on", "日期、类型、协作方、学校和备注")
    prepared.frames["records"] = keep_frame(table, checked, {
        **{c: frame[c] for c in RECORD_KEY}, "scope": scope, "school_id": school_id.where(school_id.notna(), None),
        "people": _none(numbers["people"]), "person_times": _none(numbers["person_times"]),
        "amount": amount.map(to_fen, na_action="ignore").astype(object),
        "funding": _none(col("funding")), "plan_project": _none(col("plan_project")),
    }, drop)
    return prepared


def _record_key(frame: pd.DataFrame) -> pd.Series:
    if not len(frame):
        return pd.Series([], dtype=object)
    return _joined(frame[RECORD_KEY].astype(object).map(lambda v: "" if v is None else str(v)), RECORD_KEY)


def write_records(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    counts = write_diff(conn, CollabRecord.__table__, prepared.frames["records"], [*RECORD_KEY, *RECORD_FIELDS],
                        RECORD_KEY, RECORD_FIELDS, batch, key_of=_record_key)
    link_plans(conn)
    return counts


def link_plans(conn: Connection) -> None:
    """Point each training record at its plan row: the one its 计划项目 names, else the only plan row of its kind
    whose months include the record's month. Redone after every plan or record import, whichever came first."""
    plans = store.fetch(conn, CollabPlan.__table__, ["id", "year", "kind", "project", "month_from", "month_to"])
    records = store.fetch(conn, CollabRecord.__table__, ["id", "happened_on", "kind", "plan_project", "plan_id"])
    plans["key"] = [text_key(p) for p in plans["project"]]
    for column in ("year", "month_from", "month_to"):
        plans[column] = pd.to_numeric(plans[column], errors="coerce")
    for rec in records.itertuples():
        day = pd.Timestamp(rec.happened_on)
        mine = plans[(plans["year"] == day.year) & (plans["kind"] == rec.kind)]
        found = None
        if isinstance(rec.plan_project, str):
            named = text_key(rec.plan_project)
            hit = mine[[named in k or k in named for k in mine["key"]]]
            found = int(hit["id"].iloc[0]) if len(hit) == 1 else None
        else:
            hit = mine[(mine["month_from"] <= day.month) & (mine["month_to"] >= day.month)]
            found = int(hit["id"].iloc[0]) if len(hit) == 1 else None
        current = None if pd.isna(rec.plan_id) else int(rec.plan_id)
        if found != current:
            conn.execute(update(CollabRecord.__table__).where(CollabRecord.__table__.c.id == int(rec.id))
                         .values(plan_id=found))
