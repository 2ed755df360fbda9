"""The screen never shows an ID number whole outside the ID column, whatever the ledger holds: a name that is an ID
(imported before such names were refused) is masked in every table, in `student show` and in `find --json`."""

from __future__ import annotations

import re
from datetime import date

from helpers.files import make_id, write_xlsx
from helpers.ledger import execute

CHILD = make_id(date(2008, 6, 6), 701)
MASKED = CHILD[:6] + "*" * 8 + CHILD[-4:]


def _full_ids(text: str) -> list[str]:
    return re.findall(r"(?<!\d)\d{17}[\dX](?![\dX])", text)


def test_the_screen_never_shows_an_id_number_in_a_name(cli, schools, tmp_path):
    roll = write_xlsx(tmp_path / "学籍.xlsx", ["姓名", "身份证件号", "学校名称", "年级", "就读方式", "家庭经济困难类别", "学期"],
                      [["杨十五", CHILD, "城关第一小学", "五年级", "走读", "低保", "2019秋"]])
    assert cli("import", roll).exit_code == 0
    execute(cli.db, ("UPDATE students SET name = ? WHERE id_number = ?", (CHILD, CHILD)))
    found = cli("student", "find", CHILD[:4])
    assert found.exit_code == 0, found.output
    assert MASKED in found.output and _full_ids(found.output) == [], found.output
    check = cli("subsidy", "check", "--term", "2019秋")
    assert check.exit_code == 1, check.output  # nothing paid: the entitled student is a finding
    assert MASKED in check.output and _full_ids(check.output) == [], check.output
    shown = cli("student", "show", CHILD)
    assert shown.exit_code == 0, shown.output
    assert MASKED in shown.output and _full_ids(shown.output) == [], shown.output
    listed = cli("student", "find", CHILD[:4], "--json")
    assert MASKED in listed.stdout and _full_ids(listed.stdout) == [], listed.stdout
