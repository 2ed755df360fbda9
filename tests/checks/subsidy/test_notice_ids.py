"""A ledger that holds an ID number as a name (imported before such names were refused): the public notice and the
screen still never show it whole."""

from __future__ import annotations

import re
import stat
from datetime import date

import openpyxl

from helpers.files import make_id, write_xlsx
from helpers.ledger import execute

CHILD = make_id(date(2008, 6, 6), 701)
MASKED = CHILD[:6] + "*" * 8 + CHILD[-4:]
HEADER = ["姓名", "身份证件号", "学校名称", "年级", "就读方式", "家庭经济困难类别", "学期"]


def _full_ids(text: str) -> list[str]:
    return re.findall(r"(?<!\d)\d{17}[\dX](?![\dX])", text)


def _ledger_with_an_id_for_a_name(cli, tmp_path):
    path = write_xlsx(tmp_path / "学籍.xlsx", HEADER, [["杨十五", CHILD, "城关第一小学", "五年级", "走读", "低保", "2019秋"]])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    execute(cli.db, ("UPDATE students SET name = ? WHERE id_number = ?", (CHILD, CHILD)))


def test_the_notice_never_holds_an_id_number(cli, schools, tmp_path):
    _ledger_with_an_id_for_a_name(cli, tmp_path)
    out = tmp_path / "公示.xlsx"
    result = cli("subsidy", "notice", "--term", "2019秋", "--school", "城关第一小学", "--out", out)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) & 0o044  # posted: readable by others, so it must hold no ID
    cells = [str(c) for ws in openpyxl.load_workbook(out) for row in ws.iter_rows(values_only=True) for c in row
             if c is not None]
    assert MASKED in cells and _full_ids(" ".join(cells)) == []

