"""Bulk reads and writes for the importers: the driver's executemany on SQLite, COPY on PostgreSQL.

Frames handed to these functions hold values in storage form (dates as ISO text, booleans as 0/1, money as
integer 分), so a re-import compares like with like and a million rows never go through the ORM.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table

from jiaoyu_fupin.store import dialect, history
from jiaoyu_fupin.store.dialect import is_sqlite, storage_value  # noqa: F401  (imported from here by the importers)

CHUNK = 50_000
ROWS_PER_STATEMENT = 200
BULK_ROWS = 20_000  # inserts at least this big may rebuild plain indexes instead of updating them


def fetch(conn: Connection, table: Table, columns: list[str]) -> pd.DataFrame:
    rows = dialect.select_raw(conn, f"SELECT {', '.join(columns)} FROM {table.name}")  # noqa: S608 (our own names)
    return pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns, dtype=object)


def _matrix(frame: pd.DataFrame) -> np.ndarray:
    """The frame as an (rows, columns) object array of plain Python values, None for empty cells."""
    out = np.empty((len(frame), len(frame.columns)), dtype=object)
    for j, name in enumerate(frame.columns):
        column = frame[name]
        if column.dtype == object:
            values = column.to_numpy()
            out[:, j] = values
            # infer_dtype is a quick pass that settles the common columns without any empty cell.
            if pd.api.types.infer_dtype(values, skipna=False) not in ("string", "integer", "boolean"):
                missing = pd.isna(values)
                out[missing, j] = None
        elif isinstance(column.dtype, pd.StringDtype) and repetitive(column):
            out[:, j] = _shared_objects(column)
        else:
            # Arrow-backed text and numeric columns: Python objects for this slice only.
            out[:, j] = column.to_numpy(dtype=object, na_value=None)
    return out


def repetitive(column: pd.Series, sample: int = 2048) -> bool:
    head = column.iloc[:sample]
    return len(head.unique()) * 4 <= len(head)


def _shared_objects(column: pd.Series) -> np.ndarray:
    """One Python object per distinct text (a school name a million times): made, and later encoded to UTF-8 by
    the driver, once per distinct value rather than once per row."""
    codes, uniques = pd.factorize(column)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = uniques.to_numpy(dtype=object)
    table[-1] = None  # code -1: empty cell
    return table[codes]


_SAME_KIND = {int: "integer", bool: "boolean", float: "floating"}


def _is_constant(column: np.ndarray) -> bool:
    """Every cell holds the same value, of the same type (1, 1.0 and True are equal in Python, not in a ledger)."""
    first, kind = column[0], type(column[0])
    # A few cheap probes first: most columns differ within their first rows.
    for value in column[1:64]:
        if type(value) is not kind or value != first:
            return False
    if not (column == first).all():
        return False
    # Only a str equals a str and only None equals None; numbers need their types checked.
    return first is None or kind is str or pd.api.types.infer_dtype(column, skipna=False) == _SAME_KIND.get(kind)


def _values_sql(table: Table, columns: list[str], varying: list[int], rows: int) -> str:
    """A multi-row INSERT with numbered parameters: per row for the varying columns, once for the others."""
    width = len(varying)
    shared = {j: f"?{rows * width + 1 + i}" for i, j in enumerate(j for j in range(len(columns)) if j not in varying)}
    slot = {j: i for i, j in enumerate(varying)}
    groups = [
        "(" + ", ".join(f"?{r * width + slot[j] + 1}" if j in slot else shared[j] for j in range(len(columns))) + ")"
        for r in range(rows)
    ]
    return f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {', '.join(groups)}"


def _rows_per_statement(driver, varying: int, shared: int) -> int:
    """Rows bound per INSERT: many rows per statement cut the per-statement cost of executemany by about 40 %."""
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if hasattr(driver, "getlimit") else 999
    return max(1, min(ROWS_PER_STATEMENT, (limit - shared) // varying))


def insert(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    if not len(frame):
        return
    if not is_sqlite(conn):
        for start in range(0, len(frame), CHUNK):
            dialect.copy_frame(conn, table, frame.iloc[start:start + CHUNK])
        dialect.ids_taken(conn, table)
        return
    driver = conn.connection.driver_connection
    with _indexes_rebuilt_when_bulk(driver, table, len(frame)):
        _insert_sqlite(driver, table, frame)


def _insert_sqlite(driver, table: Table, frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    # In slices, so only one slice of rows is ever held as Python objects.
    for start in range(0, len(frame), CHUNK):
        matrix = _matrix(frame.iloc[start:start + CHUNK])
        # A column with one value in the whole slice (the batch, the term, an absent optional column) is bound
        # once per statement rather than once per row: binding is most of what executemany costs.
        varying = [j for j in range(len(columns)) if not _is_constant(matrix[:, j])] or [0]
        shared = [matrix[0, j] for j in range(len(columns)) if j not in varying]
        per = _rows_per_statement(driver, len(varying), len(shared))
        whole = len(matrix) // per * per
        if whole:
            _execute_rows(driver, _values_sql(table, columns, varying, per), matrix[:whole, varying], per, shared)
        if whole < len(matrix):
            rest = len(matrix) - whole
            _execute_rows(driver, _values_sql(table, columns, varying, rest), matrix[whole:, varying], rest, shared)


def _execute_rows(driver, sql: str, values: np.ndarray, per: int, shared: list) -> None:
    """Run `sql` once per `per` rows of `values`, the shared values appended to each statement's parameters."""
    params = values.reshape(-1, per * values.shape[1])
    if shared:
        tail = np.empty((len(params), len(shared)), dtype=object)
        for i, value in enumerate(shared):
            tail[:, i] = value
        params = np.concatenate([params, tail], axis=1)
    driver.executemany(sql, params.tolist())


