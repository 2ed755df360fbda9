"""Importers of the bureau's task list (附件1) and the schools' list (附件2).

The bureau's list: 一级指标 and 二级指标 merged down over their tasks, 牵头股室 and 配合股室 under a two-row 责任股室
header, 配合 empty or naming several offices, 完成时限 a date, a month, 2019年底, 长期, or empty. The schools' list:
one cell of numbered points per 一级指标, one task per point, answered by every school.
A task is keyed by its list (bureau or school) and its text: a corrected list re-imports as changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.core.tasks import check_for
from jiaoyu_fupin.importers import task_parse as parse
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.base import BatchMaker, Counts, Options, Prepared, diff_counts
from jiaoyu_fupin.importers.collab_parse import offices as split_offices
from jiaoyu_fupin.importers.rowchecks import (
    Checked,
    bad_values,
    conflicting_duplicates,
    data_rows,
    empty_cells,
    required_columns,
)
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import Task

FIELDS = ["area", "item", "lead_office", "supporting_offices", "deadline", "position"]
KEY = ["scope", "content"]


def _none(values_: list) -> pd.Series:
    return pd.Series(values_, dtype=object)


def _deadlines(table: Table, checked: Checked) -> pd.Series:
    parsed, bad = values.parse_unique(table.text("deadline"), parse.deadline)
    bad_values(table, checked, "deadline", bad, "完成时限“{value}”无法识别",
               "请写成 2019年12月31日、2019-12-31、2019年12月 或 2019年底；没有时限就留空或写“长期”")
    standing = parsed.map(lambda v: v == "standing")
    if standing.any():
        checked.notes.append(f"{int(standing.sum())} 项任务的完成时限写的是长期、持续等，按没有时限处理（不会逾期）")
    return parsed.where(~standing.astype(bool), None).map(lambda d: d.isoformat(), na_action="ignore")


def validate_tasks(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    col = table.text
    keep = checked.keep
    area = [parse.level_name(v) if isinstance(v, str) else None for v in col("area")]
    item = [v if isinstance(v, str) else None for v in col("item")]
    area, item = parse.fill_down(area, item)
    content = col("content")
    lead = col("lead_office")
    # A row with an indicator and nothing else heads a block (a 一级指标 written across the table): not a task.
    heading = (content.isna() & lead.isna()).to_numpy() & keep
    if heading.any():
        checked.notes.append(f"{int(heading.sum())} 行只有指标、没有工作任务，作为分组标题处理")
        checked.keep = keep = keep & ~heading
    for name, title in (("content", "工作任务"), ("lead_office", "牵头股室")):
        empty_cells(table, checked, name, table.column(name).isna().to_numpy() & keep, title,
                    f"请填写{title}（每项任务都要有牵头股室）")
    due = _deadlines(table, checked)
    text = values.by_unique(content, lambda t: " ".join(t.split()))
    key = text.map(text_key, na_action="ignore")
    compare = pd.DataFrame({"lead": lead, "partner": col("supporting_offices"), "deadline": col("deadline")})
    drop = conflicting_duplicates(table, checked, key, compare, "content", "工作任务")
    joined = values.by_unique(lead, lambda t: "、".join(split_offices(t)) or None)
    partners = values.by_unique(col("supporting_offices"), lambda t: "、".join(split_offices(t)) or None)
    prepared.frames["tasks"] = _frame(table, checked, drop, {
        "scope": "bureau", "area": _none([v or "未分类" for v in area]), "item": _none(item),
        "content": text, "lead_office": joined, "supporting_offices": partners, "deadline": due,
    })
    return prepared


def validate_school_tasks(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    col = table.text
    area, _ = parse.fill_down([parse.level_name(v) if isinstance(v, str) else None for v in col("area")],
                                [None] * len(table.frame))
    due = _deadlines(table, checked)
    rows: dict[str, list] = {"area": [], "content": [], "deadline": [], "source_row": [], "at": []}
    empty = col("items").isna().to_numpy() & checked.keep
    for row in table.rows[empty]:
        checked.problems.append(table.problem("value_missing", "“二级指标”为空", "请填写这一项指标下学校要做的事",
                                              field_name="items", row=int(row)))
    for i in np.flatnonzero(checked.keep & ~empty):
        for item in parse.numbered_items(col("items").iloc[i]):
            rows["area"].append(area[i] or "未分类")
            rows["content"].append(item)
            rows["deadline"].append(due.iloc[i])
            rows["source_row"].append(int(table.rows[i]))
            rows["at"].append(i)
    frame = pd.DataFrame({k: v for k, v in rows.items() if k != "at"}, dtype=object)
    frame["scope"] = "school"
    frame["item"] = None
    frame["lead_office"] = None
    frame["supporting_offices"] = None
    items = len(frame)
    frame = frame.drop_duplicates(["content"]).reset_index(drop=True)
    # Counted by item, not by row: the summary's 新增 would not add up to its rows without saying so.
    same = f"，其中 {items - len(frame):,} 项与前面的某项相同，合并为一条" if items > len(frame) else ""
    checked.notes.append(f"{int(checked.keep.sum()):,} 行共 {items:,} 项（一格中 1. 2. 3. 各为一项，每项记一条）{same}")
    frame["position"] = range(1, len(frame) + 1)
    prepared.frames["tasks"] = frame
    return prepared


def _frame(table: Table, checked: Checked, drop: np.ndarray, columns: dict) -> pd.DataFrame:
    frame = pd.DataFrame({k: (v if not isinstance(v, str) else [v] * len(table.frame)) for k, v in columns.items()})
    frame["source_row"] = table.rows
    frame = frame[checked.keep & ~drop].reset_index(drop=True)
    frame["position"] = range(1, len(frame) + 1)
    return frame.astype(object).where(frame.notna(), None)


def write_tasks(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    """New tasks get the check their words call for; a task already in the ledger keeps the check it has (a clerk
    may have tied or untied it with `fupin task tie`)."""
    rows = prepared.frames["tasks"]
    rows["key"] = rows["scope"] + "\x1f" + rows["content"].map(text_key)
    existing = store.fetch(conn, Task.__table__, ["id", *KEY, *FIELDS])
    existing["key"] = existing["scope"].astype(str) + "\x1f" + existing["content"].astype(str).map(text_key)
    merged = store.diff(rows, existing, ["key"], FIELDS)
    counts = diff_counts(merged)
    if counts.new or counts.changed:
        batch_id = batch()
        new = merged["id"].isna().to_numpy()
        added = merged[new][[*KEY, *FIELDS, "source_row"]].assign(batch_id=batch_id)
        added["check_name"] = [check_for(t) for t in added["content"]]
        store.insert(conn, Task.__table__, added)
        store.update(conn, Task.__table__, merged[merged["_changed"].to_numpy()][["id", *FIELDS, "source_row"]]
                     .assign(batch_id=batch_id))
    return counts
