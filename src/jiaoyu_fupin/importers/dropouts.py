"""The dropout ledger (辍学学生台账) and the persuasion visits (劝返) written on the same rows."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.base import (
    BatchMaker,
    Counts,
    Options,
    Prepared,
    apply_diff,
    diff_counts,
    iso,
    keep_frame,
    spoken_for,
)
from jiaoyu_fupin.importers.rowchecks import (
    bad_values,
    data_rows,
    id_numbers,
    required_columns,
    required_values,
)
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import DropoutCase, DropoutVisit, Student

CASE_FIELDS = ["name", "student_id", "school_grade", "guardian_name", "guardian_phone", "address", "reason",
               "measures"]
VISIT_FIELDS = ["result"]


def validate(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    if not required_columns(table, checked):
        return prepared
    required_values(table, checked, ["name"])
    ids = id_numbers(table, checked)
    col = table.text
    month, bad = values.parse_months(col("left_month"))
    bad_values(table, checked, "left_month", bad, "辍学年月“{value}”无法识别", "请写成 2019-10 这样的年月")
    visited, bad = values.parse_dates(col("visit_date"))
    # Ledgers often list every visit's date in one cell; which visitors and result go with which date cannot
    # be told, so the clerk is shown the one-row-per-visit form this importer reads.
    bad_values(table, checked, "visit_date", bad, "劝返时间“{value}”无法识别",
               "请写成 2019-11-05 这样的日期；一个单元格只写一次劝返。劝返多次的，每次写一行"
               "（学生的信息照抄，劝返时间、劝返人员、劝返就读情况写这一次的）")
    students = store.fetch(conn, Student.__table__, ["id", "id_number"])
    student_id = ids.map(dict(zip(students["id_number"], students["id"], strict=True))).astype(object)
    frame = keep_frame(table, checked, {
        "id_number": ids, "left_month": month, "student_id": student_id, "visited_on": iso(visited),
        "visitors": col("visitors"), "result": col("visit_result"),
        **{f: col(f) for f in CASE_FIELDS if f != "student_id"},
    })
    prepared.frames["rows"] = frame
    return prepared


def write(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    rows = prepared.frames["rows"]
    cases = rows.drop_duplicates(["id_number", "left_month"], keep="last").copy()
    cases["origin"] = "ledger"
    existing = store.fetch(conn, DropoutCase.__table__, ["id", "id_number", "left_month", "origin", *CASE_FIELDS])
    existing = existing[existing["origin"] == "ledger"]
    fields = spoken_for(prepared.table, CASE_FIELDS, {"student_id": ("id_number",)})
    merged = store.diff(cases[["id_number", "left_month", "origin", "source_row", *CASE_FIELDS]], existing,
                        ["id_number", "left_month", "origin"], fields)
    counts = diff_counts(merged)
    is_new = merged["id"].isna().to_numpy()
    merged.loc[is_new, "id"] = store.next_ids(conn, DropoutCase.__table__, int(is_new.sum()))
    case_id = {(i, m): c for i, m, c in zip(merged["id_number"], merged["left_month"], merged["id"], strict=True)}
    visits = rows[rows["visited_on"].notna() | rows["visitors"].notna()].copy()
    visits["case_id"] = [case_id[(i, m)] for i, m in zip(visits["id_number"], visits["left_month"], strict=True)]
    visits = visits.drop_duplicates(["case_id", "visited_on", "visitors"], keep="last")
    existing_v = store.fetch(conn, DropoutVisit.__table__, ["id", "case_id", "visited_on", "visitors", "result"])
    v_fields = spoken_for(prepared.table, VISIT_FIELDS, {"result": ("visit_result",)})
    v = store.diff(visits[["case_id", "visited_on", "visitors", "result", "source_row"]], existing_v,
                   ["case_id", "visited_on", "visitors"], v_fields)
    v_counts = diff_counts(v)
    if counts.new or counts.changed or v_counts.new or v_counts.changed:
        batch_id = batch()
        new_cases = merged[is_new].assign(status="open", opened_on=None, batch_id=batch_id)
        cols = ["id", "id_number", "left_month", "origin", "status", *CASE_FIELDS, "source_row", "batch_id"]
        store.insert(conn, DropoutCase.__table__, new_cases[cols])
        changed = merged[merged["_changed"].to_numpy()]
        store.update(conn, DropoutCase.__table__, changed[["id", *fields, "source_row"]].assign(batch_id=batch_id))
        apply_diff(conn, DropoutVisit.__table__, v, ["case_id", "visited_on", "visitors", "result"], batch_id,
                   changing=["case_id", "visited_on", "visitors", *v_fields])
    # Counted per row of the file: a row is new with its case, changed when its case or its visit changed.
    touched = set(v.loc[v["id"].isna().to_numpy() | v["_changed"].to_numpy(), "case_id"])
    touched |= set(merged.loc[merged["_changed"].to_numpy(), "id"])
    new_ids = set(merged.loc[is_new, "id"])
    row_case = pd.Series([case_id[(i, m)] for i, m in zip(rows["id_number"], rows["left_month"], strict=True)])
    new = int(row_case.isin(new_ids).sum())
    changed = int((row_case.isin(touched) & ~row_case.isin(new_ids)).sum())
    return Counts(new=new, changed=changed, unchanged=len(rows) - new - changed)