@contextmanager
def _indexes_rebuilt_when_bulk(driver, table: Table, rows: int):
    """Drop the table's plain (non-unique) indexes around an insert that at least doubles the table.

    Rows arrive in key order, so the primary key and the unique indexes are appended to, but an index such as
    enrollments(school_id) takes every row at a random place: about 4 us a row, where building it afresh by
    sorting afterwards costs a tenth of that. Inside the import's transaction, so all or nothing still holds;
    unique indexes stay, so a duplicate is refused by the insert itself.
    """
    plain = []
    if rows >= BULK_ROWS:
        stored = driver.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table.name} LIMIT ?)", (rows,)).fetchone()[0]
        if stored < rows:
            plain = driver.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
                " AND sql NOT LIKE 'CREATE UNIQUE%'", (table.name,)
            ).fetchall()
    for name, _ in plain:
        driver.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in plain:
        driver.execute(sql)


def update(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """UPDATE by the frame's `id` column, setting every other column."""
    if not len(frame):
        return
    if "batch_id" in frame.columns:  # an import replaces these rows: keep what they said (reports --as-of)
        history.keep_versions(conn, table, frame["id"], frame["batch_id"].iloc[0])
    columns = [c for c in frame.columns if c != "id"]
    sql = f"UPDATE {table.name} SET {', '.join(c + ' = %s' for c in columns)} WHERE id = %s"  # noqa: S608
    dialect.executemany_raw(conn, sql, _matrix(frame[[*columns, "id"]]).tolist())


def diff(new: pd.DataFrame, existing: pd.DataFrame, key: list[str], compare: list[str]) -> pd.DataFrame:
    """Align incoming rows with stored ones by key: adds `id` (None when new) and `_changed`.

    A hash lookup of the keys (not a merge): a million-row re-import spends its time reading, not joining.
    """
    pos = pd.Index(_keys(existing, key)).get_indexer(_keys(new, key)) if len(existing) else np.full(len(new), -1)
    matched = pos >= 0
    out = new.copy()
    ids = np.full(len(new), None, dtype=object)
    ids[matched] = existing["id"].to_numpy(dtype=object)[pos[matched]]
    out["id"] = ids
    changed = np.zeros(len(new), dtype=bool)
    if matched.any():
        for c in compare:
            # Both sides in storage form (text, ints, 0/1, None for empty): plain equality is exact.
            a = new[c].to_numpy(dtype=object, na_value=None)[matched]
            b = existing[c].to_numpy(dtype=object, na_value=None)[pos[matched]]
            changed[matched] |= np.asarray(a != b, dtype=bool)
    out["_changed"] = changed
    return out


def _keys(frame: pd.DataFrame, key: list[str]) -> pd.Index | pd.Series:
    if len(key) == 1:
        return frame[key[0]].astype(object)
    joined = _key_text(frame[key[0]])
    for name in key[1:]:
        joined = joined + "\x1f" + _key_text(frame[name])
    return joined


def _key_text(series: pd.Series) -> pd.Series:
    """A key part as text, an empty one as a marker: pandas' text of a missing value is missing, and one empty part
    made the whole key missing, so a dropout row without 辍学年月 never found its stored self (a new case on every
    import, then a crash on the duplicate keys)."""
    return series.astype(object).where(series.notna(), "\x00").astype(str)


def next_ids(conn: Connection, table: Table, n: int) -> np.ndarray:
    """Ids for rows about to be inserted, so the rows that point at them can be written in the same pass.
    Safe because the caller writes under the ledger's write lock (see dialect)."""
    start = max_id(conn, table)
    return np.arange(start + 1, start + 1 + n, dtype=np.int64)


def max_id(conn: Connection, table: Table) -> int:
    return dialect.max_id(conn, table)
