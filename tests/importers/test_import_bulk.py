"""The bulk paths of the importers: many rows per INSERT, shared values, rebuilt indexes, fingerprint diffs.

Small slices (monkeypatched) push a few rows through the same code a million-row file takes.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text

from conftest import ROLL_HEADER, make_id, roll_rows, write_xlsx
from jiaoyu_fupin.importers import compare
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.ledger import Ledger
from jiaoyu_fupin.store.models import Student

AWKWARD = ["张'三", "a,b", "x'',y", "", "第一行\n第二行", "NULL", "'NULL'", "tab\there", "全角，逗号"]


@pytest.fixture
def small_slices(monkeypatch):
    monkeypatch.setattr(store, "CHUNK", 7)
    monkeypatch.setattr(store, "ROWS_PER_STATEMENT", 3)
    monkeypatch.setattr(store, "BULK_ROWS", 5)
    monkeypatch.setattr(compare, "CHUNK", 4)


def test_fingerprints_in_python_equal_the_database_ones(db):
    from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table

    from jiaoyu_fupin.store import dialect
    from jiaoyu_fupin.store.ledger import Ledger

    t = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("a", String), Column("b", Integer),
              Column("c", Date), Column("d", Boolean))
    # A backslash (PostgreSQL's quote_literal would write E'…') and a % (a placeholder to psycopg) besides.
    awkward = [*AWKWARD, "C:\\学籍\\", "50%s"]
    rows = [(v, i if i % 3 else None, "2019-09-01" if i % 2 else None, i % 2) for i, v in enumerate(awkward)]
    ledger = Ledger(db)
    with ledger.transaction() as conn:
        t.create(conn)
        conn.execute(t.insert(), [{"a": a, "b": b, "c": date.fromisoformat(c) if c else None, "d": bool(d)}
                                  for a, b, c, d in rows])
        literals = dialect.row_literals(conn, t, ["a", "b", "c", "d"])
        stored = [r[0] for r in conn.exec_driver_sql(f"SELECT {literals} FROM t ORDER BY id")]
        both_a = dialect.row_literals(conn, t, ["a", "a"])
        swapped = conn.execute(text(f"SELECT {both_a} FROM t WHERE a = 'a,b'")).scalar()
    ledger.close()
    frame = pd.DataFrame({
        "a": pd.Series([r[0] for r in rows], dtype="str"),
        "b": pd.Series([None if r[1] is None else float(r[1]) for r in rows], dtype=object),  # 3.0 is stored as 3
        "c": pd.Series([r[2] for r in rows], dtype=object),
        "d": pd.Series([bool(r[3]) for r in rows], dtype=object),  # True is stored as 1
    })
    assert compare.fingerprints(frame).to_pylist() == stored
    # Different values never share a fingerprint, even with quotes and commas inside them.
    assert len(set(stored)) == len(stored)
    assert swapped == "'a,b','a,b'"


def test_insert_in_slices_keeps_every_value(small_slices, tmp_path):
    ledger = Ledger(tmp_path / "l.db")
    n = 23
    frame = pd.DataFrame({
        "id": range(1, n + 1),
        "id_number": [make_id(date(2010, 1, 1), i) for i in range(n)],
        "name": pd.Series([AWKWARD[i % len(AWKWARD)] or "空" for i in range(n)], dtype="str"),
        "sex": pd.Series(["男"] * n, dtype=object),  # one value: bound once per statement
        "birth_date": pd.Series([None] * 20 + ["2010-01-01"] * 3, dtype=object),  # constant in some slices only
        "is_orphan": pd.Series([1] * 10 + [True] * 13, dtype=object),  # equal in Python, stored alike
        "source_row": range(2, n + 2),
    })
    with ledger.transaction() as conn:
        store.insert(conn, Student.__table__, frame)
        got = conn.execute(text("SELECT id, id_number, name, sex, birth_date, is_orphan, source_row FROM students"
                                " ORDER BY id")).all()
    assert [tuple(r) for r in got] == [
        (i + 1, frame.id_number[i], frame.name[i], "男", frame.birth_date[i], 1, i + 2) for i in range(n)
    ]


def test_bulk_insert_rebuilds_plain_indexes_and_unique_ones_still_refuse(small_slices, tmp_path):
    ledger = Ledger(tmp_path / "l.db")

    def indexes():
        with ledger.transaction() as conn:
            return sorted(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                                            " AND tbl_name = 'students'")).all())

    before = indexes()
    frame = pd.DataFrame({"id_number": [make_id(date(2010, 1, 1), i) for i in range(12)], "name": ["甲"] * 12})
    with ledger.transaction() as conn:
        store.insert(conn, Student.__table__, frame)
    assert indexes() == before
    with pytest.raises(sqlite3.IntegrityError), ledger.transaction() as conn:
        store.insert(conn, Student.__table__, pd.concat([frame, frame]).reset_index(drop=True))
    assert indexes() == before and ledger.counts()["students"] == 12


def test_diff_stored_reads_slices_with_line_breaks(small_slices, tmp_path):
    ledger = Ledger(tmp_path / "l.db")
    n = 10
    ids = [make_id(date(2010, 1, 1), i) for i in range(n)]
    names = pd.Series([AWKWARD[i % len(AWKWARD)] or "空" for i in range(n)], dtype="str")
    with ledger.transaction() as conn:
        store.insert(conn, Student.__table__, pd.DataFrame({"id": range(1, n + 1), "id_number": ids, "name": names}))
    incoming = pd.DataFrame({"id_number": pd.Series(ids, dtype=object), "name": names.copy()})
    incoming.loc[3, "name"] = "改了"
    incoming.loc[n] = [make_id(date(2011, 1, 1), 1), "新生"]
    with ledger.transaction() as conn:
        merged = compare.diff_stored(conn, Student.__table__, incoming, ["id_number"], ["name"])
    assert [None if pd.isna(v) else v for v in merged["id"]] == [*range(1, n + 1), None]
    assert merged["_changed"].tolist() == [i == 3 for i in range(n + 1)]


def test_reimport_sees_changes_in_awkward_text(small_slices, tmp_path, cli, schools):
    rows = roll_rows() + [
        [f"学生{i}", "男", make_id(date(2012, 1, 9), 40 + i), "城关第一小学", "小学", "二年级", AWKWARD[i] or "1班",
         "走读", "在校"] for i in range(len(AWKWARD))
    ]
    path = write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows)
    assert "新增 12" in cli("import", path, "--term", "2019秋").output
    again = cli("import", path, "--term", "2019秋")
    assert "新增 0，变更 0，未变 12" in again.output, again.output
    rows[4][6] = "x',y"  # was "a,b": a quote and a comma moved
    rows[7][1] = "女"  # the student's own data, on a row whose class holds a line break
    result = cli("import", write_xlsx(tmp_path / "roll2.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert "新增 0，变更 2，未变 10" in result.output
    ledger = Ledger(cli.db)
    with ledger.transaction() as conn:
        classes = [r[0] for r in conn.execute(text("SELECT class_name FROM enrollments ORDER BY class_name"))]
        count = conn.execute(text("SELECT count(*) FROM enrollments")).scalar()
    assert "x',y" in classes and "a,b" not in classes and count == 12


def test_reimport_reads_only_the_files_terms(small_slices, tmp_path, cli, schools, monkeypatch):
    path = write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows())
    assert "新增 3" in cli("import", path, "--term", "2019春").output
    assert "新增 3，变更 0，未变 0" in cli("import", path, "--term", "2019秋").output
    read = []
    original = compare.fetch_fingerprints

    def spy(conn, table, key_columns, compare_columns, only=None, among=None):
        frame = original(conn, table, key_columns, compare_columns, only, among)
        read.append((table.name, len(frame)))
        return frame

    monkeypatch.setattr("jiaoyu_fupin.importers.students.fetch_fingerprints", spy)
    again = cli("import", path, "--term", "2019秋")
    assert "新增 0，变更 0，未变 3" in again.output, again.output
    assert sorted(read) == [("enrollments", 3), ("students", 3)]  # not the 2019春 enrollments


def _county_roll(tmp_path, name: str, first: int, count: int, grade: str = "七年级", category: str = "") -> object:
    rows = [[f"{name}{i}", "男", make_id(date(2007, 3, 1 + i % 28), 100 + i), "城关中学", "初中", grade, "1班", "走读",
             "在校", category] for i in range(first, first + count)]
    return write_xlsx(tmp_path / f"{name}.xlsx", [*ROLL_HEADER, "家庭经济困难类别"], rows)


def test_a_small_roll_into_a_large_ledger_reads_back_only_its_own_rows(small_slices, tmp_path, cli, schools,
                                                                        monkeypatch, db):
    """One county's roll into a prefecture's ledger: the stored rows are read by the roll's ID numbers (in slices
    of compare.CHUNK), not all of them; new, changed and unchanged come out as reading them all would say."""
    from conftest import query

    assert "新增 30" in cli("import", _county_roll(tmp_path, "甲", 0, 30), "--term", "2019秋").output
    read = []
    original = compare.fetch_fingerprints

    def spy(conn, table, key_columns, compare_columns, only=None, among=None):
        frame = original(conn, table, key_columns, compare_columns, only, among)
        read.append((table.name, len(frame), among is not None))
        return frame

    monkeypatch.setattr("jiaoyu_fupin.importers.students.fetch_fingerprints", spy)
    # 5 students: 3 of them stored (one moves up a grade, one becomes 低保), 2 new.
    rows = [[f"甲{i}", "男", make_id(date(2007, 3, 1 + i % 28), 100 + i), "城关中学", "初中",
             "八年级" if i == 1 else "七年级", "1班", "走读", "在校", "低保" if i == 2 else ""] for i in (0, 1, 2, 40, 41)]
    path = write_xlsx(tmp_path / "乙.xlsx", [*ROLL_HEADER, "家庭经济困难类别"], rows)
    result = cli("import", path, "--term", "2019秋")
    assert "新增 2，变更 2，未变 1" in result.output, result.output
    assert sorted(read) == [("enrollments", 3, True), ("students", 3, True)]  # not the other 27
    assert query(db, "SELECT grade FROM enrollments e JOIN students s ON s.id = e.student_id WHERE s.name = '甲1'") \
        == [(2,)]  # 八年级: the second year of 初中
    assert query(db, "SELECT family_category FROM students WHERE name = '甲2'") == [("subsistence_allowance",)]
    assert query(db, "SELECT count(*) FROM students") == [(32,)]
