"""Re-import comparison by fingerprint: one text per row standing for all of its compared columns.

A million stored rows read back as Python objects, one per cell, cost more time and memory than the rest of a
re-import; the database builds one fingerprint per row instead, and the file's rows get the same fingerprint
in Arrow. A fingerprint is the row's values as SQL literals ('text' with quotes doubled, NULL) joined by commas, so
two rows have the same fingerprint exactly when every compared value has the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Integer, Table

from jiaoyu_fupin.store import dialect
from jiaoyu_fupin.store.bulk import CHUNK, repetitive

FINGERPRINT = "_fingerprint"

Keys = Callable[[pd.DataFrame], object]  # a frame -> one hashable key per row


def diff_stored(conn: Connection, table: Table, new: pd.DataFrame, key_columns: list[str], compare: list[str],
                key: Keys | None = None) -> pd.DataFrame:
    """Like store.diff against every stored row of `table`: adds `id` (NA when new) and `_changed`.

    `key` turns a frame (the file's, or the stored one with `key_columns`) into one key per row; by default the
    single key column itself.
    """
    stored = fetch_fingerprints(conn, table, key_columns, compare)
    return diff_fetched(new, stored, compare, key or (lambda frame: frame[key_columns[0]]))


def diff_fetched(new: pd.DataFrame, stored: pd.DataFrame, compare: list[str], key: Keys) -> pd.DataFrame:
    """diff_stored with the stored side already read by fetch_fingerprints."""
    pos = _positions(key(stored), key(new)) if len(stored) else np.full(len(new), -1)
    matched = pos >= 0
    out = new.copy(deep=False)
    ids = np.zeros(len(new), dtype=np.int64)
    ids[matched] = stored["id"].to_numpy(dtype=np.int64)[pos[matched]]
    out["id"] = pd.arrays.IntegerArray(ids, ~matched)
    out["_changed"] = _changed(new, _arrow(stored[FINGERPRINT]).combine_chunks(), pos, compare)
    return out


def _changed(new: pd.DataFrame, stored: pa.Array, pos: np.ndarray, compare: list[str]) -> np.ndarray:
    """Which new rows differ from the stored row at `pos` (-1: none), compared a slice at a time to bound memory."""
    changed = np.zeros(len(new), dtype=bool)
    for start in range(0, len(new), CHUNK):
        where = pos[start:start + CHUNK]
        matched = where >= 0
        if matched.any():
            mine = fingerprints(new.iloc[start:start + CHUNK].loc[matched, compare])
            theirs = stored.take(pa.array(where[matched]))
            changed[start:start + CHUNK][matched] = ~pc.equal(mine, theirs).to_numpy(zero_copy_only=False)
    return changed


def _positions(stored, new) -> np.ndarray:
    """For each new key, the position of the same key among the stored ones (unique), -1 when absent."""
    text = [isinstance(getattr(keys, "dtype", None), pd.StringDtype) for keys in (stored, new)]
    if all(text):
        # Text keys matched in Arrow: no Python string per key on either side.
        found = pc.index_in(_arrow(new), value_set=_arrow(stored).combine_chunks())
        return pc.fill_null(found, -1).to_numpy().astype(np.int64)
    if any(text):
        stored, new = pd.Series(stored).astype(object), pd.Series(new).astype(object)
    return pd.Index(stored).get_indexer(new)


def fetch_fingerprints(conn: Connection, table: Table, key_columns: list[str], compare: list[str],
                       only: tuple[str, list] | None = None, among: tuple[str, list] | None = None) -> pd.DataFrame:
    """`id`, the key columns (NOT NULL ones) and the fingerprint of `compare` of every stored row.

    `only` = (column, values) reads just the rows holding one of those values (a roll's terms: a ledger of many
    terms is not read back whole to re-import one of them); `among` = (column, values) likewise, for many values
    (a roll's ID numbers: a prefecture's ledger is not read back whole to import one county), CHUNK at a time.
    """
    exprs = ["id", *key_columns, dialect.row_literals(conn, table, compare)]
    numeric = [True, *(isinstance(table.c[c].type, Integer) for c in key_columns), False]
    wheres: list[tuple[str, tuple]] = [("1 = 1", ())] if only is None else [(f"{only[0]} = %s", (v,)) for v in only[1]]
    if among is not None:
        chunks = [dialect.in_list(conn, among[0], among[1][start:start + CHUNK])
                  for start in range(0, len(among[1]), CHUNK)]
        wheres = [(f"{where} AND {condition}", (*args, value)) for where, args in wheres for condition, value in chunks]
    parts = []
    for where, args in wheres:
        last = 0
        while (columns := _slice(conn, table, exprs, where, (*args, last))) is not None:
            parts.append(pd.DataFrame({
                name: pd.Series(pc.cast(column, pa.int64()).to_numpy()) if is_number
                else pd.Series(column.cast(pa.large_string()).to_pandas())
                for name, column, is_number in zip(["id", *key_columns, FINGERPRINT], columns, numeric, strict=True)
            }))
            if len(parts[-1]) < CHUNK:  # the last slice: asking again would only find nothing
                break
            last = int(parts[-1]["id"].max())
    if not parts:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in ["id", *key_columns, FINGERPRINT]})
    return pd.concat(parts, ignore_index=True)


def _slice(conn: Connection, table: Table, exprs: list[str], where: str, args: tuple) -> list[pa.Array] | None:
    """The next CHUNK rows by id (args end with the last id read), each expression as one Arrow text array;
    None past the last row.

    The database joins a slice's values into one text per expression: one Python object per slice instead of one
    per cell, which is what reading a million rows back otherwise costs. A value holding a line break would split
    wrongly, so such a slice (the counts do not add up) is read row by row instead.
    """
    inner = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
    source = f"SELECT {inner} FROM {table.name} WHERE {where} AND id > %s ORDER BY id LIMIT %s"  # noqa: S608
    joined = ", ".join(dialect.joined_text(conn, f"c{i}", "\n") for i in range(len(exprs)))
    [(count, *texts)] = dialect.select_raw(conn, f"SELECT count(*), {joined} FROM ({source}) AS s",  # noqa: S608
                                           (*args, CHUNK))
    if not count:
        return None
    columns = [pc.split_pattern(pa.array([text], pa.large_string()), "\n").flatten() for text in texts]
    if any(len(column) != count for column in columns):
        rows = dialect.select_raw(conn, source, (*args, CHUNK))
        columns = [pa.array([None if v is None else str(v) for v in values], pa.large_string())
                   for values in zip(*rows, strict=True)]
    return columns


def fingerprints(frame: pd.DataFrame) -> pa.ChunkedArray:
    """The fingerprint of each row of a frame in storage form, as the database writes it."""
    if not len(frame.columns):
        return pa.chunked_array([pa.array([""] * len(frame), type=pa.large_string())])
    return pc.binary_join_element_wise(*(_literals(frame[name]) for name in frame.columns), _text_scalar(","))


def _literals(series: pd.Series) -> pa.ChunkedArray:
    """Each value as printf's %Q writes it: 'text' with quotes doubled, NULL when empty."""
    if isinstance(series.dtype, pd.StringDtype) and not repetitive(series):
        quote = _text_scalar("'")
        doubled = pc.replace_substring(_arrow(series), "'", "''")
        return pc.fill_null(pc.binary_join_element_wise(quote, doubled, quote, _text_scalar("")), _text_scalar("NULL"))
    # Worked out once per distinct value: most columns repeat a few values.
    codes, uniques = pd.factorize(series)
    table = pa.array([*(_literal(u) for u in uniques), "NULL"], type=pa.large_string())
    return pa.chunked_array([table.take(pa.array(np.where(codes < 0, len(uniques), codes)))])


def _literal(value) -> str:
    return "'" + _text(value).replace("'", "''") + "'"


def _text_scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _arrow(series: pd.Series) -> pa.ChunkedArray:
    """An Arrow-backed text column as a large_string ChunkedArray, without copying it."""
    array = pa.array(series.array)
    array = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return array.cast(pa.large_string())


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        # An INTEGER column stores 12.0 as 12; pandas may hand over an integer column as floats.
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
