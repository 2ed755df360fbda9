"""Dropout cases: visits, closing with an outcome, reopening, the history, the list; and what is refused."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from helpers.county_files import Child, imported, write_county


def _scanned(cli, folder):
    kids = [Child("李小花", date(2011, 3, 3), "东乡", poor=True), Child("王小草", date(2009, 4, 4), "西乡"),
            Child("赵在校", date(2010, 1, 1), "东乡", school="A小学", grade="四年级")]
    imported(cli, write_county(folder / "files", kids))
    doc = json.loads(cli("dropout", "scan", "--term", "2019秋", "--json", "--date", "2019-10-08").stdout)
    return {c["name"]: c for c in doc["cases"]}


@pytest.fixture
def cases(prebuilt):
    """A small county scanned on 2019-10-08: its cases by name. Built once, copied into each test's ledger."""
    return prebuilt("dropout_cases", _scanned)


def _show(cli, case):
    result = cli("dropout", "show", case, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_visit_close_reopen_keeps_the_whole_history(cli, cases):
    case = str(cases["李小花"]["case"])
    assert cli("dropout", "visit", case, "--date", "2019-10-12", "--by", "王老师、李村长",
               "--result", "家长同意送回学校").exit_code == 0
    result = cli("dropout", "visit", case, "--date", "2019/10/20", "--by", "王老师", "--result", "仍未返校")
    assert result.exit_code == 0 and "共 2 次" in result.stdout
    result = cli("dropout", "close", case, "--as", "returned", "--reason", "已返校，班主任核实", "--school", "A小学",
                 "--date", "2019-10-25")
    assert result.exit_code == 0 and "已销号（劝返复学，2019-10-25）" in result.stdout
    result = cli("dropout", "reopen", case, "--reason", "2020春开学未到校", "--date", "2020-03-05")
    assert result.exit_code == 0
    doc = _show(cli, case)
    assert doc["case"]["status"] == "open" and doc["case"]["closed_as"] is None and doc["case"]["visits"] == 2
    assert [(e["action"], e["date"], e["outcome"]) for e in doc["events"]] == [
        ("opened", "2019-10-08", None), ("closed", "2019-10-25", "returned"), ("reopened", "2020-03-05", None)]
    assert doc["events"][1]["school"] == "A小学" and doc["events"][0]["term"] == "2019秋"
    assert [(v["date"], v["by"]) for v in doc["visits"]] == [("2019-10-12", "王老师、李村长"), ("2019-10-20", "王老师")]
    # The history on screen, in date order.
    shown = cli("dropout", "show", case).stdout
    assert shown.index("2019-10-08  立案") < shown.index("2019-10-12  劝返") < shown.index("2019-10-25  销号（劝返复学）")
    assert "2020-03-05  重新立案" in shown
    # Closing again after reopening is allowed, and adds to the history.
    assert cli("dropout", "close", case, "--as", "moved", "--reason", "随父母迁往外省", "--date", "2020-03-20").exit_code == 0
    assert [e["action"] for e in _show(cli, case)["events"]] == ["opened", "closed", "reopened", "closed"]


def test_show_of_a_case_from_the_dropout_ledger_starts_with_when_the_child_left(cli, cases, tmp_path):
    """A case imported from the 辍学台账 has no 'opened' event of its own: its history used to begin with the first
    visit, as if it had never been opened. It begins with the ledger's 辍学年月 and reason."""
    from helpers.files import make_id, write_xlsx

    child = make_id(date(2008, 5, 5), 77)
    ledger = write_xlsx(tmp_path / "辍学台账.xlsx", ["学生姓名", "身份证号码", "辍学年月", "辍学原因", "劝返时间", "劝返人员姓名"],
                        [["钱小树", child, "2019-09", "家庭困难", "2019-10-03", "王老师"]], text_columns=(1,))
    imported(cli, [ledger])
    shown = cli("dropout", "show", child).stdout
    assert "2019-09  立案（辍学台账）：家庭困难" in shown
    assert shown.index("2019-09  立案") < shown.index("2019-10-03  劝返")


def test_a_case_can_be_named_by_id_number(cli, cases):
    id_number = cases["王小草"]["id_number"]
    result = cli("dropout", "close", id_number, "--as", "home_schooled", "--reason", "重度残疾", "--teacher", "张老师",
                 "--date", "2019-11-01")
    assert result.exit_code == 0 and f"案件 {cases['王小草']['case']} 已销号" in result.stdout
    assert _show(cli, id_number)["events"][-1]["teacher"] == "张老师"


@pytest.mark.parametrize("word, code, extra", [
    ("劝返复学", "returned", ["--school", "A小学"]), ("送教上门", "home_schooled", ["--teacher", "张老师"]),
    ("缓学免学", "exempted", []), ("已迁出", "moved", []), ("非失学辍学", "not_a_case", []), ("送教", "home_schooled",
                                                                                     ["--teacher", "张老师"]),
])
def test_close_takes_the_outcome_in_the_words_a_clerk_types(cli, cases, word, code, extra):
    case = str(cases["李小花"]["case"])
    result = cli("dropout", "close", case, "--as", word, "--reason", "核实", "--date", "2019-10-25", *extra)
    assert result.exit_code == 0, result.output
    assert _show(cli, case)["events"][-1]["outcome"] == code


@pytest.mark.parametrize("args, message", [
    (["--as", "returned", "--reason", "已返校"], "--school"),
    (["--as", "home_schooled", "--reason", "送教"], "--teacher"),
    (["--as", "graduated", "--reason", "x"], "不认识的结案方式"),
    (["--as", "moved", "--reason", " "], "理由"),
    (["--as", "moved", "--reason", "迁出", "--until", "2020-01-01"], "--until"),
    (["--as", "moved", "--reason", "迁出", "--date", "2019-10-01"], "早于立案日期"),
    (["--as", "moved", "--reason", "迁出", "--date", "2019-13-01"], "无法识别"),
    (["--as", "moved", "--reason", "迁出", "--date", (date.today() + timedelta(days=2)).isoformat()], "今天"),
])
def test_close_misuse_exits_2_and_changes_nothing(cli, cases, args, message):
    case = str(cases["李小花"]["case"])
    result = cli("dropout", "close", case, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert _show(cli, case)["case"]["status"] == "open"
    assert [e["action"] for e in _show(cli, case)["events"]] == ["opened"]


def test_closing_a_closed_case_or_reopening_an_open_one_is_refused(cli, cases):
    case = str(cases["李小花"]["case"])
    assert cli("dropout", "close", case, "--as", "not_a_case", "--reason", "户籍已迁出", "--date", "2019-10-09").exit_code == 0
    result = cli("dropout", "close", case, "--as", "moved", "--reason", "x", "--date", "2019-10-10")
    assert result.exit_code == 1 and "已于 2019-10-09" in result.output and "reopen" in result.output
    other = str(cases["王小草"]["case"])
    result = cli("dropout", "reopen", other, "--reason", "x")
    assert result.exit_code == 1 and "尚未销号" in result.output


def test_list_keeps_ids_names_and_dates_whole_on_a_100_column_terminal(cli, cases, monkeypatch):
    """At 100 columns the masked ID showed as "42282…" and the name as one character: what tells cases apart."""
    from jiaoyu_fupin.cli import common

    cli("dropout", "visit", str(cases["李小花"]["case"]), "--date", "2019-10-12", "--by", "王老师", "--result", "x")
    monkeypatch.setattr(common.out, "width", 100)
    result = cli("dropout", "list")
    id_number = cases["李小花"]["id_number"]
    assert f"{id_number[:6]}********{id_number[-4:]}" in result.stdout
    assert "李小花" in result.stdout and "2019-10-12" in result.stdout


def test_close_at_a_school_not_in_the_list_names_the_closest_ones(cli, cases):
    """An out-of-county school is recorded as written; a slip for a county school says which one was meant."""
    result = cli("dropout", "close", str(cases["李小花"]["case"]), "--as", "returned", "--reason", "已返校",
                 "--school", "A小", "--date", "2019-10-25")
    assert result.exit_code == 0
    assert "学校“A小”不在台账的学校名单中；相近的有：A小学。可能在县外，已按所写记录" in " ".join(result.output.split())


def test_close_at_a_county_school_spelled_with_spaces_records_the_ledgers_name(cli, cases):
    result = cli("dropout", "close", str(cases["李小花"]["case"]), "--as", "returned", "--reason", "已返校",
                 "--school", "Ａ 小学", "--date", "2019-10-25")
    assert result.exit_code == 0, result.output
    assert "不在台账的学校名单中" not in result.output
    closed = [e for e in _show(cli, str(cases["李小花"]["case"]))["events"] if e["action"] == "closed"]
    assert [e["school"] for e in closed] == ["A小学"]


@pytest.mark.parametrize("case, message", [("999", "没有编号为 999 的案件"), ("422822201103030010", "身份证号")])
def test_unknown_cases_exit_2(cli, cases, case, message):
    result = cli("dropout", "visit", case, "--date", "2019-10-12", "--by", "王老师", "--result", "x")
    assert result.exit_code == 2 and message in result.output
    assert "422822201103030010" not in result.output  # an ID number is shown masked, even a wrong one


def test_list_filters_and_masks(cli, cases):
    cli("dropout", "close", str(cases["王小草"]["case"]), "--as", "moved", "--reason", "迁出", "--date", "2019-10-09")
    every = json.loads(cli("dropout", "list", "--json").stdout)["cases"]
    assert [c["name"] for c in every] == ["李小花", "王小草"]  # open first
    assert [c["name"] for c in json.loads(cli("dropout", "list", "--open", "--json").stdout)["cases"]] == ["李小花"]
    assert [c["name"] for c in json.loads(cli("dropout", "list", "--township", "西乡", "--json").stdout)["cases"]] == [
        "王小草"]
    # A township the ledger has never heard of is a slip, not "no cases there": exit 2 with the closest names.
    result = cli("dropout", "list", "--township", "西", "--open")
    assert result.exit_code == 2 and "台账中没有乡镇“西”；相近的有：西乡" in result.output
    assert cli("dropout", "list", "--township", "西乡", "--open").stdout.strip() == "没有符合条件的案件。"
    result = cli("dropout", "list")
    assert result.exit_code == 0 and "未销号 1 件" in result.stdout and "已销号（已迁出）" in result.stdout
    id_number = cases["李小花"]["id_number"]
    assert id_number not in result.stdout and f"{id_number[:6]}********{id_number[-4:]}" in result.stdout


def test_every_dropout_command_has_chinese_help():
    import typer.main

    from jiaoyu_fupin.cli.main import app

    group = typer.main.get_command(app).commands["dropout"]
    assert set(group.commands) == {"scan", "list", "show", "visit", "close", "reopen"}
    for sub in group.commands.values():
        assert sub.help and any("\u4e00" <= ch <= "\u9fff" for ch in sub.help), sub.name
        for param in sub.params:
            if param.name != "help":
                assert param.help and any("\u4e00" <= ch <= "\u9fff" for ch in param.help), (sub.name, param.name)


@pytest.mark.parametrize("case", ["abc", "第3件"])
def test_a_word_that_is_neither_a_case_number_nor_an_id_is_quoted_as_typed(cli, cases, case):
    """Not "“***”既不是案件编号…“ABC”不是身份证号": a word with no ID in it is neither masked nor upper-cased."""
    result = cli("dropout", "close", case, "--as", "returned", "--school", "A小学", "--reason", "x")
    assert result.exit_code == 2
    text = " ".join(result.stderr.split())
    assert f"“{case}”不是案件编号（案件编号是 fupin dropout list 第一列的数字），也不是身份证号" in text
    assert "***" not in text and "ABC" not in text
