"""The blank import template a clerk fills in: an instructions sheet, then the data sheet our importer reads back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Connection, select

from jiaoyu_fupin.core.policy import Policy, load_policy
from jiaoyu_fupin.core.problems import column_letter
from jiaoyu_fupin.importers.columns import KINDS, Column, Kind
from jiaoyu_fupin.store.models import Program
from jiaoyu_fupin.xlsx import pages
from jiaoyu_fupin.xlsx.workbook import display_width, save_workbook

INSTRUCTIONS_SHEET = "填写说明"
# Rows prepared as Text and covered by dropdowns; a county's largest file (the roll) stays well under this.
PREPARED_ROWS = 5000
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
# Excel refuses an inline list longer than this; longer choice lists would need a lookup sheet.
MAX_LIST_FORMULA = 255
_FORM_ROWS = 25  # ruled rows of the data sheet's printed page

# What one row stands for, so the "one row per ..." rule reads right for files that are not about students.
_ROW_UNIT = {
    "schools": "一所学校",
    "registry": "一名建档立卡人员",
    "payments": "一名学生的一笔资助发放",
    "helpers": "一名帮扶责任人",
    "pairings": "一对结对帮扶关系",
    "activities": "一条帮扶记录（六个一中的一项）",
    "oversight": "一项包保责任（一名责任人对一个乡镇、学校、年级或班级）",
    "population": "一名适龄儿童",
    "population_counts": "一个乡镇一个出生年份（或年月）的人数",
    "school_stats": "一所学校一个学年（分年级时为一个年级）的人数",
    "collab_plan": "计划中的一项培训（一批跟岗培训或一项专家培训）",
    "collab_targets": "一项年度目标",
    "collab_record": "一次协作活动（一次支教或挂职、一个培训班、一期跟岗培训、一笔捐助、一个援建项目）",
    "tasks": "一项工作任务",
    "school_tasks": "一个一级指标（格中 1. 2. 3. 每一点是一项任务）",
}
# What a row's numbers mean, for the tables of head counts: the rates are only as right as this reading.
_KIND_RULES = {
    "population_counts": (
        "出生年份写 2013；知道出生月份的写 2013-09：年龄按 8 月 31 日计算，9 月至 12 月出生的孩子小一岁。",
        "同一乡镇同一出生年份只写一行（分男女时每个性别一行）；统计年度写这份汇总是哪一年的。",
    ),
    "school_stats": (
        "学年写成 2018-2019学年（也可只写 2018，表示 2018 年秋季开始的学年）。",
        "招生数、在校生数是该学年秋季开学时的人数；毕业生数是该学年末（次年夏季）毕业的人数；"
        "转入、转出是该学年内转入、转出的人数。分年级填写时，转入、转出按学生当时所在的年级填写。",
        "算九年义务教育巩固率需要九年前的小学一年级招生数、当年的初中毕业生数，以及这一届学生每年的转入、转出。",
    ),
}
_DATE_FIELDS = {"birth_date", "paid_on", "start_date", "end_date", "visit_date", "activity_date"}
_MONTH_FIELDS = {"left_month"}






def _meaning(column: Column) -> str:
    notes = [column.title]
    if column.text:
        notes.append("按文本填写，不能变成数字")
    if column.field in _DATE_FIELDS:
        notes.append("日期，写成 2019-09-01 的形式")
    elif column.field in _MONTH_FIELDS:
        notes.append("年月，写成 2019-10 的形式")
    elif column.field == "amount":
        notes.append("以元为单位，只写数字")
    elif column.field == "term":
        notes.append("写成 2019秋 或 2020春")
    return "；".join(notes)


def _rules(kind: Kind) -> list[str]:
    fields = {c.field for c in kind.columns}
    text_headers = "、".join(f"“{c.aliases[0]}”" for c in kind.columns if c.text)
    rules = ["第一行的列名不要修改；加粗并带底色的列是必填列，其余列可以留空。"]
    if text_headers:  # tables of head counts have no number that Excel could damage
        rules.append(f"{text_headers}列已设为文本格式，请直接输入；从别的表格复制过来时请用“选择性粘贴→数值”。"
                     "不要让 Excel 把这些号码变成数字（例如显示成 4.22822E+17）：那样后几位已经丢失，只能重新输入。")
    if fields & (_DATE_FIELDS | _MONTH_FIELDS):
        months = "（年月写成 2019-10）" if fields & _MONTH_FIELDS else ""
        rules.append(f"日期写成 2019-09-01 的形式{months}，不要写成 2019.9.1 或 2019年9月1日。")
    if "amount" in fields:
        rules.append("金额以元为单位，只写数字，例如 312.5，不要加“元”字。")
    if "term" in fields:
        rules.append("学期写成 2019秋 或 2020春。")
    if any(c.choices for c in kind.columns):
        rules.append("带下拉框的列请从下拉列表中选择。")
    rules.extend(_KIND_RULES.get(kind.name, ()))
    rules.append(f"每行填写{_ROW_UNIT.get(kind.name, '一名学生')}；不要合并单元格，不要插入小计、合计或空行。")
    rules.append(f"数据从“{kind.title}”工作表的第 2 行开始填写；“{INSTRUCTIONS_SHEET}”工作表不会被导入，可以保留。")
    return rules


def _write_instructions(ws, kind: Kind) -> None:
    ws.append([f"{kind.title}导入模板：填写说明"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"本文件用于向教育扶贫台账导入“{kind.title}”。请在“{kind.title}”工作表中填写。"])
    ws.append([])
    ws.append(["列名", "必填/选填", "含义", "示例", "可选值", "也能识别的列名"])
    header_row = ws.max_row
    for column in kind.columns:
        ws.append([
            column.aliases[0],
            "必填" if column.required else "选填",
            _meaning(column),
            column.example,
            "、".join(column.choices),
            "、".join(column.aliases[1:]),
        ])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row, max_col=2):
        if row[1].value == "必填":
            row[0].font = row[1].font = Font(bold=True)
    pages.box(ws, header_row, ws.max_row, 6)
    ws.append([])
    ws.append(["填写规则"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    widths = (22, 10, 44, 22, 40, 40)
    for number, rule in enumerate(_rules(kind), 1):
        ws.append([f"{number}. {rule}"])
        # A rule runs across the page and wraps there, never past the printed edge.
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(widths))
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[ws.max_row].height = pages.ROW_PT * pages.lines_needed(ws.cell(ws.max_row, 1).value,
                                                                                 sum(widths))
    # Examples such as IDs must show as typed, not as 4.22822E+17, in the instructions too.
    for row in ws.iter_rows(min_row=header_row + 1, max_col=6):
        for cell in row:
            cell.number_format = "@"
    for row in ws.iter_rows(min_row=header_row + 1, max_row=header_row + len(kind.columns), min_col=3, max_col=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    pages.set_up(ws, widths, title_rows=(1, header_row), last_row=ws.max_row)


def _choices_formula(column: Column) -> str:
    if any("," in choice or '"' in choice for choice in column.choices):
        raise ValueError(f"choices of {column.field} cannot go into an inline list: {column.choices}")
    formula = '"' + ",".join(column.choices) + '"'
    if len(formula) > MAX_LIST_FORMULA:
        raise ValueError(f"choices of {column.field} are too long for an inline list ({len(formula)} chars)")
    return formula


def _write_data_sheet(ws, kind: Kind) -> None:
    last = PREPARED_ROWS + 1
    for index, column in enumerate(kind.columns):
        letter = column_letter(index)
        cell = ws.cell(1, index + 1, column.aliases[0])
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column.required:
            # The header text itself stays the bare alias so the filled template re-imports unchanged.
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL
            cell.comment = Comment("必填", "fupin", width=80, height=24)
        widest = max(display_width(column.aliases[0]), display_width(column.example), 8)
        ws.column_dimensions[letter].width = max(widest + 2, 20 if column.text else 0)
        if column.text:
            for row in range(2, last + 1):
                ws.cell(row, index + 1).number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list", formula1=_choices_formula(column), allow_blank=True,
                # A warning, not a stop: the importer checks every value itself and names the bad ones.
                errorStyle="warning", showErrorMessage=True,
                errorTitle="不在可选范围内", error=f"“{column.aliases[0]}”请从下拉列表中选择：{'、'.join(column.choices)}",
            )
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    # Printed, the sheet is a blank form: the header and a page of ruled rows (the 5000 prepared rows stay off it).
    widths = [ws.column_dimensions[column_letter(i)].width for i in range(len(kind.columns))]
    pages.box(ws, 1, 1 + _FORM_ROWS, len(kind.columns))
    pages.set_up(ws, widths, title_rows=(1, 1), last_row=1 + _FORM_ROWS)


def program_names(conn: Connection | None = None, policy: Policy | None = None) -> tuple[str, ...]:
    """The programs a roster may name, for the 资助项目 dropdown: a policy file given now, else the ledger's (what
    its policy installed), else, with no ledger yet, the default policy's."""
    if policy is None and conn is not None and conn.dialect.has_table(conn, Program.__tablename__):
        names = tuple(conn.execute(select(Program.name).order_by(Program.id)).scalars())
        if names:
            return names
    return tuple(p["name"] for p in (policy or load_policy()).programs)


def write_template(kind: str, path: Path, choices: dict[str, tuple[str, ...]] | None = None) -> Path:
    """Write the blank template for `kind` (a key of KINDS) to path, atomically; return the path. `choices` gives
    a column (by field) the values of its dropdown that only the ledger knows, such as program names."""
    if kind not in KINDS:
        names = "、".join(f"{name}（{k.title}）" for name, k in KINDS.items())
        raise ValueError(f"没有“{kind}”这种文件。可用的种类：{names}")
    spec = KINDS[kind]
    # A list too long for Excel's inline dropdown stays off it: the importer checks every value anyway.
    given = {f: tuple(v) for f, v in (choices or {}).items() if v and len(",".join(v)) + 2 <= MAX_LIST_FORMULA}
    spec = replace(spec, columns=tuple(replace(c, choices=given[c.field]) if c.field in given else c
                                       for c in spec.columns))
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    _write_instructions(instructions, spec)
    _write_data_sheet(workbook.create_sheet(spec.title), spec)
    return save_workbook(workbook, path)
