"""Coverage check on small ledgers built from the files a clerk imports; every expected figure worked out by hand."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from helpers.files import write_xlsx
from helpers.subsidy_ledger import (
    AWAY,
    BOARD,
    IDS,
    NONBOARD,
    PAY,
    ROLL,
    UNKNOWN,
    check,
    kinds,
    ledger,
    paid,
    student,
)


def test_all_paid_right_is_clean_and_exit_0(cli, tmp_path):
    ledger(cli, tmp_path, [
        student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡"),
        student("B", "乙", "城关第一小学", "小学", "二年级", "住校", "低保"),
        student("C", "丙", "城关第一小学", "小学", "三年级", "走读", ""),  # no category: entitled to nothing
    ], [paid("A", "甲", NONBOARD, "312.5"), paid("B", "乙", BOARD, "500", school="城关第一小学")])
    code, doc = check(cli)
    assert code == 0
    assert doc["term"] == "2019秋" and doc["findings"] == [] and doc["out_of_county"] == []
    summary = doc["summary"]
    assert summary["entitled_students"] == 2
    assert summary["expected_amount"] == "812.5" and summary["paid_amount"] == "812.5"
    assert {p["program"]: (p["entitled"], p["expected_amount"], p["payments"]) for p in summary["by_program"]} == {
        NONBOARD: (1, "312.5", 1), BOARD: (1, "500", 1)}


def test_each_finding_kind_once_with_precedence(cli, tmp_path):
    ledger(cli, tmp_path, [
        student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡"),         # right
        student("B", "乙", "城关中学", "初中", "八年级", "走读", "建档立卡"),         # 312 for 312.5
        student("C", "丙", "城关第一小学", "小学", "二年级", "住校", "低保"),          # unpaid
        student("D", "丁", "城关第一小学", "小学", "三年级", "走读", "建档立卡"),       # paid twice
        student("E", "戊", "城关中学", "初中", "九年级", "住校", "建档立卡", "辍学"),  # dropped out, paid anyway
        student("G", "庚", "城关第一小学", "小学", "四年级", "走读", ""),              # no category, paid
    ], [
        paid("A", "甲", NONBOARD, "312.5"),
        paid("B", "乙", NONBOARD, "312"),
        paid("C", "丙", BOARD, "500", term="2019春", school="城关第一小学"),  # another term never counts
        paid("D", "丁", NONBOARD, "250", school="城关第一小学"),
        paid("D", "丁", NONBOARD, "250", school="城关第一小学"),
        paid("E", "戊", BOARD, "600"),  # not enrolled outranks the wrong amount: one finding for the row
        paid(UNKNOWN, "己", NONBOARD, "312.5"),
        paid("G", "庚", NONBOARD, "250", school="城关第一小学"),
    ])
    code, doc = check(cli)
    assert code == 1
    assert kinds(doc) == sorted([
        ("amount_mismatch", "乙", NONBOARD), ("missing", "丙", BOARD), ("duplicate", "丁", NONBOARD),
        ("not_enrolled", "戊", BOARD), ("unknown_student", "己", NONBOARD), ("ineligible", "庚", NONBOARD),
    ])
    by_kind = {f["kind"]: f for f in doc["findings"]}
    assert (by_kind["amount_mismatch"]["expected"], by_kind["amount_mismatch"]["paid"]) == ("312.5", "312")
    assert by_kind["amount_mismatch"]["id_number"] == IDS["B"]  # full ID in JSON: it is for internal use
    assert (by_kind["missing"]["expected"], by_kind["missing"]["paid"]) == ("500", None)
    assert by_kind["duplicate"]["paid"] == "500" and "2次" in by_kind["duplicate"]["detail"]
    assert "辍学" in by_kind["not_enrolled"]["detail"]
    assert by_kind["unknown_student"]["id_number"] == UNKNOWN
    assert by_kind["amount_mismatch"]["source"] == "发放名册.xlsx 第3行"
    assert list(doc["summary"]["findings"].values()) == [1, 1, 1, 1, 1, 1]
    # 7 payment rows of 2019秋; the 2019春 row is left out of the term's figures entirely.
    assert doc["summary"]["payments"] == 7
    assert doc["summary"]["paid_amount"] == "2287"  # 312.5 + 312 + 250 + 250 + 600 + 312.5 + 250


def test_school_check_keeps_payments_to_nobody_in_the_ledger_under_the_school_the_roster_names(cli, tmp_path):
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")], [
        paid("A", "甲", NONBOARD, "312.5"),
        paid(UNKNOWN, "己", NONBOARD, "312.5"),  # the ledger places this ID nowhere: the roster says 城关中学
        paid(IDS["N"], "癸", NONBOARD, "312.5", school="河口中学"),
    ])
    code, doc = check(cli, "--school", "城关中学")
    assert code == 1
    assert kinds(doc) == [("unknown_student", "己", NONBOARD)]
    assert doc["summary"]["payments"] == 2 and doc["summary"]["paid_amount"] == "625"
    _, doc = check(cli, "--township", "河口乡")
    assert kinds(doc) == [("unknown_student", "癸", NONBOARD)]


def test_vocational_third_year_gets_no_national_grant(cli, tmp_path):
    ledger(cli, tmp_path, [
        student("H", "辛", "县职业教育中心", "中职", "三年级", "走读", "建档立卡"),
        student("I", "壬", "县职业教育中心", "中职", "一年级", "住校", "建档立卡"),
    ], [
        paid("H", "辛", "中职国家助学金", "1000", school="县职业教育中心"),
        paid("H", "辛", "雨露计划", "1500", school="县职业教育中心"),
        paid("I", "壬", "雨露计划", "1500", school="县职业教育中心"),
    ])
    code, doc = check(cli)
    assert code == 1
    # Both are owed 中职免学费 (1200, every 中职 year) besides; the grant is for the first two years only.
    assert kinds(doc) == [("ineligible", "辛", "中职国家助学金"), ("missing", "壬", "中职免学费"),
                          ("missing", "壬", "中职国家助学金"), ("missing", "辛", "中职免学费")]
    ineligible, _, missing, _ = doc["findings"]  # in the order of precedence
    assert (ineligible["expected"], ineligible["paid"]) == (None, "1000")
    assert (missing["expected"], missing["paid"]) == ("1000", None)


def test_registry_makes_a_student_registered_poor(cli, tmp_path):
    ledger(cli, tmp_path, [student("J", "癸", "县第一高级中学", "普通高中", "高一", "住校", "")], [],
           registry=[[IDS["J"], "癸", "4228220001", "城关镇"]])
    code, doc = check(cli)
    assert code == 1
    assert sorted((f["kind"], f["program"], f["expected"]) for f in doc["findings"]) == [
        ("missing", "普通高中免学费", "755"), ("missing", "普通高中国家助学金", "1500")]


def test_student_who_changed_school_is_checked_where_enrolled_that_term(cli, tmp_path):
    ledger(cli, tmp_path, [
        student("K", "子", "城关中学", "初中", "七年级", "走读", "建档立卡", term="2019春"),
        student("K", "子", "河口中学", "初中", "七年级", "住校", "建档立卡", term="2019秋"),
    ], [
        paid("K", "子", NONBOARD, "312.5", term="2019春", school="城关中学"),
        paid("K", "子", BOARD, "625", term="2019秋", school="河口中学"),
    ])
    for term in ("2019春", "2019秋"):
        result = cli("subsidy", "check", "--term", term, "--json")
        assert result.exit_code == 0, result.output
    _, doc = check(cli)
    schools = {s["school"]: (s["entitled"], s["payments"]) for s in doc["summary"]["by_school"]}
    assert schools == {"河口中学": (1, 1)}
    _, doc = check(cli, "--school", "城关中学")
    assert doc["summary"]["entitled_students"] == 0 and doc["summary"]["payments"] == 0


def test_out_of_county_students_are_listed_for_letters_never_missing(cli, tmp_path):
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")],
           [paid("A", "甲", NONBOARD, "312.5")],
           away=[["丑", IDS["L"], "东莞市第一中学", "普通高中", "高一", "建档立卡", "县外", "省外", "广东省东莞市", "2019秋"],
                 ["寅", IDS["M"], "恩施市第一中学", "普通高中", "高二", "建档立卡", "县外", "省内", "", "2019秋"]])
    code, doc = check(cli)
    assert code == 0  # the letters list alone is not a finding
    assert [(a["name"], a["place"], a["school"]) for a in doc["out_of_county"]] == [
        ("丑", "广东省东莞市", "东莞市第一中学"), ("寅", "省内", "恩施市第一中学")]
    assert doc["out_of_county"][0]["id_number"] == IDS["L"]
    _, doc = check(cli, "--school", "城关中学")
    assert doc["out_of_county"] == []  # students away belong to no county school


def test_a_term_whose_only_entitlement_has_two_possible_amounts(cli, tmp_path):
    """The one entitled student is a freshman studying 州外 whose province is not known (路费 500 or 1000): the
    check crashed with "Per-column arrays must each be 1-dimensional" when every entitlement had two amounts."""
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "")],
           [paid("N", "辰", "大学新生路费", "1000", school="武汉大学")] * 2)
    away = write_xlsx(tmp_path / "州外就读.xlsx", ["姓名", "身份证号码", "学校全称", "学段", "年级", "贫困类型", "就读地", "学期"],
                      [["辰", IDS["N"], "武汉大学", "本科", "一年级", "建档立卡", "州外", "2019秋"]])
    assert cli("import", away).exit_code == 0
    code, doc = check(cli)
    assert code == 1
    assert [(f["kind"], f["name"], f["expected"], f["paid"]) for f in doc["findings"]] == [
        ("duplicate", "辰", "500或1000", "2000")]


def test_freshman_travel_follows_the_province_when_the_list_also_names_the_city(cli, tmp_path):
    """县外就读名单 with both 省内/省外 and 就读地区: the province decides 路费 (500 省内, 1000 省外) and the city is
    where the letter goes."""
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "")], [
        paid("L", "丑", "大学新生路费", "500", school="中山大学"),
        paid("M", "寅", "大学新生路费", "500", school="武汉大学"),
    ], away=[["丑", IDS["L"], "中山大学", "本科", "一年级", "建档立卡", "州外", "省外", "广东省广州市", "2019秋"],
             ["寅", IDS["M"], "武汉大学", "本科", "一年级", "建档立卡", "州外", "省内", "湖北省武汉市", "2019秋"]])
    code, doc = check(cli)
    assert code == 1
    assert [(f["kind"], f["name"], f["expected"], f["paid"]) for f in doc["findings"]] == [
        ("amount_mismatch", "丑", "1000", "500")]
    assert sorted((a["name"], a["place"]) for a in doc["out_of_county"]) == [("丑", "广东省广州市"), ("寅", "湖北省武汉市")]


def test_a_province_cell_that_says_neither_is_refused_by_name(cli, tmp_path):
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "")], [])
    away = write_xlsx(tmp_path / "县外就读.xlsx", AWAY,
                      [["丑", IDS["L"], "中山大学", "本科", "一年级", "建档立卡", "州外", "外省", "广东省广州市", "2019秋"]])
    result = cli("import", away)
    assert result.exit_code == 1
    assert "省内/省外“外省”无法识别" in result.output and "第 2 行" in result.output


def test_payment_imported_before_the_roll_links_to_the_student(cli, tmp_path):
    ledger(cli, tmp_path, [], [])  # schools only: the roster arrives first
    roster = write_xlsx(tmp_path / "先到的发放名册.xlsx", PAY, [paid("A", "甲", NONBOARD, "312.5")])
    assert cli("import", roster).exit_code == 0
    roll = write_xlsx(tmp_path / "后到的学籍.xlsx", ROLL, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")])
    assert cli("import", roll).exit_code == 0
    code, doc = check(cli)
    assert (code, doc["findings"]) == (0, [])


def test_console_masks_ids_and_workbook_has_a_sheet_per_kind(cli, tmp_path):
    ledger(cli, tmp_path, [student("C", "丙", "城关第一小学", "小学", "二年级", "住校", "低保")], [])
    out = tmp_path / "资助核对.xlsx"
    result = cli("subsidy", "check", "--term", "2019秋", "--out", out)
    assert result.exit_code == 1
    assert IDS["C"] not in result.output and f"{IDS['C'][:6]}********{IDS['C'][-4:]}" in result.output
    assert "漏发：1 条" in result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "按学校", "名册外人员", "非在校学生", "错助", "金额与标准不符", "重复发放", "漏发",
                             "县外就读（发函）"]
    rows = list(wb["漏发"].iter_rows(values_only=True))
    assert rows[2][:3] == ("序号", "身份证号", "姓名")
    assert rows[3][:10] == (1, IDS["C"], "丙", "城关镇", "城关第一小学", "二年级", "1班", BOARD, 500, None)
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[-1] == ("合计", 1, 500, 0, 0, 1)


def test_console_says_which_schools_the_others_are(cli, tmp_path):
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡"),
                           student("B", "乙", "城关第一小学", "小学", "二年级", "走读", "建档立卡")],
           [paid("B", "乙", NONBOARD, "250", school="城关第一小学")])
    result = cli("subsidy", "check", "--term", "2019秋")
    assert "有问题的学校（1 所；其余有应助学生或发放的 1 所没有问题）" in result.stdout  # of 5 schools in the list


def test_findings_keep_the_masked_id_whole_on_an_80_column_terminal(cli, tmp_path, monkeypatch):
    from jiaoyu_fupin.cli import common

    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")], [])
    monkeypatch.setattr(common.out, "width", 80)
    result = cli("subsidy", "check", "--term", "2019秋")
    assert result.exit_code == 1
    assert f"{IDS['A'][:6]}********{IDS['A'][-4:]}" in result.stdout and "│ 甲" in result.stdout


def test_misuse_exits_2(cli, tmp_path):
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")], [])
    result = cli("subsidy", "check", "--term", "2019冬")
    assert result.exit_code == 2 and "2019冬" in result.output
    result = cli("subsidy", "check", "--term", "2019秋", "--school", "城关一中")
    assert result.exit_code == 2 and "城关中学" in result.output  # the closest names are suggested
    result = cli("subsidy", "check", "--term", "2019秋", "--out", tmp_path / "x.csv")
    assert result.exit_code == 2
    result = cli("subsidy", "check", "--term", "2020春")  # no roll imported for that term
    assert result.exit_code == 2 and "没有 2020春 的学籍记录" in result.output


def test_standards_table_in_force(cli):
    assert cli("init").exit_code == 0
    result = cli("subsidy", "standards", "--term", "2019秋", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)["standards"]
    assert {"program": NONBOARD, "stage": "初中", "amount": "312.5"}.items() <= next(
        r for r in rows if r["program"] == NONBOARD and r["stage"] == "初中").items()
    assert cli("subsidy", "standards", "--term", "2018秋", "--json").stdout.count('"program"') == 0


def test_county_policy_extends_the_defaults(cli, tmp_path):
    policy = tmp_path / "本县标准.toml"
    policy.write_text('extends = "default"\n\n[[standard]]\nprogram = "nonboarding_living"\nstage = "初中"\n'
                      'boarding = false\ncategories = ["registered_poor"]\namount = "400"\nterm_from = "2019秋"\n',
                      encoding="utf-8")
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")],
           [paid("A", "甲", NONBOARD, "312.5")])
    result = cli("--policy", policy, "subsidy", "check", "--term", "2019秋", "--json")
    assert result.exit_code == 1
    finding = json.loads(result.stdout)["findings"][0]
    assert (finding["kind"], finding["expected"], finding["paid"]) == ("amount_mismatch", "400", "312.5")
    # Installed in the ledger: later runs without --policy use it; the other programs keep their defaults.
    rows = json.loads(cli("subsidy", "standards", "--term", "2019秋", "--json").stdout)["standards"]
    assert [r["amount"] for r in rows if r["program"] == NONBOARD] == ["400"]
    assert [r["amount"] for r in rows if r["program"] == BOARD] == ["500", "625"]
    # The file's standards start in 2019秋: the terms before keep the defaults ("旧学期的核对不受影响").
    rows = json.loads(cli("subsidy", "standards", "--term", "2019春", "--json").stdout)["standards"]
    assert [(r["stage"], r["amount"], r["term_to"]) for r in rows if r["program"] == NONBOARD] == [
        ("小学", "250", "2019春"), ("初中", "312.5", "2019春")]
    bad = tmp_path / "坏.toml"
    bad.write_text('[[standard]]\nprogram = "nonboarding_living"\nstage = "初中"\namount = "-1"\n', encoding="utf-8")
    assert cli("--policy", bad, "subsidy", "standards").exit_code == 2


@pytest.mark.parametrize("text, named", [
    # [[standards]] for [[standard]]: read as "no standards at all", it used to wipe every standard in the ledger.
    ('[[standards]]\nprogram = "nonboarding_living"\nstage = "初中"\ncategories = ["registered_poor"]\n'
     'amount = "400"\nterm_from = "2019秋"\n', "standards"),
    # boardng for boarding: silently ignored, the standard would have paid boarders and day pupils alike.
    ('extends = "default"\n[[standard]]\nprogram = "nonboarding_living"\nstage = "初中"\nboardng = false\n'
     'categories = ["registered_poor"]\namount = "400"\nterm_from = "2019秋"\n', "boardng"),
    # 高中 is not a stage the roll holds (it says 普通高中): the standard would never have matched anyone.
    ('extends = "default"\n[[standard]]\nprogram = "senior_grant"\nstage = "高中"\n'
     'categories = ["registered_poor"]\namount = "1500"\nterm_from = "2019秋"\n', "高中"),
    ('extends = "default"\n[[standard]]\nprogram = "senior_grant"\ncategories = ["registered_poor"]\n'
     'amount = "1500"\nterm_from = "2019秋"\n', "stage"),
])
def test_a_policy_file_with_a_slip_is_refused_and_the_ledger_keeps_its_standards(cli, tmp_path, text, named):
    assert cli("init").exit_code == 0
    policy = tmp_path / "本县标准.toml"
    policy.write_text(text, encoding="utf-8")
    result = cli("--policy", policy, "subsidy", "standards", "--json")
    assert result.exit_code == 2 and named in result.output and "本县标准.toml" in result.output
    assert "Traceback" not in result.output
    rows = json.loads(cli("subsidy", "standards", "--json").stdout)["standards"]
    assert len(rows) == 14 and {r["source"] for r in rows} == {"default.toml"}


# ---- the public notice -----------------------------------------------------------------------------------


def _build_noticed(cli, folder):
    ledger(cli, folder, [
        student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡", klass="10班"),
        student("B", "乙", "城关中学", "初中", "七年级", "住校", "低保", klass="2班"),
        student("C", "丙", "城关第一小学", "小学", "二年级", "住校", "低保"),
    ], [paid("A", "甲", NONBOARD, "312.5")])


@pytest.fixture
def noticed(prebuilt, tmp_path):
    """The ledger above, built once, copied into each test's."""
    prebuilt("subsidy_noticed", _build_noticed)
    return tmp_path / "公示.xlsx"


