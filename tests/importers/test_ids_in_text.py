"""An ID number where a name or another value belongs: refused in a name column, and never shown whole, neither on
screen nor in the error workbook, whichever column it was typed into."""

from __future__ import annotations

import re
from datetime import date

import openpyxl

from helpers.files import ROLL_HEADER, make_id, roll_rows, write_xlsx

CHILD = make_id(date(2008, 6, 6), 701)
MASKED = CHILD[:6] + "*" * 8 + CHILD[-4:]


def _full_ids(text: str) -> list[str]:
    return re.findall(r"(?<!\d)\d{17}[\dX](?![\dX])", text)


def test_an_id_number_in_the_name_column_is_refused_by_file_sheet_row_and_column(cli, schools, tmp_path):
    rows = roll_rows() + [[CHILD, "女", CHILD, "城关第一小学", "小学", "五年级", "1班", "走读", "在校"]]
    path = write_xlsx(tmp_path / "学籍_2019秋.xlsx", ROLL_HEADER, rows, sheet="五年级")
    before = cli.counts()
    result = cli("import", path, "--term", "2019秋", "--errors", tmp_path / "错误.xlsx")
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "不是姓名" in x)
    assert "文件“学籍_2019秋.xlsx”" in line and "工作表“五年级”" in line and "第 5 行" in line, line
    assert "“姓名”列（A 列）" in line and f"“姓名”填的是身份证号（{MASKED}）" in line, line
    assert "请在这一列填写姓名，身份证号填到“身份证件号”列" in result.output
    assert "姓名列填了身份证号 1 个" in result.output
    assert CHILD not in result.output
    assert cli.counts() == before
    summary = openpyxl.load_workbook(tmp_path / "错误.xlsx")["问题汇总"]
    texts = " ".join(str(c) for row in summary.iter_rows(values_only=True) for c in row if c is not None)
    assert MASKED in texts and CHILD not in texts


def test_an_id_inside_a_guardian_name_is_refused_too(cli, schools, tmp_path):
    header = ["学生姓名", "身份证号码", "就读学校", "辍学年月", "家长(或监护人)姓名"]
    path = write_xlsx(tmp_path / "辍学台账.xlsx", header,
                      [["张小明", make_id(date(2007, 3, 15), 11), "城关中学", "2019-10", f"张大山{CHILD}"]])
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 1, result.output
    assert f"“家长（或监护人）姓名”里有身份证号（张大山{MASKED}），不是姓名" in result.output, result.output
    assert CHILD not in result.output


def test_an_id_typed_into_other_columns_is_masked_in_every_message(cli, schools, tmp_path):
    roll = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER + ["学期"], [r + ["2019秋"] for r in roll_rows()])
    assert cli("import", roll).exit_code == 0
    student = roll_rows()[0][2]
    header = ["姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]
    rows = [["张小明", student, CHILD, 625, "2019秋", "2019-10-20"],
            ["张小明", student, "义务教育寄宿生生活补助", 625, CHILD, "2019-10-20"],
            ["张小明", student, "义务教育寄宿生生活补助", 625, "2019秋", CHILD],
            ["张小明", student, f"城关中学 {CHILD}", 625, "2019秋", "2019-10-20"]]
    path = tmp_path / "idleak.csv"
    path.write_text("\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n", encoding="gbk")
    out = tmp_path / "错误.xlsx"
    result = cli("import", path, "--dry-run", "--errors", out)
    assert result.exit_code == 1, result.output
    assert _full_ids(result.output) == [], result.output
    assert result.output.count(MASKED) >= 4, result.output
    book = openpyxl.load_workbook(out)
    summary = [c for row in book["问题汇总"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert _full_ids(" ".join(summary)) == [] and MASKED in " ".join(summary)
    # The rows to correct are copied whole for the clerk (the workbook is readable by its owner only).
    messages = [c for row in book.worksheets[1].iter_rows(values_only=True) for c in row[-1:] if isinstance(c, str)]
    assert messages and _full_ids(" ".join(messages)) == []


def test_an_id_in_a_header_is_masked_in_the_report(cli, schools, tmp_path):
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER + [f"备用{CHILD}"], [r + [None] for r in roll_rows()])
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert f"未使用的列：备用{MASKED}" in result.output and CHILD not in result.output


def test_a_helpers_id_in_the_name_column_points_to_the_helpers_id_column(cli, schools, tmp_path):
    helper = make_id(date(1975, 3, 15), 123)
    path = write_xlsx(tmp_path / "帮扶责任人.xlsx", ["身份证号", "姓名", "工作单位", "职务"],
                      [[helper, helper, "城关中学", "教师"]])
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "“姓名”填的是身份证号（422822********" in result.output and helper not in result.output
    assert "身份证号填到“身份证号”列" in result.output
