"""The progress workbook of `fupin collab progress --out`: targets, plan rows (overdue in red), by kind, office, month."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import DataBarRule
from openpyxl.styles import Font, PatternFill

from jiaoyu_fupin.checks.collab.progress import OVERDUE, Progress
from jiaoyu_fupin.xlsx.sheets import save_workbook, write_table

RED = PatternFill("solid", fgColor="FFC7CE")


def _sheet(wb: Workbook, name: str, title: str, headers: list[str], rows: list[list], notes: list[str]):
    ws = wb.create_sheet(name)
    write_table(ws, headers, rows, title=title, notes=notes)
    return ws, 2 + len(notes)


def write_progress(path: Path, p: Progress, county: str = "") -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    cut = f"截至 {p.as_of:%Y年%m月%d日}"
    rows = [[t["item"], t["unit"], t["target"], t["actual"], t["percent"], "达到" if t["met"] else "未达到", t["meaning"]]
            for t in p.targets]
    ws, header = _sheet(wb, "年度目标", f"{county}{p.year}年东西部扶贫协作目标完成情况",
                        ["目标项目", "单位", "年度目标", "已完成", "完成率（%）", "是否达到", "计算口径"], rows,
                        [cut, "完成数只计东西部协作记录；完成率后的横条为进度条"])
    if rows:
        ws.conditional_formatting.add(f"E{header + 1}:E{header + len(rows)}", DataBarRule(
            start_type="num", start_value=0, end_type="num", end_value=100, color="63BE7B", showValue=True))
    rows = [[pl.kind, pl.project, "、".join(pl.offices), pl.period, pl.planned_people, pl.records, pl.people,
             pl.person_times, pl.status] for pl in p.plans]
    ws, header = _sheet(wb, "计划执行", f"{county}{p.year}年扶贫协作计划执行情况（按计划项目）",
                        ["类别", "对象或项目", "责任股室", "计划时间", "计划人数", "已开展（次）", "实际人数", "受益人次", "状态"],
                        rows, [cut, "逾期未开展：计划月份已过、台账中还没有对应的记录（红色）"])
    for i, pl in enumerate(p.plans):
        if pl.status == OVERDUE:
            for j in range(1, 10):
                ws.cell(header + 1 + i, j).fill = RED
            ws.cell(header + 1 + i, 9).font = Font(bold=True, color="9C0006")
    rows = [[r["scope"], r["kind"], r["records"], r["people"], r["person_times"], r["amount"], r["schools"]]
            for r in p.by_kind]
    _sheet(wb, "按类型", f"{county}{p.year}年扶贫协作开展情况（按类型）",
           ["协作类别", "类型", "记录（次）", "人数", "受益人次", "金额（元）", "涉及学校（所）"], rows, [cut])
    rows = [[o["office"], o["plans"], o["done"], o["overdue"], o["pending"], o["planned_people"], o["people"]]
            for o in p.by_office]
    _sheet(wb, "按股室", f"{county}{p.year}年扶贫协作计划执行情况（按责任股室）",
           ["责任股室", "计划项目", "已开展", "逾期未开展", "未到期", "计划人数（上限）", "实际人数"], rows,
           [cut, "一个计划项目有几个责任股室时每个股室都计"])
    rows = [[f"{m['month']}月", m["planned"], m["records"], m["people"], m["person_times"], m["amount"]]
            for m in p.by_month]
    _sheet(wb, "按月份", f"{county}{p.year}年扶贫协作开展情况（按月份）",
           ["月份", "计划项目", "记录（次）", "人数", "受益人次", "金额（元）"], rows,
           [cut, "计划项目：计划时间含该月的项目数"])
    return save_workbook(wb, path)
