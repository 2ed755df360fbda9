"""The command line as a user meets it: Chinese help, exit codes, status JSON, a light start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from jiaoyu_fupin.cli.main import app


def _commands():
    import typer.main

    group = typer.main.get_command(app)
    return group, sorted(group.commands)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _walk(group, path=()):
    """Every command under the group, sub-groups (subsidy, pair, dropout, report …) included."""
    for name in sorted(group.commands):
        command = group.commands[name]
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _walk(command, (*path, name))


def test_every_command_and_option_has_chinese_help():
    group, names = _commands()
    assert {"init", "status", "import", "batches", "template", "sample", "subsidy"} <= set(names)
    assert _has_chinese(group.help)
    walked = dict(_walk(group))
    assert ("subsidy", "check") in walked
    for path, command in walked.items():
        name = " ".join(path)
        assert command.help and _has_chinese(command.help), name
        for param in command.params:
            if param.name in ("help",):
                continue
            assert getattr(param, "help", None) and _has_chinese(param.help), f"{name} {param.name}"


@pytest.mark.parametrize("args", [["--help"], ["import", "--help"], ["status", "--help"]])
def test_help_reads_in_chinese(args):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    assert "显示本帮助并退出" in result.output and "选项" in result.output


def test_misuse_exits_2(db):
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "no-such-command"]).exit_code == 2
    assert runner.invoke(app, ["--db", str(db), "import"]).exit_code == 2
    assert runner.invoke(app, ["--db", str(db), "import", "x.xlsx", "--kind", "bogus"]).exit_code == 2


def test_status_json_counts(cli):
    assert cli("init").exit_code == 0
    result = cli("status", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    for table in ("schools", "students", "payments", "helpers", "pairings", "batches"):
        assert doc["counts"][table] == 0
    assert doc["counts"]["programs"] == 10
    from jiaoyu_fupin.store.migrations import MIGRATIONS

    assert doc["schema_version"] == MIGRATIONS[-1].__name__  # every step applied, whichever is the last
    assert doc["last_batches"] == []


def test_fupin_db_env_and_option_agree(tmp_path):
    """FUPIN_DB=/tmp/x.db fupin init && fupin --db /tmp/x.db status --json"""
    fupin = os.path.join(os.path.dirname(sys.executable), "fupin")
    target = tmp_path / "x.db"
    env = {**os.environ, "FUPIN_DB": str(target)}
    assert subprocess.run([fupin, "init"], env=env, capture_output=True, check=False).returncode == 0
    done = subprocess.run([fupin, "--db", str(target), "status", "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["students"] == 0


def test_help_does_not_import_pandas_or_openpyxl():
    code = (
        "import sys\n"
        "from jiaoyu_fupin.cli.main import app\n"
        "from typer.testing import CliRunner\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "CliRunner().invoke(app, ['import', '--help'])\n"
        "heavy = [m for m in ('pandas', 'openpyxl', 'numpy', 'pyarrow', 'fastexcel') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_unopenable_database_is_misuse(tmp_path):
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "missing" / "x.db"), "status"])
    assert result.exit_code == 2
    assert "文件夹不存在" in result.output


@pytest.mark.parametrize("args", [
    ["status"], ["subsidy", "standards"], ["subsidy", "check", "--term", "2019秋"], ["dropout", "list"],
    ["rates", "--year", "2019"], ["pair", "check", "--term", "2019秋"], ["report", "monthly", "--month", "2019-11"],
])
def test_a_ledger_file_that_does_not_exist_is_misuse_and_is_not_created(tmp_path, args):
    """A mistyped --db used to create an empty ledger and then report "no roll for 2019秋", sending the clerk to
    re-import what is already in the real ledger; only init (and import) create a ledger."""
    typo = tmp_path / "fupin2019.db"
    result = CliRunner().invoke(app, ["--db", str(typo), *args])
    assert result.exit_code == 2
    assert f"台账文件“{typo}”不存在" in result.output and "fupin init" in result.output
    assert not typo.exists() and not list(tmp_path.glob("*.xlsx"))


def test_init_creates_the_ledger_a_later_command_opens(tmp_path):
    target = tmp_path / "fupin.db"
    assert CliRunner().invoke(app, ["--db", str(target), "init"]).exit_code == 0
    assert CliRunner().invoke(app, ["--db", str(target), "subsidy", "standards"]).exit_code == 0


@pytest.mark.parametrize("args, expected", [
    (["subsidy", "chek"], "没有“chek”这个命令；是不是 check？"),
    (["issues"], "没有“issues”这个命令"),
    (["subsidy", "check"], "缺少必填的选项 --term"),
    (["subsidy", "check", "--term"], "选项 --term 后面要写一个值"),
    (["subsidy", "check", "--term", "2019秋", "--bogus"], "没有 --bogus 这个选项"),
    (["subsidy", "check", "--term", "2019秋", "--json=1"], "选项 --json 后面不写值"),
    (["subsidy", "check", "--term", "2019秋", "extra"], "多余的参数：extra"),
    (["rates", "--year", "abc"], "--year 的值不对：须为整数"),
    (["sample", "--out", "x", "--scale", "abc"], "--scale 的值不对：须为数字"),
    (["dropout", "show"], "缺少必填的参数：案件编号"),
])
def test_usage_errors_are_in_chinese(tmp_path, args, expected):
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), *args])
    assert result.exit_code == 2
    text = " ".join(result.output.split())  # the error panel wraps long lines
    assert expected in text
    for english in ("No such", "Missing", "Invalid value", "requires an argument", "Got unexpected", "take a value"):
        assert english not in text


@pytest.mark.parametrize("args", [
    ["subsidy", "check", "--term", "2019秋", "--out", "{gone}/资助核对.xlsx"],
    ["subsidy", "notice", "--term", "2019秋", "--out", "{gone}/公示.xlsx"],
    ["pair", "check", "--term", "2019秋", "--out", "{gone}/结对.xlsx"],
    ["pair", "handbook", "--school", "城关中学", "--term", "2019秋", "--out", "{gone}/手册.xlsx"],
    ["rates", "--year", "2019", "--out", "{gone}/指标.xlsx"],
    ["report", "summary", "--year", "2019", "--out", "{gone}/总结.xlsx"],
    ["report", "summary", "--year", "2019", "--out", "总结.xlsx", "--narrative", "{gone}/总结.md"],
    ["report", "monthly", "--month", "2019-11", "--out", "{gone}"],
    ["report", "monthly", "--month", "2019-11", "--out", "月报.xlsx"],
    ["pair", "letters", "--out", "{gone}"],
    ["template", "roll", "--out", "{gone}/学籍模板.xlsx"],
])
def test_output_into_a_folder_that_does_not_exist_is_misuse_and_creates_nothing(tmp_path, args):
    db = tmp_path / "fupin.db"
    assert CliRunner().invoke(app, ["--db", str(db), "init"]).exit_code == 0
    # Only the last folder of a path is ever made (README: --out 责任书): here its parent is missing too.
    gone = tmp_path / "没有这个文件夹" / "下一级"
    result = CliRunner().invoke(app, ["--db", str(db), *(a.format(gone=gone) for a in args)])
    assert result.exit_code == 2
    assert f"所在的文件夹“{gone}”不存在" in " ".join(result.output.split()) or "月报.xlsx" in result.output
    assert not gone.parent.exists() and not (tmp_path / "月报.xlsx").exists()


def test_narrative_onto_an_existing_folder_is_refused_before_the_workbook_is_written(tmp_path):
    db = tmp_path / "fupin.db"
    assert CliRunner().invoke(app, ["--db", str(db), "init"]).exit_code == 0
    (tmp_path / "总结.md").mkdir()
    result = CliRunner().invoke(app, ["--db", str(db), "report", "summary", "--year", "2019",
                                      "--out", str(tmp_path / "总结.xlsx"), "--narrative", str(tmp_path / "总结.md")])
    assert result.exit_code == 2 and "是一个已有的文件夹" in result.output
    assert not (tmp_path / "总结.xlsx").exists()


def test_output_onto_an_existing_folder_is_refused_before_anything_is_printed(tmp_path):
    db = tmp_path / "fupin.db"
    assert CliRunner().invoke(app, ["--db", str(db), "init"]).exit_code == 0
    (tmp_path / "核对.xlsx").mkdir()
    result = CliRunner().invoke(app, ["--db", str(db), "rates", "--year", "2019", "--json", "--out", str(tmp_path / "核对.xlsx")])
    assert result.exit_code == 2 and "是一个已有的文件夹" in result.output and result.stdout == ""


def test_a_database_url_whose_driver_is_not_installed_is_misuse_not_a_traceback(tmp_path):
    result = CliRunner().invoke(app, ["--db", "oracle+cx_oracle://u:p@localhost/ledger", "status"])
    assert result.exit_code == 2
    assert "无法打开台账数据库" in result.output and "cx_Oracle" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_traceback_hides_local_variables():
    assert app.pretty_exceptions_show_locals is False


def test_template_command(cli, tmp_path):
    out = tmp_path / "学籍模板.xlsx"
    result = cli("template", "roll", "--out", out)
    assert result.exit_code == 0 and "学籍名册模板" in result.output
    import openpyxl

    wb = openpyxl.load_workbook(out)
    headers = [c.value for c in wb.worksheets[1][1]]
    assert "身份证号" in headers and "姓名" in headers and "学期" in headers
    bad = cli("template", "bogus", "--out", tmp_path / "x.xlsx")
    assert bad.exit_code == 2 and "roll" in bad.output


def test_sheet_option_picks_the_sheet(cli, tmp_path):
    from helpers.files import write_xlsx

    path = write_xlsx(tmp_path / "pay.xlsx", ["姓名", "身份证号码", "资助项目", "资助金额", "学期"], [],
                      sheet="发放名册", before_sheets=["说明"])
    result = cli("import", path, "--sheet", "不存在")
    assert result.exit_code == 1 and "没有名为“不存在”的工作表" in result.output


def test_help_never_shows_python_type_names():
    """<str>, <bool>, <list[Path]> meant nothing to a clerk: the value column says 文字, 整数, 路径 or nothing."""
    import re

    from typer.main import get_command

    from jiaoyu_fupin.cli.main import app

    runner = CliRunner()
    root = get_command(app)
    paths = [[]]
    for name, command in root.commands.items():
        paths.append([name])
        paths.extend([name, sub] for sub in getattr(command, "commands", {}))
    for path in paths:
        shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"}).output
        assert not re.search(r"<(str|bool|int|float|path|list\[)", shown), (path, shown)
    shown = runner.invoke(app, ["import", "--help"], env={"COLUMNS": "200"}).output
    assert "路径…" in shown and "文字" in shown


def test_import_kind_may_be_named_in_chinese(tmp_path):
    from jiaoyu_fupin.importers.columns import kind_code, kind_title

    assert kind_code("学籍名册") == kind_code("roll") == kind_code("学籍") == "roll"
    assert kind_code("发放名册") == "payments" and kind_code("什么表") is None
    assert kind_title("payments") == "资助发放名册" and kind_title(None) == ""


def test_template_and_import_take_the_kind_in_chinese(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["template", "学籍名册", "--out", str(tmp_path / "模板.xlsx")])
    assert result.exit_code == 0 and "已生成学籍名册模板" in result.output
    result = runner.invoke(app, ["--db", str(tmp_path / "x.db"), "import", str(tmp_path / "模板.xlsx"), "--kind", "什么表"])
    assert result.exit_code == 2 and "不认识的文件类型“什么表”" in result.output and "学籍名册（roll）" in result.output


def test_the_one_missing_folder_of_an_output_is_made_and_said(tmp_path, monkeypatch):
    """Every command alike: the last folder of the path is made and named on screen, never silently; a path whose
    parent is missing is refused with the same message everywhere (the parametrized test above)."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["template", "roll", "--out", "模板/学籍模板.xlsx"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "模板" / "学籍模板.xlsx").is_file() and "已新建文件夹“模板”" in result.stderr
    again = CliRunner().invoke(app, ["template", "roll", "--out", "模板/学籍模板2.xlsx"])
    assert again.exit_code == 0 and "已新建" not in again.stderr