def _cells(path) -> list:
    return [c for ws in load_workbook(path) for row in ws.iter_rows(values_only=True) for c in row if c is not None]


def test_notice_shows_only_what_may_be_posted(cli, noticed):
    result = cli("subsidy", "notice", "--term", "2019秋", "--out", noticed, "--start", "2019-11-01")
    assert result.exit_code == 0, result.output
    wb = load_workbook(noticed)
    assert wb.sheetnames == ["城关中学", "城关第一小学"]  # by township, then name
    rows = [r for r in wb["城关中学"].iter_rows(values_only=True)]
    assert rows[0][0] == "城关中学2019年秋季学期拟资助学生名单公示"
    assert rows[1][0] == "公示期：2019年11月1日至2019年11月7日（5个工作日）"  # Friday + 4 working days
    assert rows[2] == ("序号", "姓名", "学校", "年级", "班级", "资助项目")
    assert rows[3:5] == [(1, "乙", "城关中学", "七年级", "2班", BOARD), (2, "甲", "城关中学", "七年级", "10班", NONBOARD)]
    cells = " ".join(map(str, _cells(noticed)))
    for i in IDS.values():
        assert i not in cells and i[6:14] not in cells  # no ID number, no birth date
    for word in ("身份证", "出生", "住址", "电话", "银行", "建档立卡", "低保", "金额"):
        assert word not in cells


