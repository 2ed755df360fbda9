"""The out-of-school scan on small hand-built ledgers: who becomes a case, who does not, and that it repeats."""

from __future__ import annotations

import json
from datetime import date

import pytest

from helpers.county_files import Child, imported, write_county


def _scan(cli, term="2019秋", on="2019-10-08"):
    result = cli("dropout", "scan", "--term", term, "--json", "--date", on)
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None)


def _build_children(cli, folder):
    """Compulsory age in 2019秋 is born 2003-09-01 .. 2013-08-31 (6 to 15 on 31 August 2019)."""
    kids = {
        "six": Child("刚满六岁", date(2013, 8, 31), "东乡"),  # 6 on 31 Aug: in, on no roll -> case
        "five": Child("九月一日生", date(2013, 9, 1), "东乡"),  # 5 on 31 Aug: out of scope
        "fifteen": Child("十五岁", date(2003, 9, 1), "西乡"),  # 15: in, on no roll -> case
        "sixteen": Child("十六岁", date(2003, 8, 31), "西乡"),  # 16: out of scope
        "enrolled": Child("在校生", date(2010, 1, 1), "东乡", school="A小学", grade="四年级"),
        "on_leave": Child("休学生", date(2010, 2, 2), "东乡", school="A小学", grade="四年级", status="休学"),
        "moved_out": Child("转出生", date(2009, 3, 3), "东乡", school="A小学", grade="五年级", status="转出"),
        "dropped": Child("辍学生", date(2006, 4, 4), "东乡", school="B中学", grade="八年级", status="辍学"),
        "away": Child("县外生", date(2008, 5, 5), "西乡", away="小学"),
        "registry_only": Child("国扶办儿童", date(2011, 6, 6), "西乡", listed=False, poor=True, why="因病"),
        "poor_listed": Child("建档立卡儿童", date(2012, 7, 7), "东乡", poor=True),
    }
    imported(cli, write_county(folder / "files", list(kids.values())))
    return kids


@pytest.fixture
def children(prebuilt):
    """The children above, imported: built once, copied into each test's ledger."""
    return prebuilt("dropout_children", _build_children)


def test_scan_finds_exactly_the_children_out_of_school(cli, children):
    result, doc = _scan(cli)
    assert result.exit_code == 1, result.output
    found = {c["id_number"]: c for c in doc["cases"]}
    expected = {children[k].id for k in ("six", "fifteen", "dropped", "registry_only", "poor_listed")}
    assert set(found) == expected
    assert found[children["dropped"].id]["origin"] == "roll"
    assert "学籍状态为辍学" in found[children["dropped"].id]["reason"]
    assert found[children["six"].id]["origin"] == "scan" and "疑似失学辍学" in found[children["six"].id]["reason"]
    assert "因病" in found[children["registry_only"].id]["reason"]
    # Registered poor children first.
    assert [c["registered_poor"] for c in doc["cases"]] == [True, True, False, False, False]
    s = doc["summary"]
    # Children aged 6-15: six, fifteen, enrolled, on_leave, moved_out, dropped, away, poor_listed (list) + 1 registry.
    assert (s["children"], s["registry_only"], s["on_roll"], s["away"]) == (9, 1, 3, 1)
    assert (s["suspects"], s["roll_dropouts"], s["new_cases"], s["open_cases"]) == (4, 1, 5, 5)
    assert all(c["new"] for c in doc["cases"])
    assert doc["term"] == "2019秋" and doc["born_from"] == "2003-09-01" and doc["born_to"] == "2013-08-31"


def test_scan_is_repeatable_and_never_duplicates_an_open_case(cli, children):
    _, first = _scan(cli)
    result, again = _scan(cli)
    assert result.exit_code == 1
    assert again["summary"]["new_cases"] == 0
    assert [c["case"] for c in again["cases"]] == [c["case"] for c in first["cases"]]
    assert not any(c["new"] for c in again["cases"])
    assert cli.counts()["dropout_cases"] == 5


def test_scan_console_masks_id_numbers_and_says_what_it_counted(cli, children):
    result = cli("dropout", "scan", "--term", "2019秋")
    assert result.exit_code == 1
    assert "儿童 9 人" in result.stdout and "疑似失学辍学 4 人" in result.stdout and "本次新立案 5 件" in result.stdout
    six = children["six"].id
    assert six not in result.stdout and f"{six[:6]}********{six[-4:]}" in result.stdout


