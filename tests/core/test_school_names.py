"""A school a clerk types after --school is resolved once (core/names.py): spaces and full-width forms do not count,
and a school the ledger does not know gets the same sentence, with the closest names, from every command."""

from __future__ import annotations

import json

import pytest

from helpers.files import write_xlsx
from helpers.pairing_ledger import County
from helpers.task_files import school_tasks_workbook
from jiaoyu_fupin.core.names import matching_name, resolve_school, resolve_township, text_key, unknown_school
from jiaoyu_fupin.core.problems import ClerkError

SPELLED = "城关　中学 "  # an ideographic (full-width) space inside, a plain one after


def test_the_resolver_takes_the_ledgers_spelling():
    names = ["城关第１小学", "城关中学", "河口乡中心小学"]
    assert resolve_school("城关 中学", names) == "城关中学"
    assert resolve_school("城关第1小学", names) == "城关第１小学"  # full-width digit in the list, half-width typed
    assert matching_name("县一中", names) is None
    assert text_key("Ａ小学（分校）") == "A小学(分校)"


def test_the_resolver_refuses_an_unknown_name_with_the_closest_ones():
    class Mine(ClerkError):
        pass

    with pytest.raises(Mine) as caught:
        resolve_school("城关小学", ["城关第一小学", "城关中学", "河口乡中心小学", "县第一高级中学"], Mine)
    assert caught.value.message == "学校“城关小学”不在台账的学校名单中；相近的有：城关第一小学、城关中学"
    assert "空格、全角半角不计" in caught.value.hint
    assert unknown_school("县一中", ["河口乡中心小学"]) == "学校“县一中”不在台账的学校名单中"
    with pytest.raises(ClerkError, match="台账中没有乡镇“城关”；相近的有：城关镇"):
        resolve_township("城关", ["城关镇", "河口乡"])


def _build_county(cli, folder):
    County().load(cli, folder / "in")
    result = cli("import", school_tasks_workbook(folder / "in" / "学校任务清单.xlsx"))
    assert result.exit_code == 0, result.output
    (folder / "责任书").mkdir()
    (folder / "月报").mkdir()


@pytest.fixture
def county(prebuilt, tmp_path):
    """The pairing county and a school task list; the folders the commands write into. Built once, copied."""
    prebuilt("school_names_county", _build_county)
    return tmp_path


def _school_task(cli) -> str:
    rows = json.loads(cli("task", "list", "--school", "城关中学", "--as-of", "2019-12-01", "--json").stdout)
    return str(rows[0]["number"])


# Every command that takes --school: (the arguments before --school, what its output says of the school).
COMMANDS = {
    "subsidy check": (["subsidy", "check", "--term", "2019秋"], "2019秋 学生资助核对（城关中学）"),
    "subsidy notice": (["subsidy", "notice", "--term", "2019秋", "--out", "公示.xlsx"], "（城关中学）"),  # no boarding: none to post
    "pair check": (["pair", "check", "--term", "2019秋"], "城关中学"),
    "pair assign": (["pair", "assign", "--term", "2019秋", "--dry-run"], "城关中学"),
    "pair handbook": (["pair", "handbook", "--term", "2019秋", "--out", "手册.xlsx"], "已生成城关中学结对帮扶手册"),
    "pair letters": (["pair", "letters", "--term", "2019秋", "--out", "责任书"], "学校领导帮扶班级 1 份"),
    "report monthly": (["report", "monthly", "--month", "2019-11", "--out", "月报"], "月报_2019-11_城关中学.xlsx"),
    "student find": (["student", "find", "张一"], "张一"),
    "task list": (["task", "list", "--as-of", "2019-12-01"], "城关中学的任务"),
    "task done": (["task", "done", "{task}", "--date", "2019-11-01", "--evidence", "校发〔2019〕1号"], "（城关中学）"),
    "task reopen": (["task", "reopen", "{task}", "--date", "2019-11-02", "--reason", "材料不全"], "（城关中学）"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_spaced_school_name_works_in_every_command(cli, county, command):
    args, shown = COMMANDS[command]
    if "{task}" in args:
        task = _school_task(cli)
        args = [task if a == "{task}" else a for a in args]
        if command == "task reopen":
            assert cli("task", "done", task, "--school", "城关中学", "--date", "2019-11-01", "--evidence", "x"
                       ).exit_code == 0
    result = cli(*args, "--school", SPELLED)
    assert result.exit_code in (0, 1), result.output  # 1: findings, never a refusal of the school
    assert "不在台账的学校名单中" not in result.output
    assert shown in " ".join(result.output.split()) or any(shown in p.name for p in county.rglob("*.xlsx"))
    if command == "report monthly":
        assert (county / "月报" / "月报_2019-11_城关中学.xlsx").exists()  # named as the ledger spells the school


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_unknown_school_gets_the_same_message_from_every_command(cli, county, command):
    args, _ = COMMANDS[command]
    args = ["1" if a == "{task}" else a for a in args]
    result = cli(*args, "--school", "城关小学")
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "学校“城关小学”不在台账的学校名单中；相近的有：城关第一小学、城关中学" in said, said
    assert "空格、全角半角不计" in said


def test_student_find_still_takes_part_of_a_name(cli, county):
    result = cli("student", "find", "张一", "--school", "城关 中")
    assert result.exit_code == 0 and "城关中学" in result.stdout


def test_the_school_list_is_the_ledgers_own(cli, tmp_path):
    """A name typed with a full-width digit finds the school whose list writes it half-width."""
    path = write_xlsx(tmp_path / "学校名单.xlsx", ["学校标识码", "学校名称", "学校类型", "所在乡镇"],
                      [["3452000001", "城关第1小学", "小学", "城关镇"]])
    assert cli("import", path).exit_code == 0
    (tmp_path / "月报").mkdir()
    result = cli("subsidy", "check", "--term", "2019秋", "--school", "城关第１小学")
    assert "不在台账的学校名单中" not in result.output  # the roll is missing, the school is not