def test_notice_amount_only_when_asked_and_paid_list(cli, noticed):
    result = cli("subsidy", "notice", "--term", "2019秋", "--out", noticed, "--with-amount", "--paid")
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(noticed)["城关中学"].iter_rows(values_only=True))
    assert rows[0][0] == "城关中学2019年秋季学期学生资助发放名单公示"
    assert rows[2][-1] == "资助金额（元）" and rows[3] == (1, "甲", "城关中学", "七年级", "10班", NONBOARD, 312.5)
    assert load_workbook(noticed).sheetnames == ["城关中学"]  # only the paid school


def test_paid_notice_lists_a_student_and_program_once_and_says_what_it_leaves_out(cli, tmp_path):
    """--paid listed a 补发 as a second 人次 (甲 twice) and dropped payments to people not on the county's roll
    without a word: one line per student and program now, the amount summed, and the rows left out counted on
    screen by reason (never by ID)."""
    ledger(cli, tmp_path, [
        student("A", "甲", "城关中学", "初中", "七年级", "住校", "建档立卡"),
        student("E", "戊", "城关中学", "初中", "九年级", "住校", "建档立卡", "辍学"),
    ], [
        paid("A", "甲", BOARD, "500"), paid("A", "甲", BOARD, "125"),  # 补发 of the 125 missing: one 人次, 625
        paid("E", "戊", BOARD, "625"),  # dropped out
        paid(UNKNOWN, "己", BOARD, "625"), paid(UNKNOWN, "己", NONBOARD, "312.5"),  # nobody the ledger knows
        paid("L", "丑", "普通高中国家助学金", "1500", school="东莞市第一中学"),  # studies away: the host county pays
    ], away=[["丑", IDS["L"], "东莞市第一中学", "普通高中", "高一", "建档立卡", "县外", "省外", "广东省东莞市", "2019秋"]])
    out = tmp_path / "公示_已发放.xlsx"
    result = cli("subsidy", "notice", "--term", "2019秋", "--out", out, "--paid", "--with-amount")
    assert result.exit_code == 0, result.output
    rows = [r for r in load_workbook(out)["城关中学"].iter_rows(values_only=True) if r[0] is not None]
    assert rows[3] == (1, "甲", "城关中学", "七年级", "1班", BOARD, 625)
    assert rows[4][0].startswith("共 1 人次")
    assert "已写入公示名单" in result.output and "1 所学校，1 人次" in result.output
    assert ("另有 4 笔发放没有列入公示（公示只列本学期在本县学校在校的学生）：名册外人员 2 笔、非在校学生 1 笔、"
            "县外就读学生 1 笔；请用 fupin subsidy check --term 2019秋 核对") in result.output
    for i in (*IDS.values(), UNKNOWN):
        assert i not in result.output and i[-4:] not in result.output


