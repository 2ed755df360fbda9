"""The check's workbook: summary, findings, overdue details, and 六个一 completion by school, helper and month.

Written in openpyxl's write-only mode: a county where nothing was recorded yet has a quarter of a million overdue
items, and the normal mode would take minutes to hold them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font

from jiaoyu_fupin.checks.pairing.check import KIND_TITLES, CheckResult
from jiaoyu_fupin.core import pairing as rules
from jiaoyu_fupin.core.problems import column_letter
from jiaoyu_fupin.xlsx import pages
from jiaoyu_fupin.xlsx.safe_cells import inert_row
from jiaoyu_fupin.xlsx.sheets import COUNT_FORMAT, remainder
from jiaoyu_fupin.xlsx.workbook import display_width, save_workbook

RULES_TEXT = (
    "判定规则：",
    "1. 建档立卡学生：家庭经济困难类别为建档立卡，或身份证号在国扶办建档立卡数据中；只看本学期在县内学校在籍（转出、毕业除外）的学生。",
    "2. 当前结对：在“结对判断日”（截至日期，限定在本学期之内）有效的结对关系。",
    "3. 责任人已不在学生所在学校：责任人的工作单位与学生本学期就读的学校不同（县教育局等非学校单位的责任人不算）。",
    "4. 六个一按每一对结对关系计：每学期计划、家访、实事、总结各一次，每月帮扶措施、帮扶活动各一次；秋季学期为 9 月至次年 1 月，春季学期为 3 月至 7 月。",
    "5. 每月两项由当月最后一天仍在结对的责任人负责，过了当月最后一天仍无当月记录即为逾期；每学期四项由学期最后一天仍在结对的责任人负责，"
    "过了学期最后一天（1 月 31 日或 7 月 31 日）仍无记录即为逾期；2 月、8 月的记录算作春季学期。",
    "6. 包保缺口：本学期有建档立卡学生的乡镇、学校、班级，没有包保责任人（只写年级不写班级的包保覆盖整个年级）。",
    "本工作簿含完整身份证号，仅供内部核对，不得公示或外传。",
)


def _sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence], *,
           above: Sequence[str] = (), widths: Sequence[int] = (), after: Sequence[str] = ()) -> None:
    """A bordered table under its title lines (the first bold), with `after` lines of text under it, set up to
    print; long text wraps in the columns given a width of 30 or more."""
    ws = wb.create_sheet(title)
    sized = list(widths) or [max(display_width(h) + 2, 10) for h in headers]
    span = len(headers)
    ws.freeze_panes = f"A{len(above) + 2}"
    # Before the first row: a write-only sheet writes its columns and sheet properties out with it.
    pages.set_up(ws, sized, title_rows=(1, len(above) + 1))
    for i, line in enumerate(above):
        _text_row(ws, i + 1, line, sized, bold=i == 0)
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = pages.BORDER
        header.append(cell)
    ws.append(header)
    # One styled cell per column, refilled row by row: write-only rows are written out as they are appended, and a
    # quarter of a million overdue items must not each register a style.
    cells = []
    for width in sized:
        cell = WriteOnlyCell(ws)
        cell.border = pages.BORDER
        cell.number_format = COUNT_FORMAT  # 233,184, not 233184; text is shown as it is
        if width >= 30:
            cell.alignment = pages.WRAP
        cells.append(cell)
    last = len(above) + 1
    for row in rows:
        values = inert_row(ws, row)  # risky text (=…, +…) comes back as a text cell of its own
        out = []
        for i, cell in enumerate(cells[:span]):
            value = values[i] if i < len(values) else None
            if isinstance(value, Cell):  # WriteOnlyCell is a factory of Cells
                value.border = pages.BORDER
                if cell.alignment.wrap_text:
                    value.alignment = pages.WRAP
                out.append(value)
            else:
                cell.value = value
                out.append(cell)
        ws.append(out)
        last += 1
    for line in after:
        last += 1
        _text_row(ws, last, line, sized)
    ws.print_area = f"A1:{column_letter(span - 1)}{last}"


def _text_row(ws, row: int, text: str, widths: Sequence[int], *, bold: bool = False) -> None:
    """A line of text across the table's width (merged), wrapping, as tall as its text needs."""
    cell = WriteOnlyCell(ws, value=text)
    cell.font = Font(bold=True, size=14) if bold else Font()
    cell.alignment = pages.WRAP
    ws.row_dimensions[row].height = pages.ROW_PT * pages.lines_needed(text, sum(widths)) + (6 if bold else 0)
    if len(widths) > 1:
        ws.merged_cells.add(f"A{row}:{column_letter(len(widths) - 1)}{row}")
    ws.append([cell])


def _ratio(done: int, due: int) -> str:
    return f"{done / due:.1%}" if due else "—"


