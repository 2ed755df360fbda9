"""The files clerks send, built for a test: workbooks laid out as counties make them, valid ID numbers, a few
schools and a roll."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from jiaoyu_fupin.core.idnumber import check_char


def make_id(birth: date, seq: int = 1, region: str = "422822") -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def write_xlsx(path: Path, header: list, rows: list[list], *, sheet: str = "Sheet1", above: list[list] = (),
               before_sheets: list[str] = (), text_columns: tuple[int, ...] = ()) -> Path:
    """A workbook as clerks make them: optional instruction sheets first, optional title lines above the header."""
    wb = openpyxl.Workbook()
    first = wb.active
    for i, name in enumerate(before_sheets):
        ws = first if i == 0 else wb.create_sheet(name)
        ws.title = name
        ws["A1"] = "填表说明：请在下一个工作表填写"
    ws = wb.create_sheet(sheet) if before_sheets else first
    ws.title = sheet
    for line in above:
        ws.append(line)
    ws.append(header)
    for row in rows:
        ws.append(row)
    for col in text_columns:
        for cells in ws.iter_rows(min_col=col + 1, max_col=col + 1):
            for cell in cells:
                cell.number_format = "@"
    wb.save(path)
    return path


SCHOOL_HEADER = ["学校标识码", "学校名称", "学校类型", "所在乡镇", "办别"]
SCHOOL_ROWS = [
    ["3452000001", "城关第一小学", "小学", "城关镇", "公办"],
    ["3452000002", "城关中学", "初中", "城关镇", "公办"],
    ["3452000003", "县第一高级中学", "普通高中", "城关镇", "公办"],
    ["3452000004", "县职业教育中心", "中职", "城关镇", "公办"],
    ["3452000005", "城关幼儿园", "幼儿园", "城关镇", "公办"],
]


ROLL_HEADER = ["姓名", "性别", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态"]


def roll_rows() -> list[list]:
    return [
        ["张小明", "男", make_id(date(2007, 3, 15), 11), "城关中学", "初中", "七年级", "1班", "走读", "在校"],
        ["李小红", "女", make_id(date(2006, 5, 2), 22), "城关中学", "初中", "八年级", "2班", "住校", "在校"],
        ["王小刚", "男", make_id(date(2012, 1, 9), 31), "城关第一小学", "小学", "二年级", "1班", "走读", "在校"],
    ]
