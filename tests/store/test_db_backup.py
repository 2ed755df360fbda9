"""`fupin db backup`, `fupin db verify`, `fupin db restore` on the sample county's ledger."""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from helpers.sample_ledger import copy_ledger, county_ledger
from jiaoyu_fupin.store.migrations import schema_version


@pytest.fixture
def county(tmp_path_factory, cli):
    copy_ledger(county_ledger(tmp_path_factory), cli.db)
    return cli


def _sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _one(db: Path, query: str):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query).fetchone()
    finally:
        conn.close()


def _digest(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_a_clean_ledger_verifies(county):
    result = county("db", "verify")
    assert result.exit_code == 0, result.output
    batches = _one(county.db, "SELECT count(*) FROM batches")[0]
    assert f"{batches} 个批次的行数和金额与导入时一致" in result.output
    doc = json.loads(county("db", "verify", "--json").stdout)
    assert doc["ok"] is True and doc["findings"] == [] and doc["schema_version"] == schema_version()


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_import_records_what_each_batch_wrote(county):
    # The payments' batch wrote its rows and its money: the sum of the roster, by hand from the table.
    rows, fen = _one(county.db, "SELECT written_rows, written_amount FROM batches WHERE kind = 'payments' LIMIT 1")
    batch = _one(county.db, "SELECT id FROM batches WHERE kind = 'payments' LIMIT 1")[0]
    assert (rows, fen) == _one(county.db, f"SELECT count(*), sum(amount) FROM payments WHERE batch_id = {batch}")
    assert rows > 0 and fen > 0


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_verify_finds_a_lost_payment_and_an_altered_amount(county):
    first, second = [r[0] for r in sqlite3.connect(county.db).execute(
        "SELECT id FROM batches WHERE kind = 'payments' ORDER BY id LIMIT 2")]
    _sql(county.db, f"DELETE FROM payments WHERE id = (SELECT min(id) FROM payments WHERE batch_id = {first})",
         f"UPDATE payments SET amount = amount + 100 WHERE id = (SELECT min(id) FROM payments WHERE batch_id = {second})")
    result = county("db", "verify")
    assert result.exit_code == 1
    assert f"批次 #{first}" in result.output and "现有" in result.output
    assert f"批次 #{second}" in result.output and "发放金额合计" in result.output
    assert "多 1 元" not in result.output  # the amounts themselves are quoted, not a guess at the difference


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_verify_finds_broken_references(county):
    _sql(county.db, "PRAGMA foreign_keys = OFF", "UPDATE enrollments SET student_id = 999999 WHERE id = 1")
    result = county("db", "verify")
    assert result.exit_code == 1
    assert "表 enrollments 有 1 行引用了表 students 中不存在的记录" in result.output


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_verify_finds_a_damaged_file(county):
    _sql(county.db, "PRAGMA wal_checkpoint(TRUNCATE)")
    size = county.db.stat().st_size
    with county.db.open("r+b") as f:
        f.seek(size // 2)
        f.write(b"\xff" * 8192)
    result = county("db", "verify")
    assert result.exit_code == 1, result.output
    assert "完整性检查未通过" in result.output or "已损坏" in result.output
    assert "Traceback" not in result.output


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_verify_a_ledger_from_a_newer_fupin(county):
    _sql(county.db, "INSERT INTO schema_migrations VALUES ('m099_future_step', '2030-01-01 00:00:00')")
    result = county("db", "verify")
    assert result.exit_code == 1 and "请升级 fupin" in result.output


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_backup_is_private_verified_and_audited(county, tmp_path):
    target = tmp_path / "备份" / "fupin_20191120.db"
    target.parent.mkdir()
    result = county("db", "backup", target)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not Path(f"{target}-wal").exists()
    assert county("db", "verify", target).exit_code == 0
    students = _one(county.db, "SELECT count(*) FROM students")[0]
    for db in (county.db, target):  # the backup holds the record of its own making
        assert _one(db, "SELECT command, output, people FROM audit_records") == (
            f"fupin db backup {target}", str(target.resolve()), students)
    assert list(target.parent.iterdir()) == [target]


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_backup_never_overwrites(county, tmp_path):
    target = tmp_path / "old.db"
    target.write_bytes(b"an older backup")
    result = county("db", "backup", target)
    assert result.exit_code == 2 and "已存在" in result.output
    assert target.read_bytes() == b"an older backup"


def test_backup_of_a_postgresql_ledger_points_to_pg_dump():
    from jiaoyu_fupin.store.backup import BackupError, ledger_file

    with pytest.raises(BackupError) as refused:
        ledger_file("postgresql://fupin:secret@localhost/fupin")
    assert "pg_dump" in refused.value.hint and "secret" not in refused.value.message


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_backup_while_an_import_is_writing_holds_all_of_it_or_none(county, tmp_path):
    importing = sqlite3.connect(county.db, isolation_level=None, check_same_thread=False)
    importing.execute("BEGIN IMMEDIATE")  # an import holds the write lock and has written half its rows
    importing.execute("INSERT INTO batches (file_name, sha256, kind, imported_at, rows, new_rows, changed_rows,"
                      " unchanged_rows) VALUES ('半途.xlsx', 'x', 'roll', '2030-01-01 00:00:00', 1, 1, 0, 0)")
    before = _one(county.db, "SELECT count(*) FROM batches")[0]
    # The import commits a moment later: the copy, taken at once, holds none of it; the audit record waited for it.
    threading.Timer(1.0, lambda: (importing.execute("COMMIT"), importing.close())).start()
    result = county("db", "backup", tmp_path / "during.db")
    assert result.exit_code == 0, result.output
    assert _one(tmp_path / "during.db", "SELECT count(*) FROM batches")[0] == before
    assert _one(county.db, "SELECT count(*) FROM batches")[0] == before + 1
    assert _one(tmp_path / "during.db", "SELECT count(*) FROM audit_records")[0] == 1
    assert _one(county.db, "SELECT count(*) FROM audit_records")[0] == 1
    assert county("db", "backup", tmp_path / "after.db").exit_code == 0
    assert _one(tmp_path / "after.db", "SELECT count(*) FROM batches")[0] == before + 1


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_no_backup_without_its_audit_record(county, tmp_path, monkeypatch):
    from jiaoyu_fupin.store import dialect

    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_MS", 200)
    importing = sqlite3.connect(county.db, isolation_level=None)
    importing.execute("BEGIN IMMEDIATE")  # an import that goes on past the busy timeout
    try:
        result = county("db", "backup", tmp_path / "b.db")
    finally:
        importing.execute("ROLLBACK")
        importing.close()
    assert result.exit_code == 2 and "台账正被另一个程序占用" in result.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(("b.db", ".b.db"))] == []


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_restore_puts_the_backup_in_place_and_keeps_the_ledger_aside(county, tmp_path):
    backup = tmp_path / "b.db"
    assert county("db", "backup", backup).exit_code == 0
    _sql(county.db, "DELETE FROM dropout_visits", "DELETE FROM help_activities")  # a mistake after the backup
    assert county("subsidy", "check", "--term", "2019秋", "--json").exit_code == 1  # audited, after the backup
    mistaken = _digest(county.db)
    gc.collect()  # the commands run in this process leave their pooled connections to the collector
    result = county("db", "restore", backup)
    assert result.exit_code == 0, result.output
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("ledger.db.恢复前_")]
    assert len(aside) == 1 and f"恢复前的台账保留为 {aside[0]}" in result.output
    assert _digest(aside[0]) == mistaken  # kept as it was
    assert stat.S_IMODE(aside[0].stat().st_mode) == 0o600
    assert _one(county.db, "SELECT count(*) FROM help_activities")[0] > 0
    assert "1 条审计记录已保留" in result.output
    commands = [r[0] for r in sqlite3.connect(county.db).execute("SELECT command FROM audit_records ORDER BY id")]
    assert commands == [f"fupin db backup {backup}", "fupin subsidy check --term 2019秋 --json"]
    assert county("db", "verify").exit_code == 0


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_restore_refuses_a_backup_that_fails_verify(county, tmp_path):
    backup = tmp_path / "b.db"
    assert county("db", "backup", backup).exit_code == 0
    _sql(backup, "DELETE FROM payments WHERE id = 1")
    before = _digest(county.db)
    result = county("db", "restore", backup)
    assert result.exit_code == 1
    assert "未通过检查，没有恢复" in result.output and "批次 #" in result.output
    assert _digest(county.db) == before
    assert not [p for p in tmp_path.iterdir() if "恢复前" in p.name]


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_restore_refuses_a_file_that_is_no_ledger(county, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04 a workbook, not a ledger" * 100)
    before = _digest(county.db)
    result = county("db", "restore", junk)
    assert result.exit_code == 1 and "损坏" in result.output
    assert _digest(county.db) == before


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_restore_waits_for_other_commands_to_finish(county, tmp_path):
    backup = tmp_path / "b.db"
    assert county("db", "backup", backup).exit_code == 0
    reader = sqlite3.connect(county.db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM students").fetchone()  # a report reading the ledger
    try:
        result = county("db", "restore", backup)
    finally:
        reader.close()
    assert result.exit_code == 2 and "正被其他程序使用" in result.output
    assert not [p for p in tmp_path.iterdir() if "恢复前" in p.name]


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_restore_onto_a_new_machine(county, tmp_path):
    backup = tmp_path / "b.db"
    assert county("db", "backup", backup).exit_code == 0
    fresh = tmp_path / "新机器" / "fupin.db"
    from jiaoyu_fupin.cli.main import app

    missing = county.runner.invoke(app, ["--db", str(fresh), "db", "restore", str(backup)])
    assert missing.exit_code == 2 and "不存在" in missing.output
    fresh.parent.mkdir()
    result = county.runner.invoke(app, ["--db", str(fresh), "db", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert "保留为" not in result.output
    assert _digest(fresh) == _digest(backup)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
