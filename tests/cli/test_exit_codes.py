"""One refusal path and four exit codes: 0 ok, 1 findings or refused data, 2 misuse, 3 a crash (a bug).

A crash is never taken for findings: one Chinese line of apology, no traceback and no local variables on screen,
the traceback in a log only its owner can read, with no ID number in it."""

from __future__ import annotations

import stat

import pytest
from typer.testing import CliRunner

from jiaoyu_fupin.cli import crash
from jiaoyu_fupin.cli.main import app
from jiaoyu_fupin.core.problems import ClerkError

CHILD_ID = "422822200501011234"


@pytest.fixture
def ledger(tmp_path):
    db = tmp_path / "fupin.db"
    assert CliRunner().invoke(app, ["--db", str(db), "init"]).exit_code == 0
    return db


def _crash_in_counts(monkeypatch):
    from jiaoyu_fupin.store import ledger as ledgers

    def counts(self):
        secret = CHILD_ID  # noqa: F841 (a local holding a child's ID number: it must not reach the screen or the log)
        raise RuntimeError(f"boom while counting {CHILD_ID}")

    monkeypatch.setattr(ledgers.Ledger, "counts", counts)


def test_an_unexpected_error_exits_3_with_one_line_of_apology(ledger, tmp_path, monkeypatch):
    _crash_in_counts(monkeypatch)
    result = CliRunner().invoke(app, ["--db", str(ledger), "status"])
    assert result.exit_code == 3, result.output
    log = tmp_path / "state" / "fupin" / crash.LOG_NAME
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("错误：抱歉，fupin 内部出错") and str(log) in " ".join(result.output.split())
    for leaked in ("Traceback", "RuntimeError", "boom", "secret", CHILD_ID, "counts"):
        assert leaked not in result.output, leaked
    assert isinstance(result.exception, SystemExit)  # handled, not propagated


def test_the_crash_log_has_the_traceback_for_its_owner_only_and_no_id_number(ledger, tmp_path, monkeypatch):
    _crash_in_counts(monkeypatch)
    CliRunner().invoke(app, ["--db", str(ledger), "status"])
    CliRunner().invoke(app, ["--db", str(ledger), "status"])
    log = tmp_path / "state" / "fupin" / crash.LOG_NAME
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text(encoding="utf-8")
    assert text.count("Traceback (most recent call last)") == 2  # appended, one entry per crash
    assert "RuntimeError: boom while counting ******************" in text and "in counts" in text
    assert CHILD_ID not in text and "secret =" not in text.split("raise RuntimeError")[1]


def test_the_log_names_the_command_but_not_the_database_address(ledger, monkeypatch):
    assert crash.command_words(["--db", "postgresql://u:pw@host/x", "dropout", "show", CHILD_ID]) \
        == f"dropout show {CHILD_ID}"
    assert crash.command_words(["--db=postgresql://u:pw@host/x", "status"]) == "status"
    assert crash.blotted(f"show {CHILD_ID} 13812345678 line 42") == f"show {'*' * 18} {'*' * 11} line 42"


def test_a_log_that_cannot_be_written_still_gets_the_apology_and_exit_3(ledger, tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("a file where the state folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "blocked"))
    _crash_in_counts(monkeypatch)
    result = CliRunner().invoke(app, ["--db", str(ledger), "status"])
    assert result.exit_code == 3 and "详细信息无法写入日志文件" in result.output
    assert "Traceback" not in result.output


def test_a_crash_in_a_group_command_exits_3_too(ledger, monkeypatch):
    """subsidy check's findings exit 1: a bug inside it must not look like findings to cron."""
    from jiaoyu_fupin.checks.subsidy import coverage

    def broken(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(coverage, "check", broken)
    result = CliRunner().invoke(app, ["--db", str(ledger), "subsidy", "check", "--term", "2019秋"])
    assert result.exit_code == 3 and "抱歉" in result.output and "Traceback" not in result.output


def test_pretty_exceptions_are_off():
    assert app.pretty_exceptions_enable is False and app.pretty_exceptions_show_locals is False


@pytest.mark.parametrize(("misuse", "code"), [(True, 2), (False, 1)])
def test_a_clerk_error_is_rendered_once_with_its_hint(ledger, monkeypatch, misuse, code):
    from jiaoyu_fupin.store import ledger as ledgers

    def counts(self):
        raise ClerkError("台账里少了什么", "先导入它", misuse=misuse)

    monkeypatch.setattr(ledgers.Ledger, "counts", counts)
    result = CliRunner().invoke(app, ["--db", str(ledger), "status"])
    assert result.exit_code == code
    assert result.output.splitlines() == ["错误：台账里少了什么", "处理办法：先导入它"]


def test_misuse_and_refusal_keep_their_codes(ledger):
    runner = CliRunner()
    bad_term = runner.invoke(app, ["--db", str(ledger), "subsidy", "check", "--term", "2019冬"])
    assert bad_term.exit_code == 2 and "无法识别的学期“2019冬”" in bad_term.output
    bad_year = runner.invoke(app, ["--db", str(ledger), "rates", "--year", "1800"])
    assert bad_year.exit_code == 2 and "年份 1800 不在 1990–2100 之间" in bad_year.output
    assert "例：--year 2019" in bad_year.output
    no_roll = runner.invoke(app, ["--db", str(ledger), "report", "monthly", "--month", "2019-11"])
    assert no_roll.exit_code == 1 and "截至时间的台账中没有 2019秋 的学籍名册" in no_roll.output


def test_the_help_lists_every_exit_code():
    result = CliRunner().invoke(app, ["--help"])
    text = " ".join(result.output.split())
    for words in ("0 正常", "1 发现问题或数据被拒收", "2 用法错误", "3 程序内部出错"):
        assert words in text, words


def test_make_demo_accepts_findings_but_not_a_crash():
    """A check's `|| …` in make demo lets exit 1 (the sample's planted findings) through and nothing else."""
    from pathlib import Path

    makefile = (Path(__file__).parents[2] / "Makefile").read_text(encoding="utf-8")
    fallbacks = [line for line in makefile.splitlines() if "$(BIN)/fupin" in line and "||" in line]
    assert fallbacks, "demo runs the checks"
    for line in fallbacks:
        assert line.rstrip().endswith("|| test $$? -eq 1"), line
