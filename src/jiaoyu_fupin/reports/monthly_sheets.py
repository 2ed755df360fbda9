"""The monthly report as a workbook: the county's sheet, a table of the townships, a sheet per township (or the one
school's sheet), and the sheet stating the data's as-of time and batches."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from jiaoyu_fupin.core.files import require_folder
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.reports import book
from jiaoyu_fupin.reports.monthly import Block, MonthlyReport
from jiaoyu_fupin.xlsx.sheets import MONEY_FORMAT, remainder, save_workbook, sign
from jiaoyu_fupin.xlsx.workbook import unique_sheet_title

HEADERS = ["类别", "项目", "人数（笔数、件数）", "金额（元）", "说明"]
TOWNSHIP_HEADERS = ["乡镇", "建档立卡在籍", "比上月新增", "比上月减少", "本月发放笔数", "本月发放金额（元）",
                    "资助核对问题", "本月新立案", "本月劝返复学", "未销号案件", "未结对", "本月六个一逾期"]
_FIGURES = ("poor", "new", "removed", "payments", "amount", "findings", "opened", "returned", "open_cases",
            "unpaired", "overdue_month")


def file_name(report: MonthlyReport) -> str:
    """月报_2019-11.xlsx; a school's own report carries its name: 月报_2019-11_城关中学.xlsx."""
    return f"月报_{report.month.label}" + (f"_{report.school}" if report.school else "") + ".xlsx"


def require_out_folder(out_dir: Path) -> None:
    """--out of the monthly report is a folder that exists (the file is named by the month): --out 月报.xlsx used to
    become a folder named 月报.xlsx with the workbook inside it."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ClerkError(f"--out 应是文件夹，“{out_dir}”是一个文件", "月报的文件名自动取为 月报_年-月.xlsx")
    if not out_dir.exists() and out_dir.suffix:  # 月报.xlsx names a file: never made into a folder
        raise ClerkError(f"--out 的文件夹“{out_dir}”不存在", "--out 写文件夹，月报的文件名自动取为 月报_年-月.xlsx")
    require_folder(out_dir, "月报")


def tables(report: MonthlyReport, generated: datetime) -> list[book.Table]:
    cut = f"数据截至 {report.as_of:%Y-%m-%d %H:%M}；学期 {report.term}"
    out = []
    if report.county is not None:
        out.append(_block_table(report.county, report, cut))
        rows = [[b.name, *[b.figures[k] for k in _FIGURES]] for b in report.blocks]
        total = ["全县合计", *[report.county.figures[k] for k in _FIGURES]]
        rows += [r for r in (remainder(rows, total, book.OUTSIDE_TOWNSHIPS), total) if r]
        notes = [cut, "发放、核对问题、辍学案件中无法确定学校或乡镇的（如名册外人员，且名册上的学校不在学校名单中）"
                      f"计入“{book.OUTSIDE_TOWNSHIPS}”"]
        out.append(book.Table("乡镇汇总", f"{report.title}（各乡镇汇总）", TOWNSHIP_HEADERS, rows, notes=notes,
                              formats={5: MONEY_FORMAT}))
    out += [_block_table(b, report, cut) for b in report.blocks]
    out.append(book.as_of_table(title=f"{report.title}：数据来源", as_of=report.as_of, snapshot=report.snapshot,
                                ledger_name=report.ledger_name, batches=report.batches, generated=generated,
                                extra=_previous(report) + report.notes))
    return out


def _previous(report: MonthlyReport) -> list[str]:
    if report.previous_as_of is None:
        return []
    return [f"比上月新增、减少：与 {report.previous_as_of:%Y-%m-%d %H:%M:%S}（截至时间前推一个月）时台账中的"
            f" {report.previous_term} 学籍比较"]


def _block_table(block: Block, report: MonthlyReport, cut: str) -> book.Table:
    where = {"county": "全县", "township": block.name, "school": block.name}[block.level]
    rows = [[line.group, line.item, line.count, line.amount, line.note] for line in block.lines]
    sheet = "全县" if block.level == "county" else block.name  # made a valid, unique title when written
    return book.Table(sheet, f"{report.title}（{where}）", HEADERS, rows, notes=[cut, *report.notes])


def write_monthly(report: MonthlyReport, path: Path, *, generated: datetime | None = None, sign_off=None) -> Path:
    """`sign_off` (settings.SignOff): the lines each sheet but the sources ends with, as a report sent upward."""
    generated = generated or datetime.now()
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in tables(report, generated):
        # A township or school named 城关/东区 or [一]校 would be refused as a sheet title as it is.
        ws = wb.create_sheet(unique_sheet_title(table.sheet, taken))
        book.write(ws, table)
        if table.sheet not in book.UNSIGNED:
            sign(ws, sign_off, generated.date())
    return save_workbook(wb, path)
