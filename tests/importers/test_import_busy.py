"""An import that finds an SQLite ledger's write lock held by another process (another clerk's import) waits for
it; past the wait it is refused in Chinese, naming the files, with exit 1 and nothing written, and the same
command succeeds once the other import is over."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROLL_HEADER, roll_rows, write_xlsx

pytestmark = pytest.mark.sqlite_only("SQLite's write lock; a PostgreSQL writer queues on its advisory lock")

# Another process, as another clerk's `fupin import` is: takes the write lock, says so, keeps it until told.
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO settings (key, value, updated_at) VALUES ('held', '1', '2026-01-01 00:00:00')")
print("holding", flush=True)
sys.stdin.readline()
conn.execute(sys.argv[2])
"""


@pytest.fixture
def roll(tmp_path):
    return write_xlsx(tmp_path / "学籍_城关.xlsx", ROLL_HEADER, roll_rows())


def _hold(db, then: str = "ROLLBACK") -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), then], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder


def _release(holder: subprocess.Popen) -> None:
    holder.communicate("\n", timeout=30)
    assert holder.returncode == 0


def test_an_import_kept_waiting_past_the_limit_is_refused_in_chinese(cli, schools, roll, monkeypatch):
    from jiaoyu_fupin.store import dialect

    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_MS", 300)  # two minutes in use
    before = cli.counts()
    holder = _hold(cli.db)
    try:
        result = cli("import", roll, "--term", "2019秋")
    finally:
        _release(holder)
    assert result.exit_code == 1, result.output
    assert "学籍_城关.xlsx 没有导入" in result.output
    assert "另一次导入" in result.output and "什么也没有写入" in result.output
    assert "重新运行同一条导入命令" in result.output
    assert "Traceback" not in result.output and "locked" not in result.output
    assert cli.counts() == before
    again = cli("import", roll, "--term", "2019秋")
    assert again.exit_code == 0, again.output
    assert cli.counts()["students"] == before["students"] + 3


def test_an_import_waits_for_the_one_before_it(cli, schools, roll, monkeypatch):
    """Within the wait, the import simply goes in after the other one (which committed its own rows)."""
    import threading

    from jiaoyu_fupin.store import dialect

    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_MS", 20_000)
    holder = _hold(cli.db, then="COMMIT")
    timer = threading.Timer(1.0, _release, (holder,))
    timer.start()
    try:
        result = cli("import", roll, "--term", "2019秋")
    finally:
        timer.join()
    assert result.exit_code == 0, result.output
    counts = cli.counts()
    assert counts["students"] == 3
    from conftest import query

    assert query(cli.db, "SELECT value FROM settings WHERE key = 'held'") == [("1",)]
