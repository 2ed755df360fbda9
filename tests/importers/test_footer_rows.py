"""The lines under a table (合计, 制表人, 审核人, 填表日期 …) are skipped wherever their text falls, the ID column
included, in .xlsx and .xls; a row that carries a student is never one of them."""

from __future__ import annotations

from datetime import date

import pytest

from helpers.files import make_id, write_xlsx
from helpers.ledger import query

ZHOU = make_id(date(2008, 9, 9), 122)
WEI = make_id(date(2007, 10, 10), 133)
# As county rolls come: 学期 first, the ID in column F.
HEADER = ["学期", "学校名称", "年级", "班级", "姓名", "身份证件号", "就读方式"]
ROWS = [["2019秋", "城关第一小学", "五年级", "1班", "褚十二", ZHOU, "走读"],
        ["2019秋", "城关中学", "七年级", "1班", "卫十三", WEI, "走读"]]


@pytest.mark.parametrize("footer", [
    ["制表人：张三", None, None, None, None, "审核人：李四", None],
    [None, None, None, None, None, "填表日期：2019-10-10", None],
    ["合计", None, None, None, None, "2人", None],
    [None, None, None, None, "合计：2人", "审核人：李四", None],
])
def test_a_footer_with_text_in_the_id_column_is_skipped_in_xlsx(tmp_path, cli, schools, footer):
    path = write_xlsx(tmp_path / "学籍.xlsx", HEADER, [*ROWS, footer], text_columns=(5,))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "2 行，新增 2，变更 0，未变 0" in result.output
    assert "跳过 1 行合计 / 落款行（第 4 行）" in result.output
    assert cli.counts()["enrollments"] == 2


def test_a_footer_with_a_count_in_the_id_column_is_skipped_in_xls(tmp_path, cli, schools):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("学籍")
    for r, row in enumerate([HEADER, *ROWS, ["合计", None, None, None, None, "2人", None],
                             ["制表人：张三", None, None, None, None, "审核人：李四", None]]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    path = tmp_path / "学籍.xls"
    book.save(str(path))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "2 行，新增 2" in result.output
    assert "跳过 2 行合计 / 落款行（第 4, 5 行）" in result.output


def test_rows_with_an_id_are_read_even_when_they_start_with_footer_words(tmp_path, cli, schools):
    rows = [["合计", "城关第一小学", "五年级", "1班", "说明远", ZHOU, "走读"],
            ["2019秋", "城关中学", "七年级", "1班", "制表人", WEI, "审核人：李四"]]
    path = write_xlsx(tmp_path / "学籍.xlsx", ["班级备注", *HEADER[1:]], rows, text_columns=(5,))
    result = cli("import", path, "--term", "2019秋")
    # Both rows carry a valid ID: they are students whatever their other cells say, and the wrong 就读方式 of
    # the second is named, not skipped.
    assert result.exit_code == 1, result.output
    assert "落款行" not in result.output
    assert "第 3 行" in result.output and "就读方式“审核人：李四”无法识别" in result.output


def test_a_student_whose_name_starts_with_footer_words_is_imported(tmp_path, cli, schools):
    rows = [*ROWS, ["2019秋", "城关中学", "七年级", "1班", "说明远", make_id(date(2007, 1, 2), 144), "走读"]]
    path = write_xlsx(tmp_path / "学籍.xlsx", ["说明", *HEADER[1:]], rows, text_columns=(5,))
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert "3 行，新增 3" in result.output and "落款行" not in result.output
    assert ("说明远",) in query(cli.db, "SELECT name FROM students")


def test_a_helper_whose_first_cell_is_a_footer_word_is_read_by_the_staff_number(tmp_path, cli, schools):
    """A staff number of 1–9 digits was taken for a footer's head count (5人), so a helper row whose first cell is
    校长 or 负责人 (a 职务 column first) was dropped as a 落款行."""
    path = write_xlsx(tmp_path / "帮扶责任人.xlsx", ["职务", "姓名", "教职工号", "工作单位"], [
        ["校长", "张三", "1001", "城关中学"], ["教师", "李四", "1002", "城关中学"]])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "落款行" not in result.output and "2 行，新增 2" in result.output
    assert sorted(query(cli.db, "SELECT name FROM helpers")) == [("张三",), ("李四",)]
