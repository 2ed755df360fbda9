"""`fupin rates` on a small hand-built county: every numerator and denominator counted by hand below.

Ages are on 31 August 2019. Preschool 3-5 = born 2013-09-01..2016-08-31; primary 6-11 = 2007-09-01..2013-08-31;
junior 12-14 = 2004-09-01..2007-08-31; senior 15-17 = 2001-09-01..2004-08-31.
"""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

from helpers.county_files import Child, imported, write_county
from helpers.files import write_xlsx

KIDS = {
    # preschool: in-county kindergarten, 在校: p1, p4, k5 (k5 not in the list: gross counts any child) -> 3;
    # children 3-5 in the list: p1 p2 p3 p4 k6 p6 -> 6
    "p1": Child("p1", date(2014, 5, 1), "东乡", school="C幼儿园", grade="大班"),
    "p2": Child("p2", date(2015, 3, 3), "东乡"),
    "p3": Child("p3", date(2016, 1, 1), "北乡"),  # 北乡 has a 3-year-old and nobody else
    "p4": Child("p4", date(2013, 9, 1), "东乡", school="C幼儿园", grade="大班"),  # born 1 September: 5, not 6
    "k5": Child("k5", date(2014, 7, 7), None, school="C幼儿园", grade="中班", listed=False),
    "k6": Child("k6", date(2015, 8, 8), "东乡", school="C幼儿园", grade="小班", status="休学"),  # not counted
    "p6": Child("p6", date(2015, 6, 6), "东乡", away="学前"),  # away: in the denominator, not the gross numerator
    # primary net: 6-11 enrolled at 小学 or higher, away counts, 休学 does not: c1, c2, c4, c6 -> 4 of 6
    "c1": Child("c1", date(2013, 8, 31), "东乡", school="A小学", grade="一年级"),  # born 31 August: 6
    "c2": Child("c2", date(2010, 1, 1), "东乡", school="A小学", grade="四年级"),
    "c3": Child("c3", date(2009, 5, 5), "东乡", school="A小学", grade="五年级", status="休学"),
    "c4": Child("c4", date(2008, 2, 2), "西乡", away="小学"),
    "c5": Child("c5", date(2011, 7, 7), "西乡"),
    "c6": Child("c6", date(2008, 3, 3), "东乡", school="B中学", grade="七年级"),
    # junior net: 12-14 at 初中 or higher: j1, j4 -> 2 of 4
    "j1": Child("j1", date(2006, 6, 6), "东乡", school="B中学", grade="八年级"),
    "j2": Child("j2", date(2007, 8, 31), "东乡", school="A小学", grade="六年级"),  # 12 but still in primary
    "j3": Child("j3", date(2005, 1, 1), "西乡", school="B中学", grade="九年级", status="辍学"),
    "j4": Child("j4", date(2004, 9, 1), "西乡", school="D高中", grade="高一"),  # 14, already in senior high
    # senior gross: 普高 + 中职 in the county, any age: s1, s2, j4, s4 -> 4; population 15-17: s1 s2 s3 s5 s6 -> 5
    "s1": Child("s1", date(2003, 3, 3), "西乡", school="D高中", grade="高二"),
    "s2": Child("s2", date(2002, 2, 2), "西乡", school="E中职", grade="二年级"),
    "s3": Child("s3", date(2004, 8, 31), "西乡"),
    "s4": Child("s4", date(2001, 1, 1), None, school="E中职", grade="三年级", listed=False),
    "s5": Child("s5", date(2003, 6, 6), "西乡", away="普通高中"),
    "s6": Child("s6", date(2002, 4, 4), "西乡"),
}
STATS_HEADER = ["学年", "学校名称", "学段", "年级", "招生数", "在校生数", "毕业生数", "转入", "转出"]


