"""--details: for each count or sum a report workbook shows, the students or payments behind it.

A report's figures are counted from a few lists (listings): the roll, the registered poor, the payments, the
coverage findings, the dropout cases. A Figure names one cell of the report (sheet, row, column, value) and the
rows of one listing it was counted from (a filter on the listing's columns) and how (rows, distinct people, 元 or
万元). The details workbook holds an index of every figure, with the number worked out again from its list beside
the report's own and whether the two agree, then one sheet per listing (filter it in Excel by the index's
conditions to see the rows behind a figure). Every row says where it came from: file, sheet and row.

ID numbers appear masked only (idnumber.mask); the workbook is still written readable by its owner only, as it
lists children by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from sqlalchemy import Connection, text

from jiaoyu_fupin.core.files import write_atomic
from jiaoyu_fupin.core.idnumber import mask
from jiaoyu_fupin.core.policy import COUNTABLE_FEN
from jiaoyu_fupin.reports.book import wan
from jiaoyu_fupin.store.frames import query_frame
from jiaoyu_fupin.xlsx.safe_cells import inert_row

PERSON = "_person"  # hidden: the full ID number, for counting distinct people; never written
FEN = "_fen"  # hidden: the amount in 分, for sums
SOURCE = ["来源文件", "工作表", "行"]
MEASURES = {"count": "条数", "people": "人数（去重）", "times": "人次（同一学生、同一学期、同一项目计一次）",
            "yuan": "金额（元）", "wan": "金额（万元）"}
# The columns a 人次 is one of (a payments list): one student, one term, one program.
TIMES_KEY = ["学期", "资助项目"]
# Joined to any imported row (alias r) to say where it came from.
PROVENANCE_JOIN = " LEFT JOIN batches pb ON pb.id = {alias}.batch_id"
PROVENANCE_COLUMNS = "pb.file_name, pb.sheet, {alias}.source_row"


@dataclass
class Listing:
    sheet: str
    frame: pd.DataFrame  # shown columns, then PERSON / FEN where the listing has them
    note: str = ""

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if not c.startswith("_")]


@dataclass
class Figure:
    sheet: str
    row: str
    column: str
    value: int | Decimal | float | None
    listing: str
    where: dict[str, object] = field(default_factory=dict)
    measure: str = "count"


@dataclass
class Details:
    title: str
    listings: dict[str, Listing]
    figures: list[Figure]
    unlisted: tuple[str, ...] = ()  # report sheets whose figures rest on no list


def read_rows(conn: Connection, sql: str, params: dict, columns: list[str]) -> pd.DataFrame:
    """A list's rows as read, one object per cell, in the report's own transaction."""
    return query_frame(conn, text(sql), params, columns)


def masked(ids: pd.Series) -> pd.Series:
    return ids.map(lambda v: mask(v) if isinstance(v, str) else v)


def rows_of(listing: Listing, where: dict[str, object]) -> pd.DataFrame:
    frame = listing.frame
    keep = pd.Series(True, index=frame.index)
    for column, value in where.items():
        keep &= frame[column] == value
    return frame[keep]


def measure(listing: Listing, figure: Figure) -> tuple[int, int | Decimal]:
    """(rows in the list, the figure worked out from them)."""
    rows = rows_of(listing, figure.where)
    if figure.measure == "people":
        return len(rows), int(rows[PERSON].nunique())
    if figure.measure == "times":
        return len(rows), len(rows[[PERSON, *TIMES_KEY]].drop_duplicates())
    if figure.measure in ("yuan", "wan"):
        fen = sum(int(f) for f in rows[FEN] if int(f) <= COUNTABLE_FEN)  # as the reports add up (facts.AMOUNT_SUM)
        return len(rows), (Decimal(fen) / 100 if figure.measure == "yuan" else wan(fen))
    return len(rows), len(rows)


def agrees(value, worked: int | Decimal) -> bool:
    if value is None:
        return worked == 0
    return Decimal(str(value)) == Decimal(worked)


def table_cells(headers: list[str], rows: list[list], label_columns: int = 1):
    """(row label(s), column header, value) of every numeric cell of a report table."""
    for row in rows:
        label = row[0] if label_columns == 1 else tuple(row[:label_columns])
        for header, value in zip(headers[label_columns:], row[label_columns:], strict=False):
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                yield label, header, value


def _condition(where: dict[str, object]) -> str:
    return "；".join(f"{k}＝{v}" for k, v in where.items()) or "（全部）"


def write_details(details: Details, path: Path) -> Path:
    wb = Workbook(write_only=True)
    index = wb.create_sheet("索引")
    index.append(inert_row(index, [details.title]))
    index.append(["每一行是报表中的一个数：按右边的条件筛选对应明细页，得到这个数背后的每一名学生或每一笔发放；"
                  "“按明细计算”是用这些行重新算出的数，“一致”为“否”的请核查"])
    if details.unlisted:
        index.append([f"{'、'.join(details.unlisted)}各页的数不是逐人、逐笔计数（汇总数据、比率或台账不记录的项目），"
                      "没有明细"])
    index.append(["报表工作表", "行", "列", "报表中的数", "明细工作表", "筛选条件", "明细条数", "按明细计算", "计算方式", "一致"])
    for figure in details.figures:
        count, worked = measure(details.listings[figure.listing], figure)
        index.append(inert_row(index, [
            figure.sheet, "／".join(figure.row) if isinstance(figure.row, tuple) else figure.row, figure.column,
            figure.value, figure.listing, _condition(figure.where), count, worked, MEASURES[figure.measure],
            "是" if agrees(figure.value, worked) else "否"]))
    for listing in details.listings.values():
        ws = wb.create_sheet(listing.sheet[:31])
        columns = listing.columns
        ws.freeze_panes = "A3"
        ws.append([listing.note or listing.sheet])
        ws.append(columns)
        for values in listing.frame[columns].itertuples(index=False, name=None):
            ws.append(inert_row(ws, [_cell(v) for v in values]))  # names from files stay text (safe_cells)
        ws.auto_filter.ref = f"A2:{_letter(len(columns))}{len(listing.frame) + 2}"

    return write_atomic(Path(path), wb.save, private=True)  # names and masked IDs of children: owner only


def _cell(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(max(n, 1))
