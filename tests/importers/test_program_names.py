"""Program names as rosters write them: shared names decided per row from that term's roll, refused only when the
roll cannot decide; the fee waivers have standards; a county file adds its own names and a school's own fee."""

from __future__ import annotations

import pytest

from helpers.files import write_xlsx
from helpers.subsidy_ledger import PAY, check, kinds, ledger, paid, student

ROLL = [
    student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡"),
    student("B", "乙", "城关第一小学", "小学", "二年级", "住校", "建档立卡"),
    student("C", "丙", "县第一高级中学", "普通高中", "高一", "住校", "建档立卡"),
    student("D", "丁", "县职业教育中心", "中职", "一年级", "住校", "建档立卡"),
]


@pytest.mark.parametrize("name", ["家庭经济困难学生生活补助", "义务教育家庭经济困难学生生活补助", "一补", "生活补助",
                                  "义务教育阶段家庭经济困难学生生活补助"])
def test_living_aid_by_its_shared_name_follows_the_roll_s_boarding(cli, tmp_path, name):
    ledger(cli, tmp_path, ROLL, [paid("A", "甲", name, "312.5"), paid("B", "乙", name, "500", school="城关第一小学")])
    code, doc = check(cli)
    # 甲 (走读, 初中) and 乙 (住校, 小学) are paid the right program at the right amount: no finding names them.
    assert code == 1 and not [f for f in doc["findings"] if f["name"] in ("甲", "乙")]
    paid_by = {p["program"]: p["payments"] for p in doc["summary"]["by_program"]}
    assert paid_by["义务教育非寄宿生生活补助"] == 1 and paid_by["义务教育寄宿生生活补助"] == 1


@pytest.mark.parametrize("name, senior, vocational", [
    ("国家助学金", "普通高中国家助学金", "中职国家助学金"),
    ("免学费", "普通高中免学费", "中职免学费"),
    ("免除学费", "普通高中免学费", "中职免学费"),
])
def test_grant_and_fee_waiver_follow_the_roll_s_stage(cli, tmp_path, name, senior, vocational):
    amounts = {"国家助学金": ("1500", "1000"), "免学费": ("755", "1200"), "免除学费": ("755", "1200")}[name]
    ledger(cli, tmp_path, ROLL, [paid("C", "丙", name, amounts[0], school="县第一高级中学"),
                                 paid("D", "丁", name, amounts[1], school="县职业教育中心")])
    _, doc = check(cli)
    # The two rows are the right programs at the right amounts: no finding names them.
    assert not [f for f in doc["findings"] if f["program"] in (senior, vocational)]
    paid_by = {p["program"]: p["payments"] for p in doc["summary"]["by_program"]}
    assert paid_by[senior] == 1 and paid_by[vocational] == 1


def test_national_system_full_names_are_understood(cli, tmp_path):
    ledger(cli, tmp_path, ROLL, [paid("C", "丙", "普通高中国家助学金", "1500", school="县第一高级中学"),
                                 paid("D", "丁", "中等职业教育国家助学金", "1000", school="县职业教育中心"),
                                 paid("D", "丁", "中等职业教育免学费", "1200", school="县职业教育中心"),
                                 paid("C", "丙", "普通高中免学费", "755", school="县第一高级中学")])
    _, doc = check(cli)
    assert [k for k in kinds(doc) if k[1] in ("丙", "丁")] == [("missing", "丁", "雨露计划")]