def stats_rows(graduates: int) -> list[list]:
    """Entrants 100 (autumn 2010); the cohort's transfers: in 2 + 1 + 0 = 3, out 3 + 0 + 4 = 7: adjusted 96."""
    return [
        ["2010-2011学年", "A小学", "小学", "一年级", 100, 100, None, 2, 3],
        ["2012-2013学年", "A小学", "小学", "一年级", 90, 90, None, 9, 9],  # another cohort: ignored
        ["2013-2014学年", "A小学", "小学", "四年级", None, 99, None, 1, 0],
        ["2016-2017学年", "B中学", "初中", "七年级", 98, 98, None, 0, 4],
        ["2018-2019学年", "B中学", "初中", "九年级", None, 96, graduates, 0, 0],
    ]


def _rates_county(cli, folder):
    files = write_county(folder / "files", list(KIDS.values()))
    files.append(write_xlsx(folder / "辍学台账.xlsx", ["学生姓名", "身份证号码", "辍学年月", "辍学原因"], [
        ["c2", KIDS["c2"].id, "2019-11", "厌学"],  # during 2019-2020: counts although the September roll says 在校
        ["c1", KIDS["c1"].id, "2019-03", "家庭困难"],  # the year before: does not count
    ], text_columns=(1,)))
    files.append(write_xlsx(folder / "教育事业统计.xlsx", STATS_HEADER, stats_rows(97)))
    imported(cli, files)


@pytest.fixture
def rates_ledger(prebuilt, cli):
    """The county of KIDS with its dropout ledger and statistics imported. Built once, copied into each test's."""
    prebuilt("rates_county", _rates_county)
    return cli


