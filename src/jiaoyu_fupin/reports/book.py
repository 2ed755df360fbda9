"""What the report workbooks share: tables with number formats, the as-of sheet, file names, atomic saving."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.worksheet.worksheet import Worksheet

from jiaoyu_fupin.xlsx.sheets import COUNT_FORMAT, write_table

WAN_FORMAT = "#,##0.0000"  # 万元 to four decimals, as the county writes its summaries
PERCENT_FORMAT = "0.00"
SOURCES_SHEET = "数据来源"
OUTSIDE_TOWNSHIPS = "未归入乡镇"  # the row of what a county total counts but no township row does (remainder)
UNSIGNED = ("目录", SOURCES_SHEET)  # sheets that are no report of their own carry no sign-off lines
KIND_NAMES = {"schools": "学校名单", "registry": "国扶办建档立卡数据", "roll": "学籍名册", "away": "县外就读名单",
              "payments": "资助发放名册", "helpers": "帮扶责任人", "pairings": "结对关系", "activities": "六个一帮扶记录",
              "oversight": "包保责任", "population": "户籍适龄儿童", "dropouts": "辍学台账",
              "population_counts": "户籍人口分年龄汇总", "school_stats": "教育事业统计", "pair_assign": "结对推荐写入",
              "collab_plan": "扶贫协作计划", "collab_targets": "扶贫协作年度目标", "collab_record": "扶贫协作记录",
              "tasks": "工作任务清单", "school_tasks": "学校工作任务清单"}


def wan(fen: int) -> Decimal:
    """分 → 万元, rounded half-up to four decimals (to the 元): 19,248,125 分 → 19.2481."""
    return (Decimal(int(fen)) / 1_000_000).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator * 100) / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def wan_column(fens: Sequence[int]) -> list[Decimal]:
    """万元 for each amount, the last being their total, so that the rounded rows add up to the rounded total: the
    rounding difference (a few 元 at most) goes to the largest row, as 尾差 is settled in a financial statement."""
    rows, total = [wan(f) for f in fens[:-1]], wan(fens[-1])
    gap = total - sum(rows, Decimal(0))
    if gap and rows:
        largest = max(range(len(rows)), key=lambda i: abs(fens[i]))
        rows[largest] += gap
    return [*rows, total]


@dataclass
class Table:
    """One sheet of a report: a titled table, number formats by column, and optionally a chart over it."""

    sheet: str
    title: str
    headers: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)  # 0-based column -> number format
    chart: object | None = None  # charts.ChartSpec
    text_columns: Sequence[int] = ()


def write(ws: Worksheet, table: Table) -> int:
    """Write the table; returns the header row (1-based), so a chart can point at the cells."""
    write_table(ws, table.headers, table.rows, title=table.title, notes=table.notes, text_columns=table.text_columns)
    header_row = 1 + (1 if table.title else 0) + len(table.notes)
    for column, number_format in table.formats.items():
        for row in range(header_row + 1, header_row + 1 + len(table.rows)):
            cell = ws.cell(row, column + 1)
            if isinstance(cell.value, int | float | Decimal) and not isinstance(cell.value, bool):
                cell.number_format = number_format
    return header_row


def as_of_table(*, title: str, as_of: datetime, snapshot: bool, ledger_name: str, batches: list[dict],
                generated: datetime, extra: Sequence[str] = ()) -> Table:
    how = ("台账在截至时间之后有新的导入或记录：本表按截至时间的台账重建（之后导入的批次、变更和命令记录都不计入）"
           if snapshot else "截至时间之后台账没有变化：本表直接读取台账")
    notes = [f"数据截至：{as_of:%Y-%m-%d %H:%M:%S}", how, f"台账：{ledger_name}",
             f"生成时间：{generated:%Y-%m-%d %H:%M:%S}", *extra,
             f"用到的导入批次（{len(batches)} 个，数据日期在截至时间之前的全部批次；补录的批次按导入时给的数据日期计）："]
    rows = [[b["id"], b["file_name"], KIND_NAMES.get(b["kind"], b["kind"]), b["sheet"], b["term"],
             b["effective_at"].strftime("%Y-%m-%d %H:%M:%S"), b["imported_at"].strftime("%Y-%m-%d %H:%M:%S"),
             b["rows"], b["new"], b["changed"]] for b in batches]
    return Table(SOURCES_SHEET, title,
                 ["批次", "文件", "类型", "工作表", "学期", "数据日期", "导入时间", "行数", "新增", "变更"], rows,
                 notes=notes, formats={7: COUNT_FORMAT, 8: COUNT_FORMAT, 9: COUNT_FORMAT})

