"""Keep the stored version of every row an import is about to change (row_versions), for reports as of a past date.

Called by store.update, the one function every importer changes stored rows through; only changed rows are copied,
so an unchanged re-import costs nothing, and the copy is one INSERT … SELECT per chunk, made by the database.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table

from jiaoyu_fupin.store import dialect

_CHUNK = 50_000


def keep_versions(conn: Connection, table: Table, ids: Iterable, batch_id: int) -> None:
    """Copy rows `ids` of `table`, as stored now, into row_versions as replaced by `batch_id`."""
    ids = [int(i) for i in ids]
    if not ids:
        return
    columns = [c.name for c in table.columns if c.name != "id"]
    data = dialect.json_object(conn, table, columns)
    for start in range(0, len(ids), _CHUNK):
        condition, chosen = dialect.id_in_list(conn, ids[start:start + _CHUNK])
        dialect.execute_raw(conn, (
            "INSERT INTO row_versions (table_name, row_id, batch_id, replaced_by_batch, data)"  # noqa: S608
            f" SELECT '{table.name}', id, batch_id, %s, {data} FROM \"{table.name}\" WHERE {condition}"),
            (int(batch_id), chosen))
