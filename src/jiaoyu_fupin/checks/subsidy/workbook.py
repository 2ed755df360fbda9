"""The coverage check as a workbook: a summary, a table by school, one sheet per finding kind, the letters list."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from jiaoyu_fupin.checks.subsidy.model import KIND_TITLES, KINDS, CoverageReport, yuan
from jiaoyu_fupin.xlsx.sheets import remainder, save_workbook, write_table

INTERNAL = "内部核对用：含身份证号，不得公示、不得外传。"
_FINDING_HEADERS = ["序号", "身份证号", "姓名", "乡镇", "学校", "年级", "班级", "资助项目", "标准金额（元）",
                    "实发金额（元）", "说明", "发放名册出处"]
_SUMMARY_HEADERS = ["资助项目", "应助人次", "应发金额（元）", "实发笔数", "实发金额（元）", "问题条数"]
_SCHOOL_HEADERS = ["乡镇", "学校", "应助学生数", "应发金额（元）", "实发笔数", "实发金额（元）", "问题条数"]


def _title(term) -> str:
    return f"{term.year}年{term.season_name}季学期"


def _money(text: str | None):
    """An amount as a number Excel can add up; "500或1000" (several standards apply) stays text."""
    if text is None:
        return None
    return text if "或" in text else Decimal(text)


def write_check_workbook(report: CoverageReport, path: Path, *, ledger_name: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    counts = report.counts()
    notes = [f"范围：{report.scope.label}    生成时间：{datetime.now():%Y-%m-%d %H:%M}    台账：{ledger_name}", INTERNAL,
             "问题：" + "，".join(f"{KIND_TITLES[k]} {counts[k]} 条" for k in KINDS)
             + f"；县外就读建档立卡学生 {len(report.out_of_county)} 人（见“县外就读（发函）”）"]
    if report.boarding_unknown:
        notes.append(f"注意：{report.boarding_unknown} 名义务教育在校学生学籍中“就读方式”为空，无法判断寄宿或非寄宿生活补助，"
                     "请在学籍中补填后重新导入。")
    rows = [[line.key, line.entitled, yuan(line.expected), line.paid_count, yuan(line.paid), line.findings]
            for line in report.by_program]
    rows.append(["合计", report.total("entitled"), yuan(report.total("expected")), report.total("paid_count"),
                 yuan(report.total("paid")), len(report.findings)])
    write_table(ws, _SUMMARY_HEADERS, rows, title=f"{_title(report.term)} 学生资助发放核对汇总", notes=notes)

    ws = wb.create_sheet("按学校")
    rows = [[line.township, line.key, line.entitled, yuan(line.expected), line.paid_count, yuan(line.paid),
             line.findings] for line in report.by_school]
    total = ["合计", None, report.entitled_students, yuan(report.total("expected")), report.total("paid_count"),
             yuan(report.total("paid")), len(report.findings)]
    rest = remainder(rows, total, "（学校不明）")  # 名册外人员 whose roster names no school of the list …
    write_table(ws, _SCHOOL_HEADERS, [*rows, *([rest] if rest else []), total],
                title=f"{_title(report.term)} 学生资助发放核对（按学校）", notes=[INTERNAL])

    for kind in KINDS:
        found = [f for f in report.findings if f.kind == kind]
        ws = wb.create_sheet(KIND_TITLES[kind].split("（")[0])
        write_table(ws, _FINDING_HEADERS,
                    [[i, f.id_number, f.name, f.township, f.school, f.grade, f.class_name, f.program,
                      _money(f.expected), _money(f.paid), f.detail, f.source] for i, f in enumerate(found, start=1)],
                    title=f"{_title(report.term)} {KIND_TITLES[kind]}（{len(found)} 条）", notes=[INTERNAL],
                    text_columns=[1])

    ws = wb.create_sheet("县外就读（发函）")
    write_table(ws, ["序号", "身份证号", "姓名", "就读地", "就读学校", "学段", "年级"],
                [[i, a.id_number, a.name, a.place, a.school, a.stage, a.grade]
                 for i, a in enumerate(report.out_of_county, start=1)],
                title=f"{_title(report.term)} 县外就读建档立卡学生（按就读地，供发函）", notes=[INTERNAL],
                text_columns=[1])
    return save_workbook(wb, path, private=True)
