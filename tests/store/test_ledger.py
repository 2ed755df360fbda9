"""The Ledger: one door to the database."""

from __future__ import annotations

import os
import sqlite3
import stat
from decimal import Decimal

import pytest
from sqlalchemy import text

from helpers.ledger import execute, query
from jiaoyu_fupin.store import migrations
from jiaoyu_fupin.store.ledger import Ledger, LedgerError


@pytest.mark.sqlite_only("the file's mode and SQLite's PRAGMAs")
def test_new_file_is_migrated_private_and_in_wal(db):
    ledger = Ledger(db)
    assert ledger.applied_now == [m.__name__ for m in migrations.MIGRATIONS]
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    with ledger.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert ledger.counts()["programs"] == 10


@pytest.mark.empty_ledger
def test_reopen_applies_nothing_and_keeps_data(db):
    assert Ledger(db).applied_now == [m.__name__ for m in migrations.MIGRATIONS]
    again = Ledger(db)
    assert again.applied_now == []
    assert again.schema_version() == migrations.schema_version()
    names = [r[0] for r in query(db, "SELECT name FROM schema_migrations ORDER BY name")]
    assert names == sorted(step.__name__ for step in migrations.MIGRATIONS)


def test_pending_step_is_applied_on_open(db, monkeypatch):
    Ledger(db)
    calls = []

    def m003_probe(conn):
        calls.append(conn.execute(text("SELECT COUNT(*) FROM programs")).scalar())

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m003_probe])
    ledger = Ledger(db)
    assert ledger.applied_now == ["m003_probe"] and calls == [10]
    assert Ledger(db).applied_now == []


def test_transaction_rolls_back_on_error(db):
    ledger = Ledger(db)
    with pytest.raises(RuntimeError), ledger.transaction() as conn:
        conn.execute(text("INSERT INTO schools (name) VALUES ('甲小学')"))
        raise RuntimeError("boom")
    assert ledger.counts()["schools"] == 0
    with ledger.transaction() as conn:
        conn.execute(text("INSERT INTO schools (name) VALUES ('甲小学')"))
    assert ledger.counts()["schools"] == 1


def test_money_is_exact_decimal(db):
    from sqlmodel import select

    from jiaoyu_fupin.store.models import Payment, Program

    ledger = Ledger(db)
    with ledger.session() as session:
        program = session.exec(select(Program).where(Program.code == "nonboarding_living")).one()
        session.add(Payment(payment_key="k", id_number="x", name="甲", program_id=program.id, term="2019秋",
                            amount=Decimal("312.5"), source_file="f"))
    with ledger.session() as session:
        paid = session.exec(select(Payment)).one()
        assert paid.amount == Decimal("312.5") and str(paid.amount) == "312.5"
    assert query(db, "SELECT amount FROM payments") == [(31250,)]


def test_default_standards_keep_312_5(db):
    from sqlmodel import select

    from jiaoyu_fupin.store.models import Program, Standard

    with Ledger(db).session() as session:
        rows = session.exec(select(Standard, Program).join(Program)).all()
        amounts = {(p.code, s.stage): s.amount for s, p in rows}
    assert amounts[("nonboarding_living", "初中")] == Decimal("312.5")
    assert amounts[("boarding_living", "初中")] == Decimal("625")


def test_env_var_and_default_location(tmp_path, monkeypatch):
    monkeypatch.setenv("FUPIN_DB", str(tmp_path / "env.db"))
    assert Ledger().target == str(tmp_path / "env.db")
    monkeypatch.delenv("FUPIN_DB")
    assert Ledger().target == "fupin.db"
    assert (tmp_path / "fupin.db").exists()  # the tests run in tmp_path


def test_any_sqlalchemy_url(tmp_path):
    ledger = Ledger(f"sqlite:///{tmp_path / 'url.db'}")
    assert ledger.counts()["standards"] == 14


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(LedgerError, match="文件夹不存在"):
        Ledger(tmp_path / "nope" / "x.db")


def test_province_scope_step_keeps_the_province_older_imports_stored_as_the_place(db):
    Ledger(db)
    execute(db, "INSERT INTO students (id, id_number, name) VALUES (1, '422822200701010011', '甲'),"
                " (2, '422822200701010038', '乙')",
            "INSERT INTO enrollments (student_id, term, status, study_place, place_detail) VALUES"
            " (1, '2019秋', '在校', '州外', '省外'), (2, '2019秋', '在校', '州外', '广东省东莞市')",
            "ALTER TABLE enrollments DROP COLUMN province_scope",  # as a ledger made before the step
            "DELETE FROM schema_migrations WHERE name = 'm006_province_scope'")
    assert Ledger(db).applied_now == ["m006_province_scope"]
    rows = query(db, "SELECT student_id, province_scope FROM enrollments ORDER BY student_id")
    assert rows == [(1, "省外"), (2, None)]


@pytest.mark.sqlite_only("rebuilds an older ledger file column by column with sqlite3")
def test_corrections_step_adds_its_columns_and_the_shared_names_to_an_older_ledger(db, cli, tmp_path):
    Ledger(db)
    raw = sqlite3.connect(db)
    for table, column in (("programs", "shared_names"), ("standards", "school"), ("students", "roll_registered"),
                          ("batches", "replaces"), ("batches", "reverted_by"), ("batches", "note")):
        raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # as a ledger made before the step
    # Its default policy then still called 一补 a 寄宿生生活补助.
    raw.execute("UPDATE programs SET aliases = aliases || '|一补' WHERE code = 'boarding_living'")
    raw.execute("DELETE FROM schema_migrations WHERE name = 'm007_corrections'")
    raw.commit()
    assert Ledger(db).applied_now == ["m007_corrections"]
    shared = dict(sqlite3.connect(db).execute("SELECT code, shared_names FROM programs").fetchall())
    assert "国家助学金" in shared["senior_grant"] and "一补" in shared["nonboarding_living"]
    # 一补 is then decided by the roll, not taken for 寄宿生生活补助.
    from datetime import date

    from helpers.files import SCHOOL_HEADER, make_id, write_xlsx

    day_pupil = make_id(date(2007, 2, 2), 21)
    files = [write_xlsx(tmp_path / "学校.xlsx", SCHOOL_HEADER, [["3452000002", "城关中学", "初中", "城关镇", "公办"]]),
             write_xlsx(tmp_path / "学籍.xlsx", ["姓名", "身份证件号", "学校名称", "年级", "就读方式", "家庭经济困难类别", "学期"],
                        [["甲", day_pupil, "城关中学", "七年级", "走读", "建档立卡", "2019秋"]], text_columns=(1,)),
             write_xlsx(tmp_path / "名册.xlsx", ["姓名", "身份证号码", "资助项目", "资助金额", "学期"],
                        [["甲", day_pupil, "一补", "312.5", "2019秋"]], text_columns=(1,))]
    result = cli("import", *files)
    assert result.exit_code == 0 and "“一补”→ 义务教育非寄宿生生活补助 1 行" in result.output