def test_notice_refuses_a_short_posting_period(cli, noticed):
    assert cli("subsidy", "notice", "--term", "2019秋", "--out", noticed, "--days", "3").exit_code == 2
    assert not noticed.exists()


def test_notice_for_a_term_with_no_roll_is_misuse_like_the_check(cli, noticed):
    """The check says exit 2 for a term whose roll is not imported; the notice said exit 1 "nobody to post"."""
    result = cli("subsidy", "notice", "--term", "2020春", "--out", noticed)
    assert result.exit_code == 2 and "台账中没有 2020春 的学籍记录" in result.output
    assert not noticed.exists()


# ---- the sample county: the check finds exactly the mistakes planted in its payment rosters ---------------

PLANTED = {"payment_missing": "missing", "payment_duplicate": "duplicate", "payment_wrong_amount": "amount_mismatch",
           "payment_to_dropout": "not_enrolled", "payment_ineligible": "ineligible",
           "payment_unknown_student": "unknown_student"}


def test_sample_county_findings_are_exactly_the_planted_ones(sample_ledger, sample_county):
    cli, note = sample_ledger, sample_county.note
    code, doc = check(cli)
    assert code == 1
    planted = sorted((PLANTED[k], c["id_number"], c["program"], c["amount"])
                     for k, v in note["planted"].items() if k in PLANTED for c in v["cases"])
    found = sorted((f["kind"], f["id_number"], f["program"], f["paid"] if f["kind"] != "missing" else f["expected"])
                   for f in doc["findings"])
    # A duplicate is reported with the total paid; the sample records the single amount.
    found = [(k, i, p, str(Decimal(a) / 2) if k == "duplicate" else a) for k, i, p, a in found]
    assert found == planted
    assert len(doc["out_of_county"]) == note["files"]["县外就读_建档立卡学生.xlsx"]["rows"]
    result = cli("subsidy", "check", "--term", "2019春", "--json")
    assert (result.exit_code, json.loads(result.stdout)["findings"]) == (0, [])


