"""What the ledger or the disk refuses becomes a Chinese message and a non-zero exit, never a traceback, and leaves
the ledger as it was: a ledger from a newer fupin, a folder without permission, a lock held past the busy timeout,
a full disk."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime

import pytest

from conftest import ROLL_HEADER, roll_rows, write_xlsx
from helpers.sample_ledger import sample_files


@pytest.fixture
def roll(tmp_path):
    return write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, roll_rows())


def _plant_future_step(db, rename: bool = False, column: str = "students.id_number") -> None:
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('m099_future_step', ?)",
                 (datetime.now().isoformat(" "),))
    if rename:  # what the issue saw: a future step renamed a column this fupin reads
        table, name = column.split(".")
        conn.execute(f"ALTER TABLE {table} RENAME COLUMN {name} TO {name}_v2")
    conn.commit()
    conn.close()


def test_ledger_of_a_newer_fupin_is_never_written(cli, schools, roll):
    _plant_future_step(cli.db, rename=True)
    before = cli.counts()
    for args in (("import", roll, "--term", "2019秋"), ("init",), ("dropout", "scan", "--term", "2019秋"),
                 ("--policy", "nowhere.toml", "status")):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "请升级 fupin" in result.output, args
        assert "m099_future_step" in result.output
        assert "Traceback" not in result.output
    assert cli.counts() == before
    conn = sqlite3.connect(cli.db)
    assert conn.execute("SELECT count(*) FROM schema_migrations WHERE name = 'm099_future_step'").fetchone() == (1,)


def test_ledger_of_a_newer_fupin_is_read_with_a_warning(cli, schools):
    _plant_future_step(cli.db)
    result = cli("status")
    assert result.exit_code == 0
    assert "较新版本的 fupin" in result.output and "请升级 fupin" in result.output
    assert "学校" in result.output


def test_a_read_that_meets_a_renamed_column_says_to_upgrade(cli, schools, roll):
    assert cli("import", roll, "--term", "2019秋").exit_code == 0
    _plant_future_step(cli.db, rename=True, column="batches.file_name")
    result = cli("batches")
    assert result.exit_code == 2, result.output
    assert "请升级 fupin" in result.output
    assert "Traceback" not in result.output and "OperationalError" not in result.output


def test_init_in_a_folder_the_user_cannot_write(cli, tmp_path, monkeypatch):
    real_open = os.open

    def refuse(path, flags, mode=0o777, **kwargs):
        if str(path).endswith("ledger.db"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = cli("init")
    assert result.exit_code == 2
    assert "无法在文件夹" in result.output and "没有写入权限" in result.output
    assert "Permission denied" not in result.output
    assert not cli.db.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anywhere")
def test_init_in_a_read_only_folder(cli, tmp_path):
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        from jiaoyu_fupin.cli.main import app

        result = cli.runner.invoke(app, ["--db", str(folder / "fupin.db"), "init"])
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2 and "没有写入权限" in result.output


@pytest.fixture
def locked(cli, monkeypatch):
    """Another writer holds the ledger past the busy timeout (shortened from two minutes for the test)."""
    from jiaoyu_fupin.store import dialect

    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(cli.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield
    holder.execute("ROLLBACK")
    holder.close()


def test_import_waiting_past_the_busy_timeout(cli, schools, roll, request):
    before = cli.counts()
    request.getfixturevalue("locked")
    result = cli("import", roll, "--term", "2019秋")
    assert result.exit_code == 1  # refused, like a file with errors: the same command again will do
    assert "台账正被另一次导入" in result.output and "学籍.xlsx 没有导入" in result.output
    assert "Traceback" not in result.output and "locked" not in result.output
    assert cli.counts() == before  # readers are never blocked by the lock


def test_dropout_scan_waiting_past_the_busy_timeout(cli, schools, roll, request):
    assert cli("import", roll, "--term", "2019秋").exit_code == 0
    request.getfixturevalue("locked")
    result = cli("dropout", "scan", "--term", "2019秋")
    assert result.exit_code == 2
    assert "台账正被另一个程序占用" in result.output
    assert "Traceback" not in result.output


def test_import_on_a_full_disk_writes_nothing(cli, tmp_path_factory, monkeypatch):
    from jiaoyu_fupin.store import dialect

    files = sample_files(tmp_path_factory)
    assert cli("init").exit_code == 0
    before = cli.counts()
    pages = sqlite3.connect(cli.db).execute("PRAGMA page_count").fetchone()[0]
    pragmas = dialect._sqlite_pragmas

    def full_disk(dbapi_connection, record):
        pragmas(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 2}")  # what SQLite says when the disk is full

    monkeypatch.setattr(dialect, "_sqlite_pragmas", full_disk)
    result = cli("import", *files)
    assert result.exit_code == 2, result.output
    assert "磁盘空间已满" in result.output and "没有写入任何数据" in result.output
    assert "Traceback" not in result.output and "full" not in result.output
    monkeypatch.setattr(dialect, "_sqlite_pragmas", pragmas)
    assert cli.counts() == before
    assert sqlite3.connect(cli.db).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_workbook_on_a_full_disk(cli, tmp_path, monkeypatch):
    import openpyxl

    def full(self, filename):
        raise OSError(28, "No space left on device", str(filename))

    monkeypatch.setattr(openpyxl.Workbook, "save", full)
    result = cli("template", "roll", "--out", tmp_path / "模板.xlsx")
    assert result.exit_code == 2
    assert "磁盘空间已满" in result.output and "No space" not in result.output
    assert list(p.name for p in tmp_path.iterdir() if "模板" in p.name) == []


pytestmark = pytest.mark.sqlite_only("the file, its locks, PRAGMAs and the disk of an SQLite ledger")
