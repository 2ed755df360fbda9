"""store.ledger.open_ledger: the ledger a command names, or a LedgerError (a ClerkError) saying why not."""

from __future__ import annotations

import pytest

from jiaoyu_fupin.store.ledger import LedgerError, open_ledger


def test_a_missing_file_is_refused_unless_the_command_creates_it(tmp_path):
    with pytest.raises(LedgerError) as refused:
        open_ledger(tmp_path / "fupin.db")
    assert refused.value.message == f"台账文件“{tmp_path / 'fupin.db'}”不存在（没有这个文件）"
    assert "新建台账请先运行 fupin init" in refused.value.hint and refused.value.misuse
    assert not (tmp_path / "fupin.db").exists()
    with pytest.raises(LedgerError, match="台账所在的文件夹不存在"):
        open_ledger(tmp_path / "nowhere" / "fupin.db")
    ledger = open_ledger(tmp_path / "fupin.db", create=True)
    ledger.close()
    assert (tmp_path / "fupin.db").exists()


def test_an_address_without_its_driver_is_refused_with_what_to_install():
    with pytest.raises(LedgerError) as refused:
        open_ledger("oracle+cx_oracle://u:p@localhost/ledger")
    assert "没有安装该数据库的 Python 驱动" in refused.value.message and "cx_Oracle" in refused.value.message
    assert refused.value.hint == "请安装该驱动，或用 SQLite 台账文件（--db 写文件路径）"


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    (tmp_path / "fupin.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(LedgerError) as refused:
        open_ledger(tmp_path / "fupin.db")
    assert refused.value.message.startswith(f"无法打开台账数据库 {tmp_path / 'fupin.db'}：台账文件已损坏或无法读取")


def test_what_the_database_or_the_disk_refuses_is_a_ledger_error_and_anything_else_a_bug():
    import errno
    import sqlite3

    from sqlalchemy.exc import IntegrityError, OperationalError

    from jiaoyu_fupin.store.ledger import refusal

    locked = refusal(OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked")))
    assert isinstance(locked, LedgerError) and locked.message.startswith("台账正被另一个程序占用") and locked.misuse
    full = refusal(OSError(errno.ENOSPC, "No space left on device", "/data/核对.xlsx"))
    assert full.message == "无法写入“/data/核对.xlsx”：磁盘空间已满；台账没有改动"
    assert refusal(sqlite3.DatabaseError("file is not a database")).message == "台账文件已损坏或无法读取"
    assert refusal(IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))) is None
    assert refusal(OSError(errno.ENOENT, "No such file")) is None
    assert refusal(RuntimeError("a bug")) is None