def _rates(cli, *args) -> dict:
    result = cli("rates", "--year", "2019", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _by_key(rates: list[dict]) -> dict[str, dict]:
    return {r["indicator"]: r for r in rates}


def test_every_rate_by_hand(cli, rates_ledger):
    doc = _rates(cli)
    assert doc["year"] == 2019 and doc["population"]["source"] == "list"
    r = _by_key(doc["rates"])
    assert [x["indicator"] for x in doc["rates"]] == [
        "preschool_gross_enrollment", "primary_net_enrollment", "junior_net_enrollment", "compulsory_retention",
        "senior_gross_enrollment", "dropout_rate"]
    got = {k: (v["numerator"], v["denominator"], v["value"], v["target"], v["met"]) for k, v in r.items()}
    assert got == {
        "preschool_gross_enrollment": (3, 6, "50.00", "85", False),
        "primary_net_enrollment": (4, 6, "66.67", "100", False),
        "junior_net_enrollment": (2, 4, "50.00", "100", False),
        # 97 / (100 + 3 - 7) = 101.04%: capped by the definition
        "compulsory_retention": (97, 96, "100.00", "96", True),
        "senior_gross_enrollment": (4, 5, "80.00", "90", False),
        # compulsory roll of 2019秋: c1 c2 c3 c6 j1 j2 j3 = 7; dropped j3 (roll) and c2 (ledger 2019-11) = 2
        "dropout_rate": (2, 7, "28.57", "0", False),
    }
    assert r["compulsory_retention"]["capped"] is True
    assert "按定义封顶为 100%（实际 101.04%）" in r["compulsory_retention"]["notes"]
    assert not any(v["capped"] for k, v in r.items() if k != "compulsory_retention")
    assert r["preschool_gross_enrollment"]["away"] == 1 and r["senior_gross_enrollment"]["away"] == 1
    assert r["primary_net_enrollment"]["away"] == 1
    assert "2013-09-01 至 2016-08-31 出生" in r["preschool_gross_enrollment"]["formula"]
    assert "2007-09-01 至 2013-08-31 出生" in r["primary_net_enrollment"]["formula"]
    for rate in doc["rates"]:
        assert isinstance(rate["formula"], str) and "÷" in rate["formula"] and rate["name"]


def test_a_case_closed_as_moved_is_not_a_dropout(cli, rates_ledger):
    case = next(c["case"] for c in json.loads(cli("dropout", "list", "--json").stdout)["cases"]
                if c["id_number"] == KIDS["c2"].id and c["left_month"] == "2019-11")
    assert cli("dropout", "close", case, "--as", "moved", "--reason", "随父母迁往外省", "--date", "2019-12-01").exit_code == 0
    r = _by_key(_rates(cli)["rates"])["dropout_rate"]
    assert (r["numerator"], r["denominator"], r["value"]) == (1, 7, "14.29")


def test_retention_below_the_cap_is_not_capped(cli, tmp_path, rates_ledger):
    imported(cli, [write_xlsx(tmp_path / "更正.xlsx", STATS_HEADER, stats_rows(90))])
    r = _by_key(_rates(cli)["rates"])["compulsory_retention"]
    assert (r["numerator"], r["denominator"], r["value"], r["met"], r["capped"]) == (90, 96, "93.75", False, False)


def test_grouping_and_population_take_the_chinese_words(cli, rates_ledger):
    assert _rates(cli, "--by", "乡镇", "--population", "名单") == _rates(cli, "--by", "township", "--population", "list")


def test_by_township_including_one_without_children_of_an_age(cli, rates_ledger):
    doc = _rates(cli, "--by", "township")
    groups = {g["group"]: _by_key(g["rates"]) for g in doc["groups"]}
    assert set(groups) == {"东乡", "西乡", "北乡"}
    north = groups["北乡"]
    assert (north["preschool_gross_enrollment"]["numerator"], north["preschool_gross_enrollment"]["denominator"],
            north["preschool_gross_enrollment"]["value"]) == (0, 1, "0.00")
    for key in ("primary_net_enrollment", "junior_net_enrollment", "senior_gross_enrollment"):
        assert north[key]["denominator"] == 0 and north[key]["value"] is None and north[key]["met"] is None, key
    assert "该乡镇没有 6–11 周岁儿童" in north["primary_net_enrollment"]["notes"]
    east, west = groups["东乡"], groups["西乡"]
    # Net rates by the child's township: 东乡 c1 c2 c3 c6 -> 3 of 4; 西乡 c4 (away) c5 -> 1 of 2.
    assert (east["primary_net_enrollment"]["numerator"], east["primary_net_enrollment"]["denominator"]) == (3, 4)
    assert (west["primary_net_enrollment"]["numerator"], west["primary_net_enrollment"]["denominator"]) == (1, 2)
    # Gross by the school's township: 东乡 kindergarten 3 over 东乡 children 3-5 (p1 p2 p4 k6 p6) = 60.00.
    assert east["preschool_gross_enrollment"]["value"] == "60.00"
    assert west["senior_gross_enrollment"]["value"] == "80.00"
    # Retention from the statistics by school township: entrants at A小学 (东乡), graduates at B中学 (东乡).
    assert east["compulsory_retention"]["value"] == "100.00"


def test_by_school_gives_the_dropout_rate(cli, rates_ledger):
    doc = _rates(cli, "--by", "school")
    groups = {g["group"]: g["rates"] for g in doc["groups"]}
    assert set(groups) == {"A小学", "B中学"}
    a, b = groups["A小学"][0], groups["B中学"][0]
    assert (a["numerator"], a["denominator"], a["value"]) == (1, 4, "25.00")  # c2 of c1 c2 c3 j2
    assert (b["numerator"], b["denominator"], b["value"]) == (1, 3, "33.33")  # j3 of c6 j1 j3


def test_console_prints_formulas_and_the_cap(cli, rates_ledger):
    result = cli("rates", "--year", "2019")
    assert result.exit_code == 0
    assert "学前三年毛入园率" in result.stdout and "50.00%" in result.stdout
    assert "九年义务教育巩固率 = 2019年夏初中毕业生数" in result.stdout
    assert "按定义封顶为 100%（实际 101.04%）" in result.stdout


def test_workbook(cli, rates_ledger, tmp_path):
    path = tmp_path / "四项指标_2019.xlsx"
    result = cli("rates", "--year", "2019", "--by", "township", "--out", path)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["指标", "按乡镇"]
    ws = wb["指标"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows.index(["指标", "分子", "分母", "数值（%）", "目标（%）", "是否达标", "计算公式", "说明"])
    body = {r[0]: r[1:6] for r in rows[header + 1:]}
    assert body["学前三年毛入园率"] == [3, 6, 50, "≥ 85", "未达标"]
    assert body["九年义务教育巩固率"] == [97, 96, 100, "≥ 96", "达标"]
    assert body["义务教育辍学率"] == [2, 7, 28.57, "≤ 0", "未达标"]
    assert ws.cell(header + 2, 4).number_format == "#,##0.00"  # shows 50.00
    north = [[c.value for c in row] for row in wb["按乡镇"].iter_rows() if row[0].value == "北乡"]
    assert north[1][:7] == ["北乡", "小学净入学率", 0, 0, None, "≥ 100", "无法计算"]


def test_population_counts_table_as_denominator(cli, tmp_path, rates_ledger):
    counts = write_xlsx(tmp_path / "户籍人口汇总.xlsx", ["统计年度", "乡镇", "出生年份", "人数"], [
        [2019, "东乡", "2013", 10],  # year only: age 2019 - 2013 = 6
        [2019, "东乡", "2013-09", 4],  # born September 2013: 5
        [2019, "西乡", "2010年", 20],  # 9
        [2018, "西乡", "2010", 999],  # another statistics year: not used for 2019
    ])
    imported(cli, [counts])
    doc = _rates(cli)
    assert doc["population"]["source"] == "counts"
    r = _by_key(doc["rates"])
    # Primary: 6-11 from the table 10 + 20 = 30; numerator every 在校 student aged 6-11 at 小学 or higher, away too:
    # c1 c2 c4 c6 (c3 休学, c5 on no roll) -> 4.
    assert (r["primary_net_enrollment"]["numerator"], r["primary_net_enrollment"]["denominator"]) == (4, 30)
    assert r["preschool_gross_enrollment"]["denominator"] == 4
    assert "按出生年份计算年龄" in r["primary_net_enrollment"]["formula"]
    listed = _by_key(_rates(cli, "--population", "list")["rates"])
    assert listed["primary_net_enrollment"]["denominator"] == 6


@pytest.mark.parametrize("args, message", [
    (["--year", "1800"], "1990"), (["--year", "2019", "--by", "village"], "分组"),
    (["--year", "2019", "--population", "census"], "人口数据"),
    (["--year", "2019", "--population", "counts"], "分年龄汇总"),
])
def test_rates_misuse_exits_2(cli, rates_ledger, args, message):
    result = cli("rates", *args)
    assert result.exit_code == 2 and message in result.output


def test_a_year_whose_roll_is_not_imported_gives_no_enrollment_rate(cli, rates_ledger):
    """2020秋's roll is not in the ledger: the children are (the denominators), the pupils are not. The rates used to
    read 0.00% 未达标, figures a clerk could forward; they cannot be computed, and say so."""
    result = cli("rates", "--year", "2020", "--json", "--by", "township")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    r = _by_key(doc["rates"])
    for key in ("preschool_gross_enrollment", "primary_net_enrollment", "junior_net_enrollment",
                "senior_gross_enrollment"):
        assert r[key]["numerator"] is None and r[key]["value"] is None and r[key]["met"] is None, key
        assert all(g["value"] is None for group in doc["groups"] for g in group["rates"] if g["indicator"] == key)
    assert any("没有 2020秋 的学籍" in n and "无法计算" in n for n in doc["notes"])
    screen = cli("rates", "--year", "2020").stdout
    assert "0.00%" not in screen and "无法计算" in screen


def test_an_empty_ledger_says_what_is_missing(cli):
    assert cli("init").exit_code == 0  # an empty ledger is one init made: a file that is not there is misuse
    doc = _rates(cli)
    r = _by_key(doc["rates"])
    assert all(v["value"] is None and v["met"] is None for k, v in r.items() if k != "dropout_rate")
    assert any("缺少" in n for n in r["compulsory_retention"]["notes"])
    assert any("没有 2019秋 的学籍" in n for n in doc["notes"])


def test_rates_command_has_chinese_help():
    import typer.main

    from jiaoyu_fupin.cli.main import app

    command = typer.main.get_command(app).commands["rates"]
    assert "巩固率" in command.help
    for param in command.params:
        assert param.help and any("\u4e00" <= ch <= "\u9fff" for ch in param.help), param.name
