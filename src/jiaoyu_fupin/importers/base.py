"""What the per-kind importers share: their input and output shapes, terms, schools and the batch row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert

from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.core.policy import Policy
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.importers.rowchecks import Checked, bad_values
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.bulk import fetch
from jiaoyu_fupin.store.models import Batch, School


@dataclass
class Options:
    term: str | None = None  # --term, for files without a 学期 column
    policy: Policy | None = None  # --policy: its amount ceilings (the default policy's when None)


@dataclass
class Prepared:
    """A validated file, ready to write: frames in storage form, keyed by what they go into."""

    table: Table
    checked: Checked
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    term: str | None = None


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    moved: list[str] = field(default_factory=list)  # students a roll moves to another school (transfers.py)


class BatchMaker:
    """Creates the file's batch row on first use: a file that changes nothing leaves no batch behind."""

    def __init__(self, conn: Connection, table: Table, term: str | None, rows: int,
                 effective_at: datetime | None = None):
        self.conn, self.table, self.term, self.rows = conn, table, term, rows
        self.effective_at = effective_at  # UTC; None: the data is true now
        self.id: int | None = None

    def __call__(self) -> int:
        if self.id is None:
            now = datetime.now(UTC)
            self.id = self.conn.execute(insert(Batch.__table__).values(
                file_name=self.table.file_name, sha256=self.table.sha256, kind=self.table.kind.name,
                sheet=self.table.sheet, term=self.term, imported_at=now, effective_at=self.effective_at or now,
                rows=self.rows,
            )).inserted_primary_key[0]
        return self.id


Writer = Callable[[Connection, Prepared, BatchMaker], Counts]


def terms(table: Table, checked: Checked, options: Options) -> pd.Series | None:
    """Each row's term: the 学期 column where filled, else --term. None when neither says (a problem is added)."""
    n = len(table.frame)
    column = table.column("term")
    default = None
    if options.term:
        default = options.term
    if column is None:
        if default is None:
            return None
        return pd.Series([default] * n, dtype=object)
    parsed, bad, messages = values.parse_terms(column)
    bad_values(table, checked, "term", bad, "无法识别的学期“{value}”", "请写成 2019秋、2020春 或 2019-2020学年第一学期",
               messages=messages)
    if default is not None:
        clash = parsed.notna() & (parsed != default)
        bad_values(table, checked, "term", clash, f"学期“{{value}}”与命令中的 --term {default} 不一致",
                   "请去掉 --term，或改正该行的学期", code="term_conflict")
        parsed = parsed.where(parsed.notna(), default)
    missing = parsed.isna() & ~bad
    if missing.any():
        bad_values(table, checked, "term", missing & column.isna(), "学期为空",
                   "请填写学期，或在命令中加 --term 2019秋", code="value_missing")
    return parsed


def single_term(term: pd.Series | None) -> str | None:
    """The file's term when all its rows share one (recorded on the batch), else None."""
    if term is None:
        return None
    found = term.dropna().unique()
    return str(found[0]) if len(found) == 1 else None


def school_index(conn: Connection) -> pd.DataFrame:
    frame = fetch(conn, School.__table__, ["id", "name", "school_type"])
    frame["key"] = values.name_key(frame["name"].astype("str")) if len(frame) else []
    return frame


def match_schools(conn: Connection, names: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(school id, school type) for each name; NA where the school is not in the ledger."""
    index = school_index(conn).drop_duplicates("key")
    found = {k: (i, t) for k, i, t in zip(index["key"], index["id"], index["school_type"], strict=True)}
    # Looked up once per distinct name: a roll names a few hundred schools a million times.
    codes, uniques = pd.factorize(names)
    table = np.full((len(uniques) + 1, 2), None, dtype=object)  # the last row answers empty cells (code -1)
    for i, name in enumerate(uniques):
        table[i] = found.get(text_key(name), (None, None))
    picked = table[codes]
    return (pd.Series(picked[:, 0], index=names.index, dtype=object),
            pd.Series(picked[:, 1], index=names.index, dtype=object))






def iso(series: pd.Series) -> pd.Series:
    return values.by_unique(series, lambda d: d.isoformat())


def flag(series: pd.Series) -> pd.Series:
    return values.by_unique(series, lambda b: int(bool(b)))


def keep_frame(table: Table, checked: Checked, columns: dict[str, pd.Series], drop: np.ndarray | None = None) -> pd.DataFrame:
    # Columns keep their dtype (Arrow-backed text stays Arrow): a million rows of Python strings would cost GBs.
    frame = pd.DataFrame(dict(columns))
    frame["source_row"] = table.rows
    mask = checked.keep if drop is None else checked.keep & ~drop
    kept = frame if mask.all() else frame[mask]  # no copy of a file without blank rows or repeats
    return kept.reset_index(drop=True)


def diff_counts(merged: pd.DataFrame) -> Counts:
    new = int(merged["id"].isna().sum())
    changed = int(merged["_changed"].sum())
    return Counts(new=new, changed=changed, unchanged=len(merged) - new - changed)


def spoken_for(table: Table, fields: list[str], sources: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """The stored fields a file speaks for: those read from a column the file has.

    Nothing is erased by omission: a column the file does not have never changes what the ledger holds (a school
    list sent again without 所在乡镇 keeps every township). An empty cell in a column the file has means empty and
    clears the stored value, whose old version is kept. `sources` names the columns a stored field is read from
    where they are not the field itself: school_id from 学校名称, a sex from the ID number when there is no 性别.
    """
    sources = sources or {}
    return [f for f in fields if any(s in table.fields for s in sources.get(f, (f,)))]


def write_diff(conn: Connection, table, rows: pd.DataFrame, stored: list[str], key: list[str], fields: list[str],
               batch: BatchMaker, *, changing: list[str] | None = None,
               key_of: Callable[[pd.DataFrame], pd.Series] | None = None) -> Counts:
    """Write a file's rows into a table the way every importer does: match them to the stored rows by `key`, insert
    the new, update the changed (`fields` are the ones compared), stamp the batch only when something is written.

    `stored`: the table's columns a new row gets; `changing`: those an update may set (all of `stored` by default).
    `key_of`: where the key is worked out from several columns, the one text key of a row, for both sides alike.
    """
    existing = store.fetch(conn, table, ["id", *stored])
    if key_of is not None:
        rows["key"], existing["key"], key = key_of(rows), key_of(existing), ["key"]
    merged = store.diff(rows, existing, key, fields)
    counts = diff_counts(merged)
    if counts.new or counts.changed:
        apply_diff(conn, table, merged, stored, batch(), changing=changing)
    return counts


def apply_diff(conn: Connection, table, merged: pd.DataFrame, columns: list[str], batch_id: int,
               changing: list[str] | None = None) -> None:
    """Insert the new rows and update the changed ones of a diffed frame, stamping the batch.

    `changing`: the columns an update may set (by default all of `columns`); new rows get every column.
    """
    extra = ["source_row"] if "source_row" in merged.columns else []
    new = merged["id"].isna().to_numpy()
    store.insert(conn, table, merged[new][[*columns, *extra]].assign(batch_id=batch_id))
    updated = [*(columns if changing is None else changing), *extra]
    store.update(conn, table, merged[merged["_changed"].to_numpy()][["id", *updated]].assign(batch_id=batch_id))
