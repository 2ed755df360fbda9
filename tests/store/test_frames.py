"""Large reads: integer columns through group_concat, reads side by side on one snapshot, sorted-key set operations."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from jiaoyu_fupin.checks.subsidy.arrays import contains, distinct, lookup
from jiaoyu_fupin.store import frames
from jiaoyu_fupin.store.frames import int_frames_alongside, query_frame, query_int_frames
from jiaoyu_fupin.store.ledger import Ledger, sibling_readers

NEW_BATCH = text("INSERT INTO batches (file_name, sha256, kind, imported_at, rows, new_rows, changed_rows,"
                 " unchanged_rows) VALUES (:f, 'x', 'roll', '2019-09-01 08:00:00', 0, 0, 0, 0)")


def _ledger_with_numbers(db, count: int = 1000) -> Ledger:
    ledger = Ledger(db)
    with ledger.transaction() as conn:
        conn.exec_driver_sql("CREATE TABLE numbers (n INTEGER NOT NULL, m INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO numbers VALUES " + ",".join(f"({i}, {i * 7 - 500})" for i in range(count)))
        conn.execute(NEW_BATCH, {"f": "first.xlsx"})
    return ledger


NUMBERS = text("SELECT n, m FROM numbers WHERE n >= :low")


def test_integer_columns_read_through_text_equal_the_rows(db):
    ledger = _ledger_with_numbers(db)
    with ledger.engine.connect() as conn:
        frame = query_frame(conn, NUMBERS, {"low": 10}, ["n", "m"], ints=["n", "m"])
        rows = conn.execute(NUMBERS, {"low": 10}).all()  # the same statement: the same order
        empty = query_frame(conn, NUMBERS, {"low": 5000}, ["n", "m"], ints=["n", "m"])
    assert frame["n"].tolist() == [r[0] for r in rows] and frame["m"].tolist() == [r[1] for r in rows]
    assert frame["m"].min() == 10 * 7 - 500 < 0 and frame["m"].dtype == np.int64
    assert len(empty) == 0 and list(empty.columns) == ["n", "m"]


@pytest.mark.sqlite_only("SQLite keeps a REAL in an INTEGER column")
def test_a_number_that_is_not_an_integer_never_puts_columns_out_of_step(db):
    ledger = _ledger_with_numbers(db, count=5)
    with ledger.transaction() as conn:
        conn.exec_driver_sql("UPDATE numbers SET m = 2.5 WHERE n = 1")  # a REAL where an integer belongs
    with ledger.engine.connect() as conn:
        frame = query_frame(conn, NUMBERS, {"low": 0}, ["n", "m"], ints=["n", "m"])
    assert frame["n"].tolist() == [0, 1, 2, 3, 4]
    assert frame["m"].tolist()[2:] == [2 * 7 - 500, 3 * 7 - 500, 4 * 7 - 500]
    holed = text("SELECT n, CASE WHEN n = 3 THEN NULL ELSE n END FROM numbers")  # breaks the no-NULL contract
    with ledger.engine.connect() as conn, pytest.raises(TypeError):
        query_frame(conn, holed, {}, ["n", "m"], ints=["n", "m"])


@pytest.mark.sqlite_only("side-by-side readers share one SQLite file's snapshot")
def test_side_by_side_reads_see_what_the_first_connection_sees(db):
    ledger = _ledger_with_numbers(db)
    queries = [(NUMBERS, {"low": low}, ["n", "m"]) for low in (0, 500, 900)]
    with ledger.engine.connect() as conn:
        with sibling_readers(conn, 1) as others:
            assert len(others) == 1
        frames = query_int_frames(conn, queries)
    assert [len(f) for f in frames] == [1000, 500, 100]


DAYS = text("SELECT n, d FROM days ORDER BY n")


def _ledger_with_days(db) -> Ledger:
    ledger = _ledger_with_numbers(db, count=3)
    with ledger.transaction() as conn:
        conn.exec_driver_sql("CREATE TABLE days (n INTEGER NOT NULL, d DATE NOT NULL)")
        conn.exec_driver_sql("INSERT INTO days VALUES (1, '2019-09-01'), (2, '2020-01-31'), (3, '2019-12-09')")
    return ledger


def test_dates_are_read_as_day_numbers_beside_the_block(db):
    ledger = _ledger_with_days(db)
    queries = [(DAYS, {}, ["n", "day"]), (NUMBERS, {"low": 1}, ["n", "m"])]
    with ledger.engine.connect() as conn, conn.begin(), int_frames_alongside(conn, queries, days=["day"]) as read:
        here = conn.execute(text("SELECT count(*) FROM numbers")).scalar()  # the block reads on meanwhile
        days, numbers = read()
    assert here == 3 and numbers["n"].tolist() == [1, 2]
    assert days["n"].tolist() == [1, 2, 3] and days["day"].tolist() == [20190901, 20200131, 20191209]
    assert days["day"].dtype == np.int64


@pytest.mark.sqlite_only("SQLite keeps whatever text is written into a DATE column")
def test_a_date_written_with_a_time_is_read_as_its_day(db):
    ledger = _ledger_with_days(db)
    with ledger.transaction() as conn:
        conn.exec_driver_sql("UPDATE days SET d = '2019-12-09 08:30:00' WHERE n = 3")
    with ledger.engine.connect() as conn:
        frame = query_frame(conn, DAYS, {}, ["n", "day"], ints=["n"], days=["day"])
    assert frame["day"].tolist() == [20190901, 20200131, 20191209] and frame["n"].tolist() == [1, 2, 3]


def test_a_machine_with_many_cores_reads_with_a_few_connections(db, monkeypatch):
    ledger = _ledger_with_numbers(db)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(64)), raising=False)
    assert frames.cores() == 4  # SQLAlchemy's pool holds 15 connections at most: 64 would wait for one forever
    queries = [(NUMBERS, {"low": low}, ["n", "m"]) for low in range(0, 1000, 50)]
    with ledger.engine.connect() as conn:
        assert [len(f) for f in query_int_frames(conn, queries)] == [1000 - low for low in range(0, 1000, 50)]


@pytest.mark.sqlite_only("side-by-side readers share one SQLite file's snapshot")
def test_an_import_committed_in_between_means_reading_on_one_connection(db):
    ledger = _ledger_with_numbers(db)
    with ledger.engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM numbers")).scalar()  # pins this connection's snapshot
        with ledger.transaction() as writer:  # another import commits meanwhile
            writer.exec_driver_sql("INSERT INTO numbers VALUES (5000, 0)")
            writer.execute(NEW_BATCH, {"f": "second.xlsx"})
        with sibling_readers(conn, 1) as others:
            assert others == []  # a sibling would read the newer state
        frames = query_int_frames(conn, [(NUMBERS, {"low": 0}, ["n", "m"])] * 2)
    assert before == 1000 and [len(f) for f in frames] == [1000, 1000]


def test_no_siblings_for_a_database_in_memory():
    ledger = Ledger("sqlite://")
    with ledger.engine.connect() as conn, sibling_readers(conn, 1) as others:
        assert others == []


def test_sorted_key_set_operations():
    keys = np.array([40, 10, 30, 10], dtype=np.int64)
    assert distinct(keys).tolist() == [10, 30, 40]
    assert distinct(np.array([], dtype=np.int64)).tolist() == []
    wanted = np.array([30, 20, 40, 5, 99], dtype=np.int64)
    hit, row = lookup(keys, wanted)
    assert hit.tolist() == [True, False, True, False, False]
    assert keys[row[hit]].tolist() == [30, 40]
    assert contains(np.array([], dtype=np.int64), wanted).tolist() == [False] * 5
    assert contains(keys, wanted).tolist() == pd.Series(wanted).isin(keys).tolist()
