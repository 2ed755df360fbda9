"""The wall chart (挂图作战): one printable sheet by office, one by 一级指标, the full list with overdue in red, and
the schools' sheet for their own list. Progress is a native data bar over each row's completion rate."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import DataBarRule
from openpyxl.styles import Alignment, Font, PatternFill

from jiaoyu_fupin.checks.tasks.board import DONE, OVERDUE, Row, tally
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.tasks import CHECKS
from jiaoyu_fupin.xlsx.sheets import save_workbook, write_table

RED = PatternFill("solid", fgColor="FFC7CE")
RED_FONT = Font(color="9C0006")
GREEN = PatternFill("solid", fgColor="C6EFCE")
HEADERS = ["任务数", "已完成", "未完成（未到期）", "逾期", "完成率（%）"]


def rate(done: int, total: int) -> Decimal:
    return (Decimal(done * 100) / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if total else Decimal(0)


def _summary_sheet(wb: Workbook, name: str, title: str, first: str, groups: dict, as_of: date, note: str) -> None:
    ws = wb.create_sheet(name)
    rows = [[g, t["total"], t["done"], t["open"], t["overdue"], rate(t["done"], t["total"])] for g, t in groups.items()]
    total = {k: sum(t[k] for t in groups.values()) for k in ("total", "done", "open", "overdue")}
    rows.append(["合计", total["total"], total["done"], total["open"], total["overdue"], rate(total["done"], total["total"])])
    notes = [f"截至 {as_of:%Y年%m月%d日}；{note}", "逾期：完成时限已过仍未销号（红色）；完成率后的横条为进度条"]
    write_table(ws, [first, *HEADERS], rows, title=title, notes=notes)
    header_row = 2 + len(notes)
    first_row, last_row = header_row + 1, header_row + len(rows)
    for r in range(first_row, last_row + 1):
        ws.cell(r, 6).number_format = "0.0"
        if ws.cell(r, 5).value:
            ws.cell(r, 5).fill, ws.cell(r, 5).font = RED, RED_FONT
    ws.conditional_formatting.add(f"F{first_row}:F{last_row}", DataBarRule(
        start_type="num", start_value=0, end_type="num", end_value=100, color="63BE7B", showValue=True))
    ws.column_dimensions["F"].width = 24
    ws.cell(last_row, 1).font = Font(bold=True)


def _list_sheet(wb: Workbook, rows: list[Row], as_of: date, title: str) -> None:
    ws = wb.create_sheet("任务清单")
    headers = ["编号", "一级指标", "二级指标", "工作任务", "牵头股室", "配合股室", "完成时限", "状态", "销号日期", "完成依据",
               "台账核对"]
    data = [[r.number, r.area, r.item, r.content, r.lead_office, r.supporting_offices,
             r.deadline.isoformat() if r.deadline else "", r.state, r.done_on.isoformat() if r.done_on else "", r.evidence,
             CHECKS[r.check_name].title if r.check_name in CHECKS else ""] for r in rows]
    notes = [f"截至 {as_of:%Y年%m月%d日}；共 {len(rows)} 项，已完成 {sum(r.state == DONE for r in rows)} 项，"
             f"逾期 {sum(r.state == OVERDUE for r in rows)} 项（红色）"]
    write_table(ws, headers, data, title=title, notes=notes)
    top = 4
    for i, r in enumerate(rows):
        ws.cell(top + i, 4).alignment = Alignment(wrap_text=True, vertical="top")
        fill = RED if r.state == OVERDUE else GREEN if r.state == DONE else None
        if fill:
            for j in range(1, len(headers) + 1):
                ws.cell(top + i, j).fill = fill
    ws.column_dimensions["D"].width = 60


def _school_sheet(wb: Workbook, rows: list[Row], as_of: date) -> None:
    """Schools down, the schools' 一级指标 across: done of due per school, and each school's rate with a bar."""
    levels = list(dict.fromkeys(r.area for r in rows))
    by_school: dict[str, dict] = {}
    for r in rows:
        s = by_school.setdefault(r.school, {lv: [0, 0] for lv in levels} | {"overdue": 0})
        s[r.area][1] += 1
        s[r.area][0] += r.state == DONE
        s["overdue"] += r.state == OVERDUE
    data = []
    for school, s in by_school.items():
        done, total = sum(s[lv][0] for lv in levels), sum(s[lv][1] for lv in levels)
        data.append([school, *[f"{s[lv][0]}/{s[lv][1]}" for lv in levels], done, total - done, s["overdue"],
                     rate(done, total)])
    ws = wb.create_sheet("学校任务")
    headers = ["学校", *levels, "已完成", "未完成", "逾期", "完成率（%）"]
    write_table(ws, headers, data, title="各学校落实教育扶贫任务清单（附件2）完成情况",
                notes=[f"截至 {as_of:%Y年%m月%d日}；每格为 已完成/任务数；学校在 fupin task done 编号 --school 学校 销号"])
    first, last = 4, 3 + len(data)
    rate_col = len(headers)
    letter = ws.cell(3, rate_col).column_letter
    if data:
        ws.conditional_formatting.add(f"{letter}{first}:{letter}{last}", DataBarRule(
            start_type="num", start_value=0, end_type="num", end_value=100, color="63BE7B", showValue=True))
    for i, row in enumerate(data):
        if row[-2]:
            ws.cell(first + i, rate_col - 1).fill = RED


def write_board(path: Path, rows: list[Row], as_of: date, *, county: str = "") -> Path:
    """The task board; a ledger without task lists has no board (a ClerkError: import them first)."""
    if not rows:
        raise ClerkError("台账中还没有任务清单", "请先用 fupin import 导入局机关任务清单（附件1）或学校任务清单（附件2）")
    bureau = [r for r in rows if r.scope == "bureau"]
    school = [r for r in rows if r.scope == "school"]
    wb = Workbook()
    wb.remove(wb.active)
    by_office = tally(bureau, lambda r: r.offices or ["（未写牵头股室）"])
    _summary_sheet(wb, "按股室", f"{county}教育局教育扶贫任务挂图（按牵头股室）", "牵头股室", by_office, as_of,
                   "一项任务有几个牵头股室时每个股室都计")
    _summary_sheet(wb, "按一级指标", f"{county}教育局教育扶贫任务挂图（按一级指标）", "一级指标",
                   tally(bureau, lambda r: [r.area]), as_of, "局机关任务清单（附件1）")
    _list_sheet(wb, bureau, as_of, f"{county}教育局教育扶贫工作任务清单（动态销号）")
    if school:
        _school_sheet(wb, school, as_of)
    return save_workbook(wb, path)