@pytest.mark.parametrize("roll, name, message", [
    # Not on the roll that term.
    ([], "国家助学金", "台账中没有该生 2019秋 的学籍"),
    # On the roll, 就读方式 empty: boarding or not cannot be told.
    ([student("A", "甲", "城关中学", "初中", "七年级", "", "建档立卡")], "一补", "就读方式为空"),
    # On the roll at a stage none of the name's programs is for.
    ([student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")], "国家助学金", "都不发给初中学生"),
])
def test_a_shared_name_the_roll_cannot_decide_is_refused_by_row(cli, tmp_path, roll, name, message):
    ledger(cli, tmp_path, [*roll, student("B", "乙", "城关第一小学", "小学", "二年级", "住校", "建档立卡")], [])
    roster = write_xlsx(tmp_path / "名册.xlsx", PAY, [paid("A", "甲", name, "100")])
    result = cli("import", roster)
    assert result.exit_code == 1
    assert "文件“名册.xlsx”，工作表“Sheet1”，第 2 行，“资助项目”列（D 列）：" in result.output
    assert message in result.output and cli.counts()["payments"] == 0


def test_roll_and_roster_in_one_command_decide_together(cli, tmp_path):
    ledger(cli, tmp_path, [student("B", "乙", "城关第一小学", "小学", "二年级", "住校", "建档立卡")], [])
    roll = write_xlsx(tmp_path / "学籍2.xlsx", ["姓名", "身份证件号", "学校名称", "学段", "年级", "就读方式", "家庭经济困难类别",
                                              "学期"], [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")[:5]
                                                       + ["走读", "建档立卡", "2019秋"]])
    roster = write_xlsx(tmp_path / "名册.xlsx", PAY, [paid("A", "甲", "一补", "312.5")])
    result = cli("import", roster, roll)
    assert result.exit_code == 0, result.output
    assert "按学籍确定资助项目：“一补”→ 义务教育非寄宿生生活补助 1 行" in result.output


def test_county_file_adds_names_and_a_school_s_own_fee(cli, tmp_path):
    policy = tmp_path / "本县.toml"
    policy.write_text('extends = "default"\n\n[names]\n"高中助学金（一档）" = "senior_grant"\n'
                      '"两免" = ["senior_tuition_waiver", "vocational_tuition_waiver"]\n\n'
                      '[[standard]]\nprogram = "senior_tuition_waiver"\nstage = "普通高中"\ncategories = ["registered_poor"]\n'
                      'amount = "755"\nterm_from = "2019春"\n\n'
                      '[[standard]]\nprogram = "senior_tuition_waiver"\nstage = "普通高中"\ncategories = ["registered_poor"]\n'
                      'amount = "900"\nterm_from = "2019春"\nschool = "县第一高级中学"\n', encoding="utf-8")
    assert cli("--policy", policy, "init").exit_code == 0
    ledger(cli, tmp_path, [*ROLL, student("E", "戊", "县第一高级中学", "普通高中", "高二", "住校", "建档立卡")], [
        paid("C", "丙", "高中助学金（一档）", "1500", school="县第一高级中学"),
        paid("C", "丙", "两免", "900", school="县第一高级中学"),
        paid("E", "戊", "免学费", "755", school="县第一高级中学")])
    _, doc = check(cli)
    wrong = [(f["kind"], f["name"], f["expected"], f["paid"]) for f in doc["findings"] if f["kind"] != "missing"]
    # 丙's 900 is 县第一高级中学's own fee; 戊 paid the county default at that school is flagged against 900.
    assert wrong == [("amount_mismatch", "戊", "900", "755")]


def test_a_policy_name_meaning_one_program_and_several_is_refused(cli, tmp_path):
    policy = tmp_path / "本县.toml"
    policy.write_text('extends = "default"\n\n[names]\n"国家助学金（高中）" = ["senior_grant", "vocational_grant"]\n',
                      encoding="utf-8")
    result = cli("--policy", policy, "init")
    assert result.exit_code == 2 and "国家助学金（高中）" in result.output and "只留一处" in result.output


def test_a_shared_name_on_a_row_with_a_bad_id_is_refused_for_the_id_alone(cli, tmp_path):
    ledger(cli, tmp_path, ROLL, [])
    roster = write_xlsx(tmp_path / "名册.xlsx", PAY, [["县第一高级中学", "丙", "422822200701011235", "国家助学金", "1500",
                                                      "2019秋", "2019-11-05"]])
    result = cli("import", roster)
    assert result.exit_code == 1 and "校验" in result.output
    assert "不在资助项目表中" not in result.output


@pytest.mark.parametrize("name", ["学前教育资助", "学前资助", "幼儿资助"])
def test_preschool_aid_by_the_names_rosters_use(cli, tmp_path, name):
    from helpers.files import SCHOOL_HEADER

    kindergarten = write_xlsx(tmp_path / "幼儿园.xlsx", SCHOOL_HEADER, [["3452000009", "城关幼儿园", "幼儿园", "城关镇", "公办"]])
    assert cli("import", kindergarten).exit_code == 0
    ledger(cli, tmp_path, [student("F", "己", "城关幼儿园", "学前", "大班", "走读", "建档立卡")],
           [paid("F", "己", name, "750", school="城关幼儿园")])
    code, doc = check(cli)
    assert code == 0 and doc["findings"] == []


def test_living_aid_to_a_pupil_of_a_stage_without_a_standard_is_recorded_by_boarding_and_flagged(cli, tmp_path):
    from helpers.files import SCHOOL_HEADER

    special = write_xlsx(tmp_path / "特校.xlsx", SCHOOL_HEADER, [["3452000010", "县特殊教育学校", "特殊教育", "城关镇", "公办"]])
    assert cli("import", special).exit_code == 0
    ledger(cli, tmp_path, [student("G", "庚", "县特殊教育学校", "特殊教育", "三年级", "住校", "建档立卡")],
           [paid("G", "庚", "一补", "500", school="县特殊教育学校")])
    _, doc = check(cli)
    assert kinds(doc) == [("ineligible", "庚", "义务教育寄宿生生活补助")]
