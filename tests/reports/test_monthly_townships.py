"""A township is the same township however a list spaces it: a case whose child's 户籍 list writes 东 乡 belongs to
the 东乡 sheet of the 月报, as `dropout list --township 东乡` finds it (core/names.py)."""

from __future__ import annotations

from datetime import date

import openpyxl

from conftest import sheet_values
from helpers.county_files import Child, imported, write_county


def _lines(ws) -> dict[tuple[str, str], object]:
    rows = sheet_values(ws)
    start = rows.index(["类别", "项目", "人数（笔数、件数）", "金额（元）", "说明"]) + 1
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return {(r[0], r[1]): r[2] for r in rows[start:end]}


def test_a_case_counts_in_its_township_whatever_the_spaces(cli, tmp_path):
    kids = [Child("李小花", date(2011, 3, 3), "东　乡", poor=True),  # not on any roll: a case is opened
            Child("赵在校", date(2010, 1, 1), "东乡", school="A小学", grade="四年级")]
    imported(cli, write_county(tmp_path / "files", kids))
    assert cli("dropout", "scan", "--term", "2019秋", "--date", "2019-10-08").exit_code == 1
    listed = cli("dropout", "list", "--township", "东乡")
    assert listed.exit_code == 0 and "李小花" in listed.stdout
    (tmp_path / "月报").mkdir()
    (tmp_path / "明细").mkdir()
    result = cli("report", "monthly", "--month", "2019-10", "--out", "月报", "--details", "明细", "-q")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "月报" / "月报_2019-10.xlsx")
    assert _lines(wb["全县"])[("控辍保学", "本月新立案")] == 1
    assert _lines(wb["东乡"])[("控辍保学", "本月新立案")] == 1
    assert _lines(wb["西乡"])[("控辍保学", "本月新立案")] == 0
    # The details file it under the same township, so the 东乡 sheet's figure has its list behind it.
    details = openpyxl.load_workbook(next((tmp_path / "明细").glob("*.xlsx")))
    rows = sheet_values(details["辍学案件明细"])
    header = next(r for r in rows if r and r[0] == "归属乡镇")
    assert [r[0] for r in rows[rows.index(header) + 1:] if r and r[0] and len(r) > 2] == ["东乡"]
