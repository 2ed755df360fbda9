"""Registered poor from the roll's own column (是否建档立卡贫困户, 贫困户属性) and the one rule with the registry."""

from __future__ import annotations

import json
from datetime import date

import pytest

from helpers.files import SCHOOL_HEADER, make_id, write_xlsx

HEADER = ["姓名", "身份证件号", "学校名称", "学段", "年级", "就读方式", "是否建档立卡贫困户", "贫困户属性", "学期"]
OTHER_COUNTY = make_id(date(2007, 3, 3), 31, region="422801")  # another county: in no registry file of ours
LISTED = make_id(date(2007, 4, 4), 41)
PLAIN = make_id(date(2007, 5, 5), 51)
LOW = make_id(date(2007, 6, 6), 61)


def _files(tmp_path, rows):
    schools = write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, [["3452000002", "城关中学", "初中", "城关镇", "公办"]])
    roll = write_xlsx(tmp_path / "学籍.xlsx", HEADER, rows, text_columns=(1,))
    registry = write_xlsx(tmp_path / "国扶办.xlsx", ["身份证号", "姓名", "户编号", "乡镇"], [[LISTED, "乙", "H001", "城关镇"]],
                          text_columns=(0, 2))
    return [schools, roll, registry]


ROWS = [
    ["甲", OTHER_COUNTY, "城关中学", "初中", "七年级", "走读", "是", "", "2019秋"],
    # The roll says 否, the county's registry lists the student: the registry decides.
    ["乙", LISTED, "城关中学", "初中", "七年级", "走读", "否", "", "2019秋"],
    ["丙", PLAIN, "城关中学", "初中", "七年级", "走读", "否", "", "2019秋"],
    ["丁", LOW, "城关中学", "初中", "七年级", "走读", "", "纯低保户", "2019秋"],
]


def _build_poor_ledger(cli, folder):
    result = cli("import", *_files(folder, ROWS))
    assert result.exit_code == 0, result.output


@pytest.fixture
def poor_ledger(prebuilt, cli):
    """The ledger above, built once, copied into each test's."""
    prebuilt("registered_poor", _build_poor_ledger)
    return cli


def test_the_roll_s_column_is_used_not_listed_as_unused(cli, tmp_path):
    result = cli("import", *_files(tmp_path, ROWS))
    assert result.exit_code == 0, result.output
    roll_line = next(i for i, line in enumerate(result.output.splitlines()) if line.startswith("学籍.xlsx"))
    following = result.output.splitlines()[roll_line + 1]
    assert "是否建档立卡贫困户" not in following and "贫困户属性" not in following
    # Where the roll and the registry differ, the clerk is told which way the rule took them.
    assert "1 名学生学籍写明是建档立卡户、但不在台账的国扶办名单中（多为外县户籍）" in result.output
    assert "1 名学生学籍写“否”、但国扶办名单中有：以国扶办名单为准" in result.output


def test_check_counts_the_roll_s_registered_poor_and_the_registry_s(poor_ledger):
    result = poor_ledger("subsidy", "check", "--term", "2019秋", "--json")
    doc = json.loads(result.stdout)
    missing = sorted((f["name"], f["program"], f["expected"]) for f in doc["findings"] if f["kind"] == "missing")
    # 甲 (another county, roll says 是), 乙 (registry, roll says 否) and 丁 (纯低保户: 低保) are owed 312.5; 丙 nothing.
    assert missing == [("丁", "义务教育非寄宿生生活补助", "312.5"), ("乙", "义务教育非寄宿生生活补助", "312.5"),
                       ("甲", "义务教育非寄宿生生活补助", "312.5")]


def test_pairing_counts_the_same_registered_poor(poor_ledger):
    doc = json.loads(poor_ledger("pair", "check", "--term", "2019秋", "--json", "--as-of", "2019-12-01").stdout)
    assert doc["summary"]["registered_poor_enrolled"] == 2  # 甲 and 乙; 丁 is 低保, not registered


def test_a_row_that_says_no_and_registered_poor_is_refused(cli, tmp_path):
    rows = [["戊", PLAIN, "城关中学", "初中", "七年级", "走读", "否", "一般贫困户", "2019秋"]]
    result = cli("import", *_files(tmp_path, rows))
    assert result.exit_code == 1
    assert "第 2 行" in result.output and "是否建档立卡贫困户为“否”" in result.output


def test_one_rule_in_sql_and_in_python():
    import pandas as pd

    from jiaoyu_fupin.core.poverty import is_registered, registered_mask

    cases = [(None, None, None, False), (7, None, False, True), (None, "registered_poor", None, True),
             (None, "subsistence_allowance", True, True), (None, None, False, False)]
    frame = pd.DataFrame([c[:3] for c in cases], columns=["household_id", "family_category", "roll_registered"],
                         dtype=object)
    assert list(registered_mask(frame)) == [c[3] for c in cases]
    assert [is_registered(*c[:3]) for c in cases] == [c[3] for c in cases]


def test_student_show_says_which_part_of_the_rule_counts(poor_ledger):
    other = poor_ledger("student", "show", OTHER_COUNTY).output
    assert "学籍中的是否建档立卡贫困户：是" in other and "按建档立卡学生计（学籍中写明是建档立卡户）" in other
    listed = poor_ledger("student", "show", LISTED).output
    assert "学籍中的是否建档立卡贫困户：否" in listed and "按建档立卡学生计（国扶办名单中有此人）" in listed
    plain = poor_ledger("student", "show", PLAIN).output
    assert "不是建档立卡学生" in plain
