"""Start-up: the commands that only read a little of the ledger load none of the heavy libraries.

Each command runs in a fresh interpreter (as a clerk runs it) through a wrapper that writes down, when the command
ends, which of the heavy modules it imported. Behaviour, not timing: bench/bench_startup.py measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.sample_ledger import copy_ledger

HEAVY = ("pandas", "numpy", "pyarrow", "openpyxl", "fastexcel", "python_calamine", "docx")
# The command, then the modules it imported, written to the file named by the first argument.
WRAPPER = """
import json, runpy, sys
out, sys.argv = sys.argv[1], ["fupin", *sys.argv[2:]]
try:
    runpy.run_module("jiaoyu_fupin", run_name="__main__")
finally:
    with open(out, "w") as fh:
        json.dump(sorted(sys.modules), fh)
"""


def run_fupin(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    modules = tmp_path / "modules.json"
    env = {**os.environ, "FUPIN_DB": str(tmp_path / "fupin.db"), "COLUMNS": "160"}
    done = subprocess.run([sys.executable, "-c", WRAPPER, str(modules), *args], env=env, capture_output=True,
                          text=True, check=False)
    return done, set(json.loads(modules.read_text()))


@pytest.fixture(scope="module")
def _initialized(tmp_path_factory) -> Path:
    """A ledger `fupin init` made, in a fresh interpreter; once for the module (each test reads its own copy)."""
    folder = tmp_path_factory.mktemp("initialized")
    done, _ = run_fupin(folder, "init")
    assert done.returncode == 0, done.stderr
    return folder / "fupin.db"


@pytest.fixture
def fresh_ledger(tmp_path, _initialized):
    copy_ledger(_initialized, tmp_path / "fupin.db")
    return tmp_path


@pytest.mark.parametrize("args", [["status"], ["status", "--json"], ["batches"], ["config", "show"], ["--help"]])
def test_reading_commands_import_no_heavy_library(fresh_ledger, args):
    done, modules = run_fupin(fresh_ledger, *args)
    assert done.returncode == 0, done.stderr
    assert [m for m in HEAVY if m in modules] == []


def test_status_shows_the_ledger_without_building_the_models(fresh_ledger):
    """status counts the tables and lists the batches without sqlmodel (pydantic's schemas for every table)."""
    done, modules = run_fupin(fresh_ledger, "status")
    assert done.returncode == 0, done.stderr
    assert "资助项目" in done.stdout and "还没有导入任何文件" in done.stdout
    assert "sqlmodel" not in modules and "jiaoyu_fupin.store.models" not in modules


def test_typer_help_module_is_loaded_only_for_help_or_an_error(fresh_ledger):
    """Typer's help module (rich.markdown and friends) is left out of a plain command, and when it is loaded for
    help or a misuse its labels are still Chinese."""
    done, modules = run_fupin(fresh_ledger, "status")
    assert "typer.rich_utils" not in modules and "rich.markdown" not in modules

    done, modules = run_fupin(fresh_ledger, "status", "--help")
    assert done.returncode == 0 and "typer.rich_utils" in modules
    assert "选项" in done.stdout and "显示本帮助并退出" in done.stdout and "Options" not in done.stdout

    done, _ = run_fupin(fresh_ledger, "status", "--bogus")
    assert done.returncode == 2
    assert "错误" in done.stderr and "没有 --bogus 这个选项" in done.stderr and "No such option" not in done.stderr


def test_status_lists_batches_read_without_the_models(tmp_path, fresh_ledger):
    """The batch list status shows (read by name, with Core) carries the times and counts the batch recorded."""
    roll = tmp_path / "学校.csv"
    roll.write_text("学校名称,学校类型,所属乡镇\n白杨乡中心小学,小学,白杨乡\n", encoding="utf-8")
    done, _ = run_fupin(fresh_ledger, "import", str(roll))
    assert done.returncode == 0, done.stderr
    done, _ = run_fupin(fresh_ledger, "status", "--json")
    assert done.returncode == 0, done.stderr
    (batch,) = json.loads(done.stdout)["last_batches"]
    assert batch["file_name"] == "学校.csv" and batch["kind"] == "schools"
    assert batch["rows"] == 1 and batch["new"] == 1 and batch["changed"] == 0
    assert batch["imported_at"][:4].isdigit() and batch["imported_at"] == batch["effective_at"]
