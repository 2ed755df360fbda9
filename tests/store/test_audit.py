"""Audit records: every command that writes children's full ID numbers says so in the ledger, and `fupin audit`
lists them."""

from __future__ import annotations

import getpass
import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from conftest import ROLL_HEADER, roll_rows, write_xlsx
from helpers.sample_ledger import copy_ledger, county_ledger


@pytest.fixture
def county(tmp_path_factory, cli):
    copy_ledger(county_ledger(tmp_path_factory), cli.db)
    return cli


def _records(cli) -> list[dict]:
    result = cli("audit", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _ids(doc) -> set[str]:
    """Full ID numbers in a JSON document, counted by hand."""
    found = set()
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and len(item) == 18 and item[:17].isdigit():
            found.add(item)
    return found


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_subsidy_check_json_and_out_are_recorded(county, tmp_path):
    out = tmp_path / "资助核对.xlsx"
    result = county("subsidy", "check", "--term", "2019秋", "--json", "--out", out)
    assert result.exit_code == 1
    people = len(_ids(json.loads(result.stdout)))
    assert people > 0
    records = _records(county)
    assert [(r["command"], r["output"], r["people"]) for r in records] == [
        (f"fupin subsidy check --term 2019秋 --json --out {out}", "标准输出", people),
        (f"fupin subsidy check --term 2019秋 --json --out {out}", str(out.resolve()), people),
    ]
    assert all(r["os_user"] == getpass.getuser() for r in records)
    when = datetime.fromisoformat(records[0]["recorded_at"])
    assert abs(when - datetime.now()) < timedelta(minutes=5)  # local time, as the clerk reads it


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_pair_check_and_dropout_lists_are_recorded(county, tmp_path):
    out = tmp_path / "结对.xlsx"
    pair = county("pair", "check", "--term", "2019秋", "--out", out)
    assert pair.exit_code in (0, 1)
    scan = county("dropout", "scan", "--term", "2019秋", "--json")
    listed = county("dropout", "list", "--json")
    records = _records(county)
    assert [r["command"] for r in records] == [f"fupin pair check --term 2019秋 --out {out} --max-per-helper 5",
                                               "fupin dropout scan --term 2019秋 --json",
                                               "fupin dropout list --json"]
    assert records[1]["people"] == len(_ids(json.loads(scan.stdout))) > 0
    assert records[2]["people"] == len(_ids(json.loads(listed.stdout)))
    assert records[0]["people"] > 0 and records[0]["output"] == str(out.resolve())


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_screen_output_is_not_recorded(county):
    assert county("subsidy", "check", "--term", "2019秋").exit_code == 1  # masked on screen
    assert county("dropout", "list").exit_code == 0
    assert _records(county) == []
    assert "没有审计记录" in county("audit").output


def test_error_workbook_is_recorded_with_the_people_in_it(cli, schools, tmp_path):
    rows = roll_rows()
    rows.append(["赵小四", "男", "4228222007031501", "城关中学", "初中", "七年级", "1班", "走读", "在校"])  # bad ID
    rows.append(["钱小五", "男", rows[0][2], "城关中学", "初中", "七年级", "9班", "走读", "在校"])  # clash with row 2
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows)
    result = cli("import", path, "--term", "2019秋", "--errors", tmp_path / "错误.xlsx")
    assert result.exit_code == 1
    [record] = _records(cli)
    assert record["output"] == str((tmp_path / "错误.xlsx").resolve())
    assert record["people"] == 1  # rows 2 and 6 hold one child's full ID; the bad one is no full ID
    assert record["command"].startswith("fupin import ")


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_audit_since_a_day(county):
    assert county("dropout", "list", "--json").exit_code == 0
    today = date.today()
    assert len(_records(county)) == 1
    assert json.loads(county("audit", "--since", today.isoformat(), "--json").stdout) != []
    assert json.loads(county("audit", "--since", (today + timedelta(days=1)).isoformat(), "--json").stdout) == []
    shown = county("audit")
    assert "fupin dropout list --json" in shown.output and "标准输出" in shown.output
    assert county("audit", "--since", "去年").exit_code == 2


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_no_export_the_ledger_cannot_record(county, monkeypatch):
    from jiaoyu_fupin.store import dialect

    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(county.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = county("subsidy", "check", "--term", "2019秋", "--json")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2 and "台账正被另一个程序占用" in result.output
    assert result.stdout == ""  # not one ID went out


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_reports_as_of_keep_the_record(county):
    from jiaoyu_fupin.store import asof
    from jiaoyu_fupin.store.ledger import Ledger

    assert county("dropout", "list", "--json").exit_code == 0
    with asof.snapshot(Ledger(county.db), datetime(2019, 11, 20)) as copy, copy.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT command FROM audit_records").all() == [("fupin dropout list --json",)]


def test_people_in_counts_distinct_full_ids_only():
    from jiaoyu_fupin.store.audit import people_in

    doc = {"a": ["42282220100315501X", "42282220100315501X", "4228**********501X"], "b": {"c": "422822201003155017"},
           "d": "工号 1234", "e": 422822201003155017}
    assert people_in(doc) == 2


@pytest.mark.sqlite_only("the full sample county is built once as an SQLite file and copied with its backup API")
def test_a_command_given_an_id_number_is_recorded_masked(county):
    listed = json.loads(county("dropout", "list", "--json").stdout)
    child = listed["cases"][0]["id_number"]
    assert county("dropout", "show", child, "--json").exit_code == 0
    record = _records(county)[-1]
    assert record["people"] == 1 and child not in record["command"]
    assert record["command"] == f"fupin dropout show {child[:6]}********{child[-4:]} --json"
    assert child not in county("audit").output
