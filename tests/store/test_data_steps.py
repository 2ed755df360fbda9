"""Migrations change the schema only; the default policy is a data step that records the version it installed, and a
ledger made by an older fupin opens, upgrades and checks with its own programs and standards intact."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlmodel import SQLModel

from conftest import query
from helpers.subsidy_ledger import NONBOARD, ledger, paid, student
from jiaoyu_fupin.core.policy import Policy, fingerprint, load_policy
from jiaoyu_fupin.store import migrations
from jiaoyu_fupin.store.ledger import Ledger, to_url

OLD_DUMP = Path(__file__).resolve().parent.parent / "data" / "ledger_7beca95.sql"
COUNTY_POLICY = """extends = "default"

[[standard]]
program = "nonboarding_living"
stage = "初中"
boarding = false
categories = ["registered_poor", "subsistence_allowance", "extreme_poverty_support", "disabled"]
amount = "400"
term_from = "2019春"
"""


def _policy_rows(db) -> tuple[list, list]:
    programs = query(db, "SELECT id, code, name, aliases, per FROM programs ORDER BY id")
    standards = query(db, "SELECT program_id, stage, categories, boarding, grades, place, term_from, term_to, amount,"
                          " source FROM standards ORDER BY id")
    return programs, standards


def _check(cli) -> dict:
    result = cli("subsidy", "check", "--term", "2019秋", "--json")
    assert result.exit_code == 1, result.output  # findings
    return json.loads(result.stdout)


def _findings(doc) -> list[tuple]:
    return sorted((f["kind"], f["name"], f["expected"], f["paid"]) for f in doc["findings"])


@pytest.mark.empty_ledger
def test_migrations_alone_write_no_rows(db):
    engine = create_engine(to_url(str(db)))
    try:
        with engine.begin() as conn:
            ran = migrations.migrate(conn)
            counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                      for t in SQLModel.metadata.sorted_tables}
    finally:
        engine.dispose()
    assert ran == [step.__name__ for step in migrations.MIGRATIONS]
    assert "data_steps" in counts and "programs" in counts
    assert {name: n for name, n in counts.items() if n} == {}


@pytest.mark.empty_ledger
def test_a_new_ledger_gets_the_default_policy_by_a_data_step_that_records_its_version(db):
    ledger = Ledger(db)
    version = fingerprint(load_policy())
    assert version.startswith("default.toml@")
    assert ledger.data_applied_now == [("d001_default_policy", version)]
    assert ledger.counts()["programs"] == 10 and ledger.counts()["standards"] == 14
    assert query(db, "SELECT name, version FROM data_steps") == [("d001_default_policy", version)]
    again = Ledger(db)
    assert again.applied_now == [] and again.data_applied_now == []
    assert query(db, "SELECT COUNT(*) FROM programs") == [(10,)]


@pytest.mark.empty_ledger
def test_init_says_which_policy_it_installed(cli):
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert f"已写入默认资助项目和标准（版本 {fingerprint(load_policy())}）" in result.output
    again = cli("init")
    assert again.exit_code == 0 and "台账已是最新" in again.output and "已写入" not in again.output


def test_the_version_is_of_the_standards_not_their_order():
    policy = load_policy()
    reordered = Policy(source=policy.source, programs=policy.programs[::-1], standards=policy.standards[::-1])
    assert fingerprint(reordered) == fingerprint(policy)
    changed = [dict(s) for s in policy.standards]
    changed[0]["amount"] = changed[0]["amount"] + 1
    assert fingerprint(Policy(source=policy.source, programs=policy.programs, standards=changed)) != fingerprint(policy)


@pytest.mark.empty_ledger
def test_a_ledger_at_an_older_schema_keeps_its_county_policy(db, cli, tmp_path, monkeypatch):
    # A ledger as the first two steps left it when m002 installed the default policy, then the county's own file.
    from jiaoyu_fupin.store.policy import apply_policy, install_policy

    def m002_default_policy(conn):
        install_policy(conn, load_policy())

    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", [migrations.m001_initial, m002_default_policy])
        old = Ledger(db)
        (tmp_path / "county.toml").write_text(COUNTY_POLICY, encoding="utf-8")
        with old.transaction() as conn:
            assert apply_policy(conn, load_policy(tmp_path / "county.toml"))
        old.close()
    before = _policy_rows(db)
    assert ("nonboarding_living",) in query(db, "SELECT code FROM programs") and before[1]

    upgraded = Ledger(db)
    assert upgraded.applied_now == [step.__name__ for step in migrations.MIGRATIONS[2:]]
    [(name, version)] = upgraded.data_applied_now
    assert name == "d001_default_policy" and version.startswith("kept ledger@")
    assert _policy_rows(db) == before  # the county's standards, not the default's
    status = cli("status", "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["schema_version"] == migrations.schema_version()

    ledger(cli, tmp_path, [student("A", "张一", "城关中学", "初中", "七年级", "走读", "建档立卡"),
                           student("B", "李二", "城关中学", "初中", "七年级", "走读", "建档立卡")],
           [paid("A", "张一", NONBOARD, "400"), paid("B", "李二", NONBOARD, "312.5")])
    assert _findings(_check(cli)) == [("amount_mismatch", "李二", "400", "312.5")]


@pytest.mark.sqlite_only("the ledger is a dump of an SQLite file made by an older fupin")
def test_a_ledger_made_by_fupin_at_7beca95_opens_upgrades_and_checks(db, cli):
    conn = sqlite3.connect(db)
    conn.executescript(OLD_DUMP.read_text(encoding="utf-8"))
    conn.close()
    assert query(db, "SELECT name FROM schema_migrations ORDER BY name")[-1] == ("m006_province_scope",)
    before = _policy_rows(db)
    assert len(before[0]) == 10 and len(before[1]) == 11

    status = cli("status", "--json")
    assert status.exit_code == 0, status.output
    doc = json.loads(status.stdout)
    assert doc["schema_version"] == migrations.schema_version()
    assert _policy_rows(db) == before  # upgraded in place: programs and standards as the county had them
    [(version,)] = query(db, "SELECT version FROM data_steps WHERE name = 'd001_default_policy'")
    assert version.startswith("kept ledger@")
    # 400 is the county's standard (the default's is 312.5); 赵四 is 错助 because the county file took the 小学 row.
    assert _findings(_check(cli)) == [("amount_mismatch", "李二", "400", "312.5"),
                                      ("ineligible", "赵四", None, "250"),
                                      ("missing", "王三", "400", None)]
    assert query(db, "SELECT SUM(amount) FROM payments") == [(int(Decimal("962.5") * 100),)]