def test_home_schooled_and_exempted_children_are_not_cases_while_valid(cli, children):
    _, doc = _scan(cli)
    case = {c["id_number"]: c["case"] for c in doc["cases"]}
    assert cli("dropout", "close", case[children["six"].id], "--as", "home_schooled", "--reason", "重度残疾，送教上门",
               "--teacher", "王老师", "--date", "2019-10-10").exit_code == 0
    # Valid until a day inside the term: still valid for that term's scan.
    assert cli("dropout", "close", case[children["fifteen"].id], "--as", "exempted", "--reason", "缓学一年",
               "--date", "2019-10-10", "--until", "2019-10-31").exit_code == 0
    result, again = _scan(cli)
    assert again["summary"]["home_schooled"] == 1 and again["summary"]["exempted"] == 1
    assert again["summary"]["new_cases"] == 0
    assert {children["six"].id, children["fifteen"].id}.isdisjoint({c["id_number"] for c in again["cases"]})


def test_expired_exemption_and_a_later_term_bring_the_child_back(cli, children, tmp_path):
    _, doc = _scan(cli)
    case = {c["id_number"]: c["case"] for c in doc["cases"]}
    cli("dropout", "close", case[children["fifteen"].id], "--as", "exempted", "--reason", "缓学", "--date", "2019-10-10",
        "--until", "2020-02-29")
    cli("dropout", "close", case[children["six"].id], "--as", "returned", "--reason", "已返校", "--school", "A小学",
        "--date", "2019-11-01")
    _, same_term = _scan(cli)
    # Closed in 2019秋 as returned: that term's scan leaves the child alone, though the September roll lacks him.
    assert same_term["summary"]["new_cases"] == 0 and same_term["summary"]["settled"] == 1
    # 2020春: the returned child is still on no roll (a new case), the exemption has run out (a new case).
    later = [Child("在校生", date(2010, 1, 1), "东乡", school="A小学", grade="四年级")]
    imported(cli, write_county(tmp_path / "spring", later, term="2020春")[1:2])
    result, spring = _scan(cli, "2020春", "2020-03-10")
    new = {c["id_number"] for c in spring["cases"] if c["new"]}
    assert {children["six"].id, children["fifteen"].id} <= new
    assert cli.counts()["dropout_cases"] > 5


def test_scan_with_nothing_open_exits_0(cli, children):
    _, doc = _scan(cli)
    for c in doc["cases"]:
        assert cli("dropout", "close", c["case"], "--as", "not_a_case", "--reason", "核实：已在外省就读",
                   "--date", "2019-10-20").exit_code == 0
    result = cli("dropout", "scan", "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert "没有未销号的案件" in result.stdout


@pytest.mark.parametrize("args, message", [(["--term", "2019冬"], "学期"), (["--term", "2018秋"], "没有 2018秋 的学籍名册"),
                                           (["--term", "2019秋", "--date", "2099-01-01"], "今天之后")])
def test_scan_misuse_exits_2(cli, children, args, message):
    result = cli("dropout", "scan", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_scan_without_children_exits_2(cli, tmp_path):
    kids = [Child("在校生", date(2010, 1, 1), "东乡", school="A小学", grade="四年级", listed=False)]
    imported(cli, write_county(tmp_path / "f", kids))
    result = cli("dropout", "scan", "--term", "2019秋")
    assert result.exit_code == 2 and "没有户籍适龄儿童名单" in result.output


def test_no_away_list_is_said(cli, tmp_path):
    kids = [Child("在校生", date(2010, 1, 1), "东乡", school="A小学", grade="四年级")]
    imported(cli, write_county(tmp_path / "f", kids))
    result, doc = _scan(cli)
    assert result.exit_code == 0 and doc["cases"] == []
    assert any("县外就读名单" in n for n in doc["notes"])


def test_only_the_latest_closing_shields_a_child(cli, children, tmp_path):
    from helpers.files import write_xlsx

    _, doc = _scan(cli)
    six = children["six"].id
    first = next(c["case"] for c in doc["cases"] if c["id_number"] == six)
    cli("dropout", "close", first, "--as", "home_schooled", "--teacher", "王老师", "--reason", "送教", "--date", "2019-10-10")
    # The dropout ledger brings a second case for the same child, closed later as returned.
    ledger = write_xlsx(tmp_path / "辍学台账.xlsx", ["学生姓名", "身份证号码", "辍学年月"], [["刚满六岁", six, "2019-11"]],
                        text_columns=(1,))
    imported(cli, [ledger])
    second = json.loads(cli("dropout", "list", "--open", "--json").stdout)["cases"]
    second = next(c["case"] for c in second if c["id_number"] == six)
    assert cli("dropout", "close", second, "--as", "returned", "--school", "A小学", "--reason", "已返校",
               "--date", "2019-12-01").exit_code == 0
    later = [Child("在校生", date(2010, 1, 1), "东乡", school="A小学", grade="四年级")]
    imported(cli, write_county(tmp_path / "spring", later, term="2020春")[1:2])
    _, spring = _scan(cli, "2020春", "2020-03-10")
    assert six in {c["id_number"] for c in spring["cases"] if c["new"]}
