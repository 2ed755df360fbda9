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
