"""The workbook a refused import hands back: golden layout, red cells on exactly the problems, text kept as text."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from helpers.golden import assert_matches_golden
from jiaoyu_fupin.core.problems import Problem
from jiaoyu_fupin.importers.error_workbook import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    SUMMARY_SHEET,
    SUMMARY_TITLE,
    ErrorSheet,
    write_error_workbook,
)
from jiaoyu_fupin.xlsx.workbook import unique_sheet_title

ROLL = "2019秋学籍名册.xlsx"
CSV = "资助发放.csv"
DUPLICATE_ID = "422822200803151234"


def problem(file, sheet, row, column, letter, value, message, code="x"):
    return Problem(code, message, f"处理：{message}", file, sheet, row, column, letter, value)


def sample_sheets() -> list[ErrorSheet]:
    # Given out of order on purpose: the workbook sorts by file, then row.
    csv = ErrorSheet(
        CSV, None, ["姓名", "身份证号码", "资助项目", "资助金额"],
        {4: ["=SUM(A1)", "42282220050101123X", "不存在的项目", "312.5"],
         2: ["王五", "422822200501011234", "营养餐", "三百元"]},
        [
            problem(CSV, None, 4, "资助项目", None, "不存在的项目", "资助项目“不存在的项目”不在政策里", "program"),
            problem(CSV, None, 4, "姓名", "A", "=SUM(A1)", "姓名不能是公式", "name"),
            problem(CSV, None, 2, "资助金额", "D", "三百元", "资助金额“三百元”不是数字", "amount"),
        ],
    )
    roll = ErrorSheet(
        ROLL, "Sheet1", ["姓名", "身份证号", "学校名称", "学籍状态"],
        {3: ["张小明", "4.22822E+17", "城关第一小学", "在校"],
         5: ["李小红", DUPLICATE_ID, "城关第一小学", "在校"],
         9: ["李晓红", DUPLICATE_ID, "城关中学", "在读"]},
        [
            problem(ROLL, "Sheet1", 9, "身份证号", "B", "422822********1234", "身份证号与第 5 行重复", "dup"),
            problem(ROLL, "Sheet1", 9, "学籍状态", "D", "在读", "学籍状态“在读”不认识", "status"),
            problem(ROLL, "Sheet1", 5, "身份证号", "B", "422822********1234", "身份证号与第 9 行重复", "dup"),
            problem(ROLL, "Sheet1", 3, "身份证号", "B", "4.22822E+17", "身份证号被 Excel 变成了数字", "id"),
            problem(ROLL, "Sheet1", None, "年级", None, None, "缺少必填列“年级”", "missing"),
        ],
    )
    return [csv, roll]


def red(cell) -> bool:
    return cell.fill.fill_type == "solid" and str(cell.fill.fgColor.rgb).endswith("FFC7CE")


def filled(ws) -> set[tuple[str, str]]:
    """Red cells as (source row number or "header", header text): independent of where columns landed."""
    headers = [c.value for c in ws[HEADER_ROW]]
    found = set()
    for row in ws.iter_rows(min_row=HEADER_ROW):
        for cell in row:
            if red(cell):
                where = "header" if cell.row == HEADER_ROW else ws.cell(cell.row, 1).value
                found.add((where, headers[cell.column - 1]))
    return found


def describe(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        values = [[c.value for c in row] for row in ws.iter_rows()]
        for row in values:
            while row and row[-1] is None:
                row.pop()
        red_cells = sorted(c.coordinate for row in ws.iter_rows() for c in row if red(c))
        sheets.append({"title": ws.title, "freeze_panes": ws.freeze_panes, "values": values, "red": red_cells})
    return {"sheets": sheets}


@pytest.fixture
def workbook(tmp_path):
    return openpyxl.load_workbook(write_error_workbook(tmp_path / "问题.xlsx", sample_sheets()))


def test_error_workbook_matches_golden(tmp_path):
    path = write_error_workbook(tmp_path / "问题.xlsx", sample_sheets())
    assert_matches_golden("error_workbook", describe(path))


def test_sheets_are_the_summary_then_one_per_file_in_file_order(workbook):
    assert workbook.sheetnames == [SUMMARY_SHEET, "2019秋学籍名册", "资助发放"]
    assert workbook[SUMMARY_SHEET]["A1"].value == SUMMARY_TITLE


def test_summary_lists_every_problem_sorted_by_file_then_row(workbook):
    ws = workbook[SUMMARY_SHEET]
    assert [c.value for c in ws[3]] == ["文件", "工作表", "行号", "列", "错误的值", "问题", "处理办法"]
    listed = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=4)]
    expected = [(p.file, p.row or "（整个文件）", p.message) for s in sample_sheets() for p in s.problems]
    assert len(listed) == len(expected) and {(r[0], r[2], r[5]) for r in listed} == set(expected)
    assert [(r[0], r[2]) for r in listed] == [
        (ROLL, "（整个文件）"), (ROLL, 3), (ROLL, 5), (ROLL, 9), (ROLL, 9), (CSV, 2), (CSV, 4), (CSV, 4)]
    assert [r[3] for r in listed[-2:]] == ["姓名（A列）", "资助项目"]  # by column within a row
    assert listed[1][3] == "身份证号（B列）" and listed[1][6] == "处理：身份证号被 Excel 变成了数字"
    assert all(r[1] is None for r in listed if r[0] == CSV)


def test_red_fill_is_on_exactly_the_problem_cells(workbook):
    assert filled(workbook["2019秋学籍名册"]) == {("3", "身份证号"), ("5", "身份证号"), ("9", "身份证号"),
                                                  ("9", "学籍状态")}
    # The CSV's program problem names its column by header text only, the name problem by letter only.
    assert filled(workbook["资助发放"]) == {("2", "资助金额"), ("4", "资助项目"), ("4", "姓名")}
    assert not any(red(c) for row in workbook[SUMMARY_SHEET].iter_rows() for c in row)


def test_file_sheet_rows_keep_original_text_and_join_messages(workbook):
    ws = workbook["2019秋学籍名册"]
    assert ws["A1"].value == "文件：2019秋学籍名册.xlsx；工作表：Sheet1。整个文件的问题：缺少必填列“年级”"
    assert [c.value for c in ws[HEADER_ROW]] == ["原行号", "姓名", "身份证号", "学校名称", "学籍状态", "错误说明"]
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
    rows = {r[0]: r for r in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)}
    assert list(rows) == ["3", "5", "9"]
    assert rows["9"][5] == "身份证号与第 5 行重复；学籍状态“在读”不认识"
    id_cell = ws.cell(FIRST_DATA_ROW + 1, 3)
    assert id_cell.value == DUPLICATE_ID and isinstance(id_cell.value, str) and len(id_cell.value) == 18
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    for row in ws.iter_rows(min_row=HEADER_ROW):
        for cell in row:
            if cell.value is not None:
                assert isinstance(cell.value, str) and cell.number_format == "@", cell.coordinate


def test_formula_looking_text_and_control_characters_stay_plain_text(tmp_path):
    sheet = ErrorSheet("a.csv", None, ["姓名", "备注"], {2: ["=HYPERLINK(\"x\")", "#N/A\x01"]},
                       [problem("a.csv", None, 2, "姓名", "A", None, "姓名不对")])
    ws = openpyxl.load_workbook(write_error_workbook(tmp_path / "e.xlsx", [sheet]))["a"]
    assert ws.cell(FIRST_DATA_ROW, 2).data_type == "s" and ws.cell(FIRST_DATA_ROW, 2).value == "=HYPERLINK(\"x\")"
    assert ws.cell(FIRST_DATA_ROW, 3).value == "#N/A\ufffd"


def test_rows_wider_than_the_header_and_problems_without_row_data(tmp_path):
    sheet = ErrorSheet("b.xlsx", "表1", ["姓名"], {2: ["张三", "多出来的"]},
                       [problem("b.xlsx", "表1", 2, None, "B", "多出来的", "这一格没有列名"),
                        problem("b.xlsx", "表1", 7, "姓名", "A", None, "姓名为空")])
    ws = openpyxl.load_workbook(write_error_workbook(tmp_path / "e.xlsx", [sheet]))["b"]
    assert [c.value for c in ws[HEADER_ROW]] == ["原行号", "姓名", "（B列）", "错误说明"]
    assert filled(ws) == {("2", "（B列）"), ("7", "姓名")}
    assert [r[0] for r in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)] == ["2", "7"]


def test_same_file_twice_gets_sheet_names_from_its_sheets(tmp_path):
    sheets = [ErrorSheet("名册.xlsx", name, ["姓名"], {2: ["甲"]}, [problem("名册.xlsx", name, 2, "姓名", "A", "甲", "错")])
              for name in ("初中", "小学")]
    wb = openpyxl.load_workbook(write_error_workbook(tmp_path / "e.xlsx", sheets))
    assert wb.sheetnames == [SUMMARY_SHEET, "名册-初中", "名册-小学"]


def test_unique_sheet_title_makes_valid_distinct_titles():
    taken = {SUMMARY_SHEET.lower()}
    assert unique_sheet_title("问题汇总", taken) == "问题汇总(2)"
    assert unique_sheet_title("a[1]:b*?/c\\d", taken) == "a_1__b___c_d"
    long = "城关镇中心学校2019年秋季学期学籍名册（第一批次补录）核对版本"
    first = unique_sheet_title(long, taken)
    second = unique_sheet_title(long, taken)
    assert len(first) == 31 and len(second) == 31 and second.endswith("(2)") and first != second
    assert unique_sheet_title("SHEET", taken) == "SHEET" and unique_sheet_title("sheet", taken) == "sheet(2)"
    assert unique_sheet_title("'']", taken) == "_"
    assert unique_sheet_title("", taken) == "文件"
    assert unique_sheet_title("History", taken) == "History(2)"


def test_no_problems_still_writes_a_summary(tmp_path):
    wb = openpyxl.load_workbook(write_error_workbook(tmp_path / "e.xlsx", []))
    assert wb.sheetnames == [SUMMARY_SHEET]


def test_every_sheet_prints_by_the_rules(workbook):
    from jiaoyu_fupin.xlsx import pages

    assert {ws.title: pages.problems(ws) for ws in workbook.worksheets if pages.problems(ws)} == {}
