"""A 特殊教育 school runs 一年级…九年级: its 七年级 is grade 7, not the 初中's grade 1, on the roll and in the oversight
chain; and an import's row count always adds up (rows = new + changed + unchanged + merged repeats)."""

from __future__ import annotations

from datetime import date

from helpers.files import make_id, write_xlsx
from helpers.ledger import query
from helpers.pairing_ledger import OVERSIGHT_HEADER, PairingCounty

SPECIAL = "县特殊教育学校"


def _county(cli, tmp_path):
    PairingCounty(oversight=[]).load(cli, tmp_path / "in")
    schools = write_xlsx(tmp_path / "特教.xlsx", ["学校标识码", "学校名称", "学校类型", "所在乡镇"],
                         [["3452000009", SPECIAL, "特殊教育", "城关镇"]])
    result = cli("import", schools)
    assert result.exit_code == 0, result.output


def test_grades_seven_to_nine_of_a_special_school_stay_seven_to_nine_on_the_roll(cli, tmp_path):
    _county(cli, tmp_path)
    roll = write_xlsx(tmp_path / "特教学籍.xlsx", ["姓名", "身份证件号", "学校名称", "年级", "学期"], [
        ["特一", make_id(date(2010, 3, 1), 71), SPECIAL, "一年级", "2019秋"],
        ["特七", make_id(date(2005, 3, 1), 77), SPECIAL, "七年级", "2019秋"],
        ["特九", make_id(date(2003, 3, 1), 79), SPECIAL, "九年级", "2019秋"],
    ], text_columns=(1,))
    result = cli("import", roll)
    assert result.exit_code == 0, result.output
    assert query(cli.db, "SELECT s.name, e.stage, e.grade FROM enrollments e JOIN students s ON s.id = e.student_id"
                         " WHERE e.school_name = ? ORDER BY e.grade", (SPECIAL,)) == [
        ("特一", "特殊教育", 1), ("特七", "特殊教育", 7), ("特九", "特殊教育", 9)]


def test_a_special_school_class_in_grade_seven_is_not_the_one_in_grade_one(cli, tmp_path):
    _county(cli, tmp_path)
    path = write_xlsx(tmp_path / "包保.xlsx", OVERSIGHT_HEADER, [
        ["T0001", "班级", None, SPECIAL, grade, "1班", "2019秋"]
        for grade in ("一年级", "二年级", "三年级", "七年级", "八年级", "九年级")])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "→ 包保责任，学期 2019秋：6 行，新增 6，变更 0，未变 0" in result.output
    assert query(cli.db, "SELECT grade FROM oversight ORDER BY grade") == [(1,), (2,), (3,), (7,), (8,), (9,)]


def test_repeated_oversight_rows_are_counted_and_named_on_screen(cli, tmp_path):
    _county(cli, tmp_path)
    row = ["L0001", "班级", None, "城关中学", "七年级", "1班", "2019秋"]
    path = write_xlsx(tmp_path / "包保.xlsx", OVERSIGHT_HEADER, [row, list(row), list(row)])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "3 行，新增 1，变更 0，未变 0，合并重复 2" in result.output
    assert ("合并 2 行重复的包保（同一责任人、同一乡镇 / 学校 / 班级、同一学期）（第 3 行同第 2 行，第 4 行同第 2 行）"
            in result.output)
    assert cli.counts()["oversight"] == 1