def test_an_error_workbook_is_never_written_into_a_tree_fupin_would_have_to_grow(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "学籍.csv"
    bad.write_text("姓名,身份证件号,学校名称,年级,学期\n张三,123,城关中学,八年级,2019秋\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "fupin.db"), "import", str(bad), "--errors",
                                      str(tmp_path / "无" / "更无" / "错误.xlsx")])
    assert result.exit_code == 1
    assert "无法写入错误工作簿" in result.stderr and "不存在" in result.stderr
    assert not (tmp_path / "无").exists()


def test_as_of_is_described_as_it_works_on_every_database():
    """--as-of copies any ledger (a PostgreSQL one too) into a temporary SQLite file; only a ledger in memory is
    refused. The help and the README used to say it worked on SQLite only, the README's PostgreSQL section otherwise."""
    from pathlib import Path

    for command in (["report", "monthly", "--help"], ["report", "summary", "--help"]):
        text = " ".join(CliRunner().invoke(app, command).output.split())
        assert "只支持 SQLite" not in text and "PostgreSQL" in text
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "只支持 SQLite 台账" not in readme and "其他数据库加 `--as-of` 时退出码 2" not in readme
    assert "SQLite 台账和 PostgreSQL 台账都可以用 `--as-of`" in readme


@pytest.mark.parametrize(("command", "usage"), [
    (["batches", "revert", "--help"], "用法: fupin batches revert [选项] 批次编号"),
    (["dropout", "visit", "--help"], "用法: fupin dropout visit [选项] 案件"),
    (["import", "--help"], "用法: fupin import [选项] 文件..."),
    (["task", "done", "--help"], "用法: fupin task done [选项] 任务编号"),
    (["db", "verify", "--help"], "用法: fupin db verify [选项] [备份文件]"),
    (["dropout", "--help"], "用法: fupin dropout [选项] 命令 [参数]..."),
])
def test_usage_lines_are_chinese(command, usage):
    text = " ".join(CliRunner().invoke(app, command, prog_name="fupin").output.split())
    assert usage in text
    assert "OPTIONS" not in text and "{" not in text and "COMMAND" not in text and "Usage" not in text


def test_a_wrong_argument_is_named_in_chinese(tmp_path):
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "batches", "revert", "abc"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "批次编号 的值不对：须为整数" in text and "batch 的值" not in text and "{" not in text
