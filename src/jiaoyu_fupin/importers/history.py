"""Keep the stored version of every row an import is about to change (row_versions), for reports as of a past date.

Called by store.update, the one function every importer changes stored rows through; only changed rows are copied,
so an unchanged re-import costs nothing, and on SQLite the copy is one INSERT … SELECT per chunk, made by SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, Table, insert, select

from jiaoyu_fupin.models import RowVersion

_CHUNK = 50_000


def keep_versions(conn: Connection, table: Table, ids: Iterable, batch_id: int) -> None:
    """Copy rows `ids` of `table`, as stored now, into row_versions as replaced by `batch_id`."""
    ids = [int(i) for i in ids]
    if not ids:
        return
    columns = [c.name for c in table.columns if c.name != "id"]
    if conn.dialect.name != "sqlite":
        _keep_portable(conn, table, ids, batch_id, columns)
        return
    pairs = ", ".join(f"'{name}', \"{name}\"" for name in columns)
    sql = (f"INSERT INTO row_versions (table_name, row_id, batch_id, replaced_by_batch, data)"  # noqa: S608
           f" SELECT '{table.name}', id, batch_id, ?, json_object({pairs}) FROM \"{table.name}\""
           " WHERE id IN (SELECT value FROM json_each(?))")
    driver = conn.connection.driver_connection
    for start in range(0, len(ids), _CHUNK):
        driver.execute(sql, (int(batch_id), json.dumps(ids[start:start + _CHUNK])))


def _keep_portable(conn: Connection, table: Table, ids: list[int], batch_id: int, columns: list[str]) -> None:
    """Other databases: the same rows through SQLAlchemy (kept for the record; --as-of itself needs SQLite)."""
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(select(table).where(table.c.id.in_(ids[start:start + _CHUNK]))).mappings().all()
        if rows:
            conn.execute(insert(RowVersion.__table__), [
                {"table_name": table.name, "row_id": row["id"], "batch_id": row.get("batch_id"),
                 "replaced_by_batch": int(batch_id),
                 "data": json.dumps({c: row[c] for c in columns}, ensure_ascii=False, default=str)}
                for row in rows])
