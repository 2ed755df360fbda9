"""What once went wrong on a PostgreSQL ledger only, run on both databases; and what a server ledger adds:
writers at once, passwords kept off screen and out of files, connection errors a clerk can act on."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import make_url

from helpers.files import ROLL_HEADER, SCHOOL_HEADER, SCHOOL_ROWS, make_id, write_xlsx
from helpers.ledger import execute, is_postgres, query

PAY = ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]
ROLL = [*ROLL_HEADER, "家庭经济困难类别", "学期"]
NONBOARD = "义务教育非寄宿生生活补助"
A, B = make_id(date(2007, 3, 15), 11), make_id(date(2006, 5, 2), 22)


def _small_county(cli, tmp_path: Path) -> None:
    files = [
        write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, SCHOOL_ROWS),
        write_xlsx(tmp_path / "学籍.xlsx", ROLL, [
            ["张小明", "男", A, "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"],
            ["李小红", "女", B, "城关中学", "初中", "八年级", "2班", "走读", "在校", "低保", "2019秋"]]),
        write_xlsx(tmp_path / "发放名册.xlsx", PAY, [
            ["城关中学", "张小明", A, NONBOARD, "312.5", "2019秋", "2019-11-05"],
            ["城关中学", "李小红", B, NONBOARD, "300", "2019秋", "2019-11-05"]]),
    ]
    result = cli("import", *files)
    assert result.exit_code == 0, result.output


def test_the_coverage_check_runs_and_amounts_stay_in_fen(cli, tmp_path, db):
    # PostgreSQL refused the check's CROSS JOIN … ON (exit 1, as if there were findings), and stored every
    # imported amount 100 times too large (the 分 passed through the money type a second time).
    _small_county(cli, tmp_path)
    assert sorted(query(db, "SELECT amount FROM payments")) == [(30000,), (31250,)]
    result = cli("subsidy", "check", "--term", "2019秋", "--json")
    assert result.exit_code == 1, result.output  # one finding: 300 paid where 312.5 is due
    doc = json.loads(result.stdout)
    assert doc["summary"]["paid_amount"] == "612.5" and doc["summary"]["expected_amount"] == "625"
    assert [(f["kind"], f["paid"], f["expected"]) for f in doc["findings"]] == [("amount_mismatch", "300", "312.5")]
    again = cli("import", tmp_path / "发放名册.xlsx")  # the stored amounts compare equal to the file's
    assert again.exit_code == 0 and "未变 2" in again.output, again.output


def test_a_prefecture_with_more_than_1023_schools(cli, tmp_path, db):
    # The check packs the school's id above 21 bits: past 1,023 that no longer fits PostgreSQL's 32-bit integer.
    assert cli("import", write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, SCHOOL_ROWS)).exit_code == 0
    execute(db, "UPDATE schools SET id = id + 5000")
    roll = write_xlsx(tmp_path / "学籍.xlsx", ROLL, [
        ["张小明", "男", A, "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"]])
    assert cli("import", roll).exit_code == 0
    result = cli("subsidy", "check", "--term", "2019秋", "--json")
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["kind"] == "missing" and finding["school"] == "城关中学"


def _roll_csv(path: Path, first_seq: int, n: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow([*ROLL_HEADER, "学期"])
        for i in range(n):
            born = date(2010, 1, 1) + timedelta(days=i % 365)
            out.writerow([f"学生{first_seq}_{i}", "男", make_id(born, first_seq + i // 365), "城关第一小学", "小学",
                          "三年级", "1班", "走读", "在校", "2019秋"])
    return path


def test_roll_imports_from_several_clerks_at_once_all_land(cli, tmp_path, db, schools):
    # On PostgreSQL two imports at once failed with UniqueViolation students_pkey: both took max(id) + 1.
    files = [_roll_csv(tmp_path / f"学籍_{k}.csv", 100 + 10 * k, 1500) for k in range(3)]
    fupin = Path(sys.executable).with_name("fupin")
    running = [subprocess.Popen([str(fupin), "--db", str(db), "import", str(f)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for f in files]
    for process in running:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, out + err
    assert query(db, "SELECT count(*), count(DISTINCT id), count(DISTINCT id_number) FROM students") == [
        (4500, 4500, 4500)]
    assert query(db, "SELECT count(*) FROM enrollments") == [(4500,)]
    assert query(db, "SELECT count(*) FROM batches") == [(4,)]
    # Later imports go on numbering after them.
    assert cli("import", _roll_csv(tmp_path / "学籍_补.csv", 900, 10)).exit_code == 0
    assert query(db, "SELECT count(*), max(id) FROM students") == [(4510, 4510)]


# ---- a server ledger: passwords and connections ----

SECRET = "s3cret-Pa55"


def _with_password(db: str) -> str:
    return make_url(db).set(password=SECRET).render_as_string(hide_password=False)


@pytest.mark.postgres_only
def test_a_password_never_shows(cli, tmp_path, db, monkeypatch):
    from helpers.ledger import Cli

    _small_county(cli, tmp_path)
    secret = Cli(_with_password(db))  # the test server trusts local connections: any password is accepted
    outputs = [secret("status"), secret("status", "--json"), secret("init"),
               secret("subsidy", "check", "--term", "2019秋", "--out", tmp_path / "核对.xlsx")]
    monkeypatch.setenv("FUPIN_DB", _with_password(db))
    from typer.testing import CliRunner

    from jiaoyu_fupin.cli.main import app

    outputs.append(CliRunner().invoke(app, ["status", "--json"]))
    # 李小红's 300 is not the 312.5 of her living aid: the check reports it (exit 1); the rest exit 0.
    for result, code in zip(outputs, (0, 0, 0, 1, 0), strict=True):
        assert result.exit_code == code, result.output
        assert SECRET not in result.output and "***" in result.output
    cells = [str(c.value) for ws in openpyxl.load_workbook(tmp_path / "核对.xlsx") for row in ws for c in row]
    assert not any(SECRET in c for c in cells) and any("***" in c for c in cells)
    assert json.loads(outputs[1].stdout)["ledger"].startswith("postgresql+psycopg://fupin:***@/")


@pytest.mark.postgres_only
def test_connection_errors_are_explained_in_chinese(cli, tmp_path, db):
    from helpers.ledger import Cli

    url = make_url(_with_password(db))
    missing = Cli(url.set(database="no_such_ledger").render_as_string(hide_password=False))("status")
    assert missing.exit_code == 2
    assert "上没有名为“no_such_ledger”的数据库" in missing.output and "createdb" in missing.output
    no_server = Cli(url.set(query={"host": str(tmp_path)}).render_as_string(hide_password=False))("status")
    assert no_server.exit_code == 2 and "连不上数据库服务器" in no_server.output
    for result in (missing, no_server):
        assert SECRET not in result.output
        assert "FATAL" not in result.output and "Traceback" not in result.output and "connection" not in result.output


def test_a_postgres_url_without_a_driver_name_means_psycopg_3():
    from jiaoyu_fupin.store.ledger import to_url

    assert to_url("postgresql://clerk@db.example/prefecture") == "postgresql+psycopg://clerk@db.example/prefecture"
    assert to_url("postgres://clerk@db.example/prefecture") == "postgresql+psycopg://clerk@db.example/prefecture"


def test_a_malformed_url_is_not_echoed_with_its_password():
    from jiaoyu_fupin.store.ledger import LedgerError, to_url

    with pytest.raises(LedgerError) as refused:
        to_url(f"postgresql://clerk:{SECRET}@db.example:port/prefecture")
    assert SECRET not in str(refused.value) and "postgresql://用户名@服务器/数据库名" in str(refused.value)


def test_is_postgres_helper_matches_the_fixture(db):
    assert is_postgres(db) == isinstance(db, str)


@pytest.mark.postgres_only
def test_readers_see_one_snapshot_and_writers_hold_the_lock(db):
    from sqlalchemy import text

    from jiaoyu_fupin.store.dialect import WRITER_LOCK
    from jiaoyu_fupin.store.ledger import Ledger

    ledger = Ledger(db)
    held = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted")
    try:
        with ledger.engine.connect() as reader:
            assert reader.exec_driver_sql("SHOW transaction_isolation").scalar() == "repeatable read"
            assert reader.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            before = reader.execute(text("SELECT count(*) FROM schools")).scalar()
            with ledger.transaction() as writer:
                assert writer.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
                assert writer.execute(held, {"key": WRITER_LOCK}).scalar() == 1
                writer.execute(text("INSERT INTO schools (name) VALUES ('甲小学')"))
            assert reader.execute(text("SELECT count(*) FROM schools")).scalar() == before  # its snapshot holds
        with ledger.engine.connect() as later:
            assert later.execute(text("SELECT count(*) FROM schools")).scalar() == before + 1
            assert later.execute(held, {"key": WRITER_LOCK}).scalar() == 0  # released at commit
    finally:
        ledger.close()


def test_a_server_ledger_without_the_postgres_extra_says_what_to_install(monkeypatch):
    from typer.testing import CliRunner

    from jiaoyu_fupin.cli.main import app

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if `pip install 'jiaoyu_fupin[postgres]'` was never run
    result = CliRunner().invoke(app, ["--db", f"postgresql://clerk:{SECRET}@db.example/prefecture", "status"])
    assert result.exit_code == 2
    assert "pip install 'jiaoyu_fupin[postgres]'" in result.output and SECRET not in result.output


@pytest.mark.postgres_only
def test_times_are_kept_in_utc_whatever_the_servers_zone(cli, db, tmp_path):
    from datetime import UTC, datetime

    from jiaoyu_fupin.store.ledger import Ledger

    execute(db, f"ALTER DATABASE {make_url(db).database} SET TimeZone = 'Asia/Shanghai'")
    assert query(db, "SHOW TimeZone") == [("Asia/Shanghai",)]  # what any other client of that server sees
    assert cli("import", write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, SCHOOL_ROWS)).exit_code == 0
    [(stored,)] = query(db, "SELECT imported_at AT TIME ZONE 'UTC' FROM batches")
    assert abs((datetime.fromisoformat(stored) - datetime.now(UTC).replace(tzinfo=None)).total_seconds()) < 120
    ledger = Ledger(db)
    with ledger.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"
    ledger.close()
