"""The year-end summary as a workbook: a contents sheet, one sheet per table in the summary's order, native
charts under the tables they draw, and the as-of sheet last."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from jiaoyu_fupin.reports import book, charts
from jiaoyu_fupin.reports.summary import YearSummary
from jiaoyu_fupin.xlsx.sheets import save_workbook, sign


def tables(summary: YearSummary, generated: datetime) -> list[book.Table]:
    cut = f"数据截至 {summary.as_of:%Y-%m-%d %H:%M}（见“数据来源”页）"
    body = [book.Table(t.sheet, t.title, t.headers, t.rows, [cut, *t.notes], t.formats, t.chart, t.text_columns)
            for t in summary.tables]
    contents = book.Table("目录", summary.title, ["序号", "工作表", "内容"],
                          [[i, t.sheet, t.title] for i, t in enumerate(body, start=1)],
                          notes=[cut, "各表数字均取自台账；台账不记录的项目在表中写明"])
    source = book.as_of_table(title=f"{summary.title}：数据来源", as_of=summary.as_of, snapshot=summary.snapshot,
                              ledger_name=summary.ledger_name, batches=summary.batches, generated=generated)
    return [contents, *body, source]


def write_summary(summary: YearSummary, path: Path, *, generated: datetime | None = None, sign_off=None) -> Path:
    """`sign_off` (settings.SignOff): the lines each table's page ends with, as a report sent upward does."""
    generated = generated or datetime.now()
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables(summary, generated):
        ws = wb.create_sheet(table.sheet)
        header_row = book.write(ws, table)
        if table.sheet not in book.UNSIGNED:  # the lines sign the table: right under it, the chart below them
            sign(ws, sign_off, generated.date())
        if table.chart is not None:
            charts.add_chart(ws, table.chart, header_row, len(table.rows))
    return save_workbook(wb, path)