def write_check_workbook(path: Path, result: CheckResult) -> Path:
    s = result.summary
    wb = Workbook(write_only=True)
    scope = s["school"] or "全县"
    head = (f"结对帮扶检查（{s['term']}，{scope}）", f"截至日期 {s['as_of']}；结对判断日 {s['reference_date']}；"
            f"每名责任人最多结对 {s['max_per_helper']} 名学生")
    six = s["six_ones"]
    lines = [
        ("建档立卡在籍学生", s["registered_poor_enrolled"]), ("已结对", s["paired"]), ("未结对", s["unpaired"]),
        ("当前结对关系", s["current_pairings"]), ("有结对的责任人", s["helpers_with_pairings"]),
        ("六个一应做（项）", six["due"]), ("六个一已做", six["done"]), ("六个一逾期", six["overdue"]),
        ("六个一未到期", six["pending"]), ("六个一完成率", _ratio(six["done"], six["due"])),
        *((f"问题：{KIND_TITLES[k]}", n) for k, n in s["findings"].items()),
        *((f"包保缺口：{rules.LEVELS[k]}", n) for k, n in s["oversight_gaps"].items()),
    ]
    _sheet(wb, "汇总", ("项目", "数量"), lines, above=head, widths=(44, 14), after=("", *RULES_TEXT))

    _sheet(wb, "问题清单", ("类别", "乡镇", "学校", "对象", "身份证号或工号", "说明"),
           (_finding_row(f) for f in result.findings), widths=(22, 12, 24, 28, 22, 60))
    overdue = [(f["name"], f["helper_id"], f["school"], i["student_name"], i["id_number"], i["item"],
                i["month"] or s["term"], i["deadline"]) for f in result.findings if f["kind"] == "six_ones_overdue"
               for i in f["items"]]
    _sheet(wb, "六个一逾期明细", ("责任人", "身份证号或工号", "工作单位", "学生", "学生身份证号", "项目", "月份或学期",
                                "应完成日期"), overdue, widths=(12, 22, 24, 12, 22, 10, 12, 12))
    schools = [[r["township"], r["school"], r["registered_poor_enrolled"], r["paired"], r["unpaired"], r["helpers"],
                r["six_ones_due"], r["six_ones_done"], r["six_ones_overdue"], r["six_ones_pending"],
                _ratio(r["six_ones_done"], r["six_ones_due"]), r["oversight_gaps"]] for r in result.by_school]
    total = ["合计", None, s["registered_poor_enrolled"], s["paired"], s["unpaired"], s["helpers_with_pairings"],
             six["due"], six["done"], six["overdue"], six["pending"], _ratio(six["done"], six["due"]),
             sum(s["oversight_gaps"].values())]
    # Helpers at the bureau and gaps of a whole township belong to no school: a row of their own keeps the sum.
    rest = remainder(schools, total, "（不属于任何学校）")
    _sheet(wb, "按学校", ("乡镇", "学校", "建档立卡在籍", "已结对", "未结对", "责任人", "六个一应做", "已做", "逾期",
                         "未到期", "完成率", "包保缺口"), [*schools, *([rest] if rest else []), total],
           widths=(12, 24, 12, 8, 8, 8, 10, 8, 8, 8, 8, 8))
    item_headers = [f"{rules.LABELS[i]}（已做/应做）" for i in rules.ITEMS]
    _sheet(wb, "按责任人", ("工作单位", "责任人", "身份证号或工号", "职务", "结对学生", "应做", "已做", "逾期", "未到期",
                           *item_headers),
           ((r["school"], r["name"], r["helper_id"], r["role"], r["students"], r["due"], r["done"], r["overdue"],
             r["pending"], *(f"{t['done']}/{t['due']}" for t in r["by_item"].values())) for r in result.by_helper),
           widths=(24, 12, 22, 10, 8, 6, 6, 6, 8, *(18,) * len(item_headers)))
    month_headers = [f"{rules.LABELS[i]}{k}" for i in rules.MONTHLY_ITEMS for k in ("应做", "已做", "逾期", "未到期")]
    _sheet(wb, "按月份", ("工作单位", "月份", *month_headers),
           ((r["school"], r["month"], *(r[rules.LABELS[i]][k] for i in rules.MONTHLY_ITEMS
                                        for k in ("due", "done", "overdue", "pending"))) for r in result.by_month),
           widths=(24, 10, *(14,) * len(month_headers)))
    return save_workbook(wb, path, private=True)


def _finding_row(f: dict) -> tuple:
    kind = f["kind"]
    title = KIND_TITLES[kind]
    if kind == "unpaired":
        return (title, None, f["school"], f"{f['name']}（{f['grade']}{f['class_name'] or ''}）", f["id_number"],
                f"建档立卡学生，学籍状态“{f['status']}”，本学期没有帮扶责任人")
    if kind == "helper_left_school":
        return (title, None, f["school"], f"{f['name']}（责任人）", f["helper_id"],
                f"学生{f['student_name']}（{f['id_number']}）在{f['school']}就读，责任人在{f['helper_school']}工作")
    if kind == "overloaded":
        return (title, None, f["school"], f"{f['name']}（责任人）", f["helper_id"],
                f"当前结对 {f['pairings']} 名学生，超过上限 {f['limit']} 名")
    if kind == "six_ones_overdue":
        return (title, None, f["school"], f"{f['name']}（责任人）", f["helper_id"],
                f"逾期 {f['overdue']} 项，见“六个一逾期明细”")
    return (title, f["township"], f["school"], f"{f['level_name']}：{f['place']}", None, "没有包保责任人")
