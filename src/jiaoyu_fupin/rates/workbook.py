"""The rates as a workbook a clerk prints: the county's indicators, then one row per township or school."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from jiaoyu_fupin.rates.report import GROUPINGS, RatesReport
from jiaoyu_fupin.xlsx.sheets import save_workbook, sign, write_table

HEADERS = ("指标", "分子", "分母", "数值（%）", "目标（%）", "是否达标", "计算公式", "说明")
_MET = {True: "达标", False: "未达标", None: "无法计算"}


def _row(rate) -> list:
    target = f"≤ {rate.spec.target}" if rate.spec.at_most else f"≥ {rate.spec.target}"
    # A number with its two decimals (Excel can chart it), exactly the value printed and in the JSON.
    value = None if rate.value is None else Decimal(rate.value)
    return [rate.spec.name, rate.numerator, rate.denominator, value, target, _MET[rate.met], rate.formula,
            "；".join(rate.all_notes())]


def write_rates(report: RatesReport, path: Path, *, sign_off=None) -> Path:
    """`sign_off` (settings.SignOff): the lines each sheet ends with, as a report sent upward does."""
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    notes = [f"人口数据：{report.population_title}；年龄按 {report.year} 年 8 月 31 日计算；"
             f"生成时间 {datetime.now():%Y-%m-%d %H:%M}", *report.notes]
    write_table(ws, HEADERS, [_row(r) for r in report.rates], title=f"{report.year}年教育扶贫主要指标", notes=notes)
    sign(ws, sign_off, date.today())
    if report.by:
        title = GROUPINGS[report.by]
        rows = [[name, *_row(rate)] for name, rates in report.groups.items() for rate in rates]
        ws = wb.create_sheet(f"按{title}")
        write_table(ws, (title, *HEADERS), rows, title=f"{report.year}年主要指标（按{title}）")
        sign(ws, sign_off, date.today())
    return save_workbook(wb, path)
