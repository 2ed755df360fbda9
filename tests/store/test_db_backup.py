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

from jiaoyu_fupin.store.migrations import schema_version


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


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_a_clean_ledger_verifies(sample_ledger):
    result = sample_ledger("db", "verify")
    assert result.exit_code == 0, result.output
    batches = _one(sample_ledger.db, "SELECT count(*) FROM batches WHERE kind != 'revert'")[0]
    assert f"{batches} 个批次的行数和金额与导入时一致" in result.output  # a revert has no rows of its own
    doc = json.loads(sample_ledger("db", "verify", "--json").stdout)
    assert doc["ok"] is True and doc["findings"] == [] and doc["schema_version"] == schema_version()


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_import_records_what_each_batch_wrote(sample_ledger):
    # The payments' batch wrote its rows and its money: the sum of the roster, by hand from the table.
    rows, fen = _one(sample_ledger.db, "SELECT written_rows, written_amount FROM batches WHERE kind = 'payments' LIMIT 1")
    batch = _one(sample_ledger.db, "SELECT id FROM batches WHERE kind = 'payments' LIMIT 1")[0]
    assert (rows, fen) == _one(sample_ledger.db, f"SELECT count(*), sum(amount) FROM payments WHERE batch_id = {batch}")
    assert rows > 0 and fen > 0


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_verify_finds_a_lost_payment_and_an_altered_amount(sample_ledger):
    first, second = [r[0] for r in sqlite3.connect(sample_ledger.db).execute(
        "SELECT id FROM batches WHERE kind = 'payments' ORDER BY id LIMIT 2")]
    _sql(sample_ledger.db, f"DELETE FROM payments WHERE id = (SELECT min(id) FROM payments WHERE batch_id = {first})",
         f"UPDATE payments SET amount = amount + 100 WHERE id = (SELECT min(id) FROM payments WHERE batch_id = {second})")
    result = sample_ledger("db", "verify")
    assert result.exit_code == 1
    assert f"批次 #{first}" in result.output and "现有" in result.output
    assert f"批次 #{second}" in result.output and "发放金额合计" in result.output
    assert "多 1 元" not in result.output  # the amounts themselves are quoted, not a guess at the difference


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_verify_finds_broken_references(sample_ledger):
    _sql(sample_ledger.db, "PRAGMA foreign_keys = OFF", "UPDATE enrollments SET student_id = 999999 WHERE id = 1")
    result = sample_ledger("db", "verify")
    assert result.exit_code == 1
    assert "表 enrollments 有 1 行引用了表 students 中不存在的记录" in result.output


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_verify_finds_a_damaged_file(sample_ledger):
    _sql(sample_ledger.db, "PRAGMA wal_checkpoint(TRUNCATE)")
    size = sample_ledger.db.stat().st_size
    with sample_ledger.db.open("r+b") as f:
        f.seek(size // 2)
        f.write(b"\xff" * 8192)
    result = sample_ledger("db", "verify")
    assert result.exit_code == 1, result.output
    assert "完整性检查未通过" in result.output or "已损坏" in result.output
    assert "Traceback" not in result.output


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_verify_a_ledger_from_a_newer_fupin(sample_ledger):
    _sql(sample_ledger.db, "INSERT INTO schema_migrations VALUES ('m099_future_step', '2030-01-01 00:00:00')")
    result = sample_ledger("db", "verify")
    assert result.exit_code == 1 and "请升级 fupin" in result.output


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_backup_is_private_verified_and_audited(sample_ledger, tmp_path):
    target = tmp_path / "备份" / "fupin_20191120.db"
    target.parent.mkdir()
    result = sample_ledger("db", "backup", target)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not Path(f"{target}-wal").exists()
    assert sample_ledger("db", "verify", target).exit_code == 0
    students = _one(sample_ledger.db, "SELECT count(*) FROM students")[0]
    for db in (sample_ledger.db, target):  # the backup holds the record of its own making
        assert _one(db, "SELECT command, output, people FROM audit_records") == (
            f"fupin db backup {target}", str(target.resolve()), students)
    assert list(target.parent.iterdir()) == [target]


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_backup_never_overwrites(sample_ledger, tmp_path):
    target = tmp_path / "old.db"
    target.write_bytes(b"an older backup")
    result = sample_ledger("db", "backup", target)
    assert result.exit_code == 2 and "已存在" in result.output
    assert target.read_bytes() == b"an older backup"


def test_backup_of_a_postgresql_ledger_points_to_pg_dump():
    from jiaoyu_fupin.store.backup import BackupError, ledger_file

    with pytest.raises(BackupError) as refused:
        ledger_file("postgresql://fupin:secret@localhost/fupin")
    assert "pg_dump" in refused.value.hint and "secret" not in refused.value.message


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_backup_while_an_import_is_writing_holds_all_of_it_or_none(sample_ledger, tmp_path):
    importing = sqlite3.connect(sample_ledger.db, isolation_level=None, check_same_thread=False)
    importing.execute("BEGIN IMMEDIATE")  # an import holds the write lock and has written half its rows
    importing.execute("INSERT INTO batches (file_name, sha256, kind, imported_at, rows, new_rows, changed_rows,"
                      " unchanged_rows) VALUES ('半途.xlsx', 'x', 'roll', '2030-01-01 00:00:00', 1, 1, 0, 0)")
    before = _one(sample_ledger.db, "SELECT count(*) FROM batches")[0]
    # The import commits a moment later: the copy, taken at once, holds none of it; the audit record waited for it.
    threading.Timer(1.0, lambda: (importing.execute("COMMIT"), importing.close())).start()
    result = sample_ledger("db", "backup", tmp_path / "during.db")
    assert result.exit_code == 0, result.output
    assert _one(tmp_path / "during.db", "SELECT count(*) FROM batches")[0] == before
    assert _one(sample_ledger.db, "SELECT count(*) FROM batches")[0] == before + 1
    assert _one(tmp_path / "during.db", "SELECT count(*) FROM audit_records")[0] == 1
    assert _one(sample_ledger.db, "SELECT count(*) FROM audit_records")[0] == 1
    assert sample_ledger("db", "backup", tmp_path / "after.db").exit_code == 0
    assert _one(tmp_path / "after.db", "SELECT count(*) FROM batches")[0] == before + 1


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_no_backup_without_its_audit_record(sample_ledger, tmp_path, short_busy_timeout):
    importing = sqlite3.connect(sample_ledger.db, isolation_level=None)
    importing.execute("BEGIN IMMEDIATE")  # an import that goes on past the busy timeout
    try:
        result = sample_ledger("db", "backup", tmp_path / "b.db")
    finally:
        importing.execute("ROLLBACK")
        importing.close()
    assert result.exit_code == 2 and "台账正被另一个程序占用" in result.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(("b.db", ".b.db"))] == []


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_restore_puts_the_backup_in_place_and_keeps_the_ledger_aside(sample_ledger, tmp_path):
    backup = tmp_path / "b.db"
    assert sample_ledger("db", "backup", backup).exit_code == 0
    _sql(sample_ledger.db, "DELETE FROM dropout_visits", "DELETE FROM help_activities")  # a mistake after the backup
    assert sample_ledger("subsidy", "check", "--term", "2019秋", "--json").exit_code == 1  # audited, after the backup
    mistaken = _digest(sample_ledger.db)
    gc.collect()  # the commands run in this process leave their pooled connections to the collector
    result = sample_ledger("db", "restore", backup)
    assert result.exit_code == 0, result.output
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("ledger.db.恢复前_")]
    assert len(aside) == 1 and f"恢复前的台账保留为 {aside[0]}" in result.output
    assert _digest(aside[0]) == mistaken  # kept as it was
    assert stat.S_IMODE(aside[0].stat().st_mode) == 0o600
    assert _one(sample_ledger.db, "SELECT count(*) FROM help_activities")[0] > 0
    assert "1 条审计记录已保留" in result.output
    commands = [r[0] for r in sqlite3.connect(sample_ledger.db).execute("SELECT command FROM audit_records ORDER BY id")]
    assert commands == [f"fupin db backup {backup}", "fupin subsidy check --term 2019秋 --json"]
    assert sample_ledger("db", "verify").exit_code == 0


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_restore_refuses_a_backup_that_fails_verify(sample_ledger, tmp_path):
    backup = tmp_path / "b.db"
    assert sample_ledger("db", "backup", backup).exit_code == 0
    _sql(backup, "DELETE FROM payments WHERE id = 1")
    before = _digest(sample_ledger.db)
    result = sample_ledger("db", "restore", backup)
    assert result.exit_code == 1
    assert "未通过检查，没有恢复" in result.output and "批次 #" in result.output
    assert _digest(sample_ledger.db) == before
    assert not [p for p in tmp_path.iterdir() if "恢复前" in p.name]


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_restore_refuses_a_file_that_is_no_ledger(sample_ledger, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04 a workbook, not a ledger" * 100)
    before = _digest(sample_ledger.db)
    result = sample_ledger("db", "restore", junk)
    assert result.exit_code == 1 and "损坏" in result.output
    assert _digest(sample_ledger.db) == before


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_restore_waits_for_other_commands_to_finish(sample_ledger, tmp_path):
    backup = tmp_path / "b.db"
    assert sample_ledger("db", "backup", backup).exit_code == 0
    reader = sqlite3.connect(sample_ledger.db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM students").fetchone()  # a report reading the ledger
    try:
        result = sample_ledger("db", "restore", backup)
    finally:
        reader.close()
    assert result.exit_code == 2 and "正被其他程序使用" in result.output
    assert not [p for p in tmp_path.iterdir() if "恢复前" in p.name]


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_restore_onto_a_new_machine(sample_ledger, tmp_path):
    backup = tmp_path / "b.db"
    assert sample_ledger("db", "backup", backup).exit_code == 0
    fresh = tmp_path / "新机器" / "fupin.db"
    from jiaoyu_fupin.cli.main import app

    missing = sample_ledger.runner.invoke(app, ["--db", str(fresh), "db", "restore", str(backup)])
    assert missing.exit_code == 2 and "不存在" in missing.output
    fresh.parent.mkdir()
    result = sample_ledger.runner.invoke(app, ["--db", str(fresh), "db", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert "保留为" not in result.output
    assert _digest(fresh) == _digest(backup)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


@pytest.mark.sqlite_only("the SQLite ledger file: verified, altered with sqlite3, backed up and restored")
def test_verify_counts_add_up_and_name_what_was_not_checked(sample_ledger):
    """A revert writes no rows of its own: it is said apart, by number, not counted as checked; a batch with no
    recorded totals is named, and the batches said to agree are the others."""
    total = _one(sample_ledger.db, "SELECT count(*) FROM batches WHERE kind != 'revert'")[0]
    payments = _one(sample_ledger.db, "SELECT id, file_name FROM batches WHERE kind = 'payments' ORDER BY id LIMIT 1")
    assert sample_ledger("batches", "revert", str(payments[0])).exit_code == 0
    revert = _one(sample_ledger.db, "SELECT max(id) FROM batches")[0]
    schools = _one(sample_ledger.db, "SELECT id, file_name FROM batches WHERE kind = 'schools' ORDER BY id LIMIT 1")
    _sql(sample_ledger.db, f"UPDATE batches SET written_rows = NULL, written_amount = NULL WHERE id = {schools[0]}")
    result = sample_ledger("db", "verify")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"{total - 1} 个批次的行数和金额与导入时一致" in text  # all imports but the one unrecorded
    assert f"批次 #{schools[0]}（{schools[1]}）没有记录导入时的行数和金额，未核对" in text
    assert f"批次 #{revert} 是撤销，本身不写入数据，无需核对" in text
