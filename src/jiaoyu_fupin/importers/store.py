"""Bulk reads and writes for the importers: the driver's executemany on SQLite, SQLAlchemy Core elsewhere.

Frames handed to these functions hold values in storage form (dates as ISO text, booleans as 0/1, money as
integer 分), so a re-import compares like with like and a million rows never go through the ORM.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Connection, Date, Table, select

CHUNK = 50_000


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def fetch(conn: Connection, table: Table, columns: list[str]) -> pd.DataFrame:
    if _is_sqlite(conn):
        cursor = conn.connection.driver_connection.execute(
            f"SELECT {', '.join(columns)} FROM {table.name}"  # noqa: S608 (names come from our own tables)
        )
        rows = cursor.fetchall()
    else:
        rows = [tuple(_storage(v) for v in row) for row in conn.execute(select(*[table.c[c] for c in columns]))]
    return pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns, dtype=object)


def _storage(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _python(table: Table, frame: pd.DataFrame) -> list[dict]:
    """Storage form back to Python values, for databases other than SQLite."""
    records = frame.replace({np.nan: None}).to_dict("records")
    for name in frame.columns:
        column_type = table.c[name].type
        if isinstance(column_type, Date):
            for r in records:
                r[name] = date.fromisoformat(r[name]) if r[name] else None
        elif isinstance(column_type, Boolean):
            for r in records:
                r[name] = None if r[name] is None else bool(r[name])
    return records


def _tuples(frame: pd.DataFrame) -> list[tuple]:
    columns = []
    for name in frame.columns:
        values = frame[name].to_numpy(dtype=object, na_value=None) if frame[name].dtype != object else (
            frame[name].to_numpy())
        if values.dtype == object:
            values = values.copy()
            values[pd.isna(values)] = None
        columns.append(values.tolist())
    return list(zip(*columns, strict=True))


def insert(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    if not len(frame):
        return
    columns = list(frame.columns)
    if _is_sqlite(conn):
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        driver = conn.connection.driver_connection
        # In slices, so only one slice of rows is ever held as Python tuples.
        for start in range(0, len(frame), CHUNK):
            driver.executemany(sql, _tuples(frame.iloc[start:start + CHUNK]))
    else:
        conn.execute(table.insert(), _python(table, frame))


def update(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """UPDATE by the frame's `id` column, setting every other column."""
    if not len(frame):
        return
    columns = [c for c in frame.columns if c != "id"]
    if _is_sqlite(conn):
        sql = f"UPDATE {table.name} SET {', '.join(c + ' = ?' for c in columns)} WHERE id = ?"
        conn.connection.driver_connection.executemany(sql, _tuples(frame[[*columns, "id"]]))
    else:
        from sqlalchemy import bindparam

        stmt = table.update().where(table.c.id == bindparam("_id")).values({c: bindparam(c) for c in columns})
        records = _python(table, frame[columns])
        for record, row_id in zip(records, frame["id"], strict=True):
            record["_id"] = int(row_id)
        conn.execute(stmt, records)


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
    joined = frame[key[0]].astype(str)
    for name in key[1:]:
        joined = joined + "\x1f" + frame[name].astype(str)
    return joined


def next_ids(conn: Connection, table: Table, n: int) -> np.ndarray:
    """Ids for rows about to be inserted, so the rows that point at them can be written in the same pass."""
    start = conn.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar() or 0
    return np.arange(start + 1, start + 1 + n, dtype=np.int64)