def test_a_payment_to_a_student_away_from_the_county_is_not_enrolled_here(cli, tmp_path):
    """A student on the away list only (县外就读) has no roll of the county that term: the host county pays, so 1500
    paid here is a finding, never a silent entitlement (it used to pass the check with no finding at all)."""
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡")],
           [paid("A", "甲", NONBOARD, "312.5"), paid("L", "丑", "普通高中国家助学金", "1500", school="东莞市第一中学")],
           away=[["丑", IDS["L"], "东莞市第一中学", "普通高中", "高一", "建档立卡", "县外", "省外", "广东省东莞市", "2019秋"]])
    code, doc = check(cli)
    assert code == 1
    assert kinds(doc) == [("not_enrolled", "丑", "普通高中国家助学金")]
    (found,) = doc["findings"]
    assert found["paid"] == "1500" and found["expected"] is None
    assert found["detail"] == "本学期在县外就读（广东省东莞市），由就读地资助，本县不应发放"
    summary = doc["summary"]
    assert (summary["payments"], summary["paid_amount"]) == (2, "1812.5")
    assert (summary["entitlements"], summary["expected_amount"]) == (1, "312.5")  # 甲 alone: 丑 is paid where he studies
    # Every yuan paid is either an entitlement paid right or a finding: 1812.5 = 312.5 (甲, by hand) + 1500 (丑).
    flagged = sum(Decimal(f["paid"]) for f in doc["findings"] if f["kind"] != "duplicate" and f["paid"])
    assert Decimal(summary["paid_amount"]) == Decimal("312.5") + flagged == Decimal("1812.5")
    assert [(a["name"], a["place"]) for a in doc["out_of_county"]] == [("丑", "广东省东莞市")]  # still listed for letters
