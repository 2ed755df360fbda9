"""The dropout cases of the year summary and the monthly report: each counts the cases of its period, not those opened
later (a scan run when the report is written)."""

from __future__ import annotations

from datetime import date

import openpyxl

from helpers.files import make_id, write_xlsx
from helpers.ledger import execute

ROLL = ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态", "家庭经济困难类别", "学期"]
A, B = make_id(date(2007, 3, 1), 21), make_id(date(2007, 1, 2), 22)


def _case(number: int, id_number: str, name: str, opened: str) -> list[tuple[str, tuple]]:
    return [("INSERT INTO dropout_cases (id, id_number, name, origin, status, opened_on) VALUES (?, ?, ?, 'scan', 'open', ?)",
             (number, id_number, name, opened)),
            ("INSERT INTO dropout_events (case_id, action, happened_on, term, recorded_at) VALUES (?, 'opened', ?, ?, ?)",
             (number, opened, "2019秋", opened + " 08:00:00"))]


def _two_pupils(cli, folder) -> None:
    roll = write_xlsx(folder / "学籍.xlsx", ROLL, [
        ["甲", A, "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"],
        ["乙", B, "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"]])
    assert cli("import", roll).exit_code == 0


def test_cases_opened_after_the_year_are_not_the_years(cli, schools, tmp_path):
    _two_pupils(cli, tmp_path)
    # One case opened in the year and still open; one opened years later (a scan run when the report is written).
    execute(cli.db, *_case(1, A, "甲", "2019-10-10"), *_case(2, B, "乙", "2026-12-03"))
    result = cli("report", "summary", "--year", "2019", "--out", "总结.xlsx", "--narrative", "总结.md", "-q")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "总结.md").read_text(encoding="utf-8")
    assert "2019年共排查立案失学辍学案件1件，劝返复学0件，送教上门0件，截至出稿时仍有1件未销号。" in text
    ws = openpyxl.load_workbook(tmp_path / "总结.xlsx")["辍学案件"]
    rows = {row[0]: row for row in ws.iter_rows(values_only=True) if row and row[0] == "合计"}
    assert rows["合计"][1:6] == (1, 0, 0, 0, 1)


def test_the_cases_list_behind_the_figures_holds_the_years_cases_only(cli, schools, tmp_path):
    _two_pupils(cli, tmp_path)
    execute(cli.db, *_case(1, A, "甲", "2019-10-10"), *_case(2, B, "乙", "2026-12-03"))
    result = cli("report", "summary", "--year", "2019", "--details", tmp_path, "-q")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "明细_总结_2019.xlsx")
    sheet = next(ws for ws in book.worksheets if "案件" in ws.title)
    numbers = [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert numbers == [1]
    index = [row for row in book["索引"].iter_rows(values_only=True)]
    still_open = next(r for r in index if r[:3] == ("辍学案件", "合计", "未销号"))
    assert still_open[3] == 1 and still_open[6] == 1  # the figure and the count of its list agree


def test_monthly_still_open_counts_the_months_cases_only(cli, schools, tmp_path):
    _two_pupils(cli, tmp_path)
    execute(cli.db, *_case(1, A, "甲", "2019-10-10"), *_case(2, B, "乙", "2019-12-05"))
    result = cli("report", "monthly", "--month", "2019-11", "--details", tmp_path, "-q")
    assert result.exit_code == 0, result.output
    county = openpyxl.load_workbook(tmp_path / "月报_2019-11.xlsx")["全县"]
    line = next(r for r in county.iter_rows(values_only=True) if r[:2] == ("控辍保学", "未销号案件"))
    assert line[2] == 1 and line[4] == "本月底前已立案、截至本月报的时间仍未销号"
    book = openpyxl.load_workbook(tmp_path / "明细_月报_2019-11.xlsx")
    sheet = next(ws for ws in book.worksheets if "案件" in ws.title)
    assert [row[2] for row in sheet.iter_rows(values_only=True) if isinstance(row[2], int)] == [1]  # 案件编号
