"""What the per-kind importers share: their input and output shapes, terms, schools and the batch row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert

from jiaoyu_fupin.importers import store, values
from jiaoyu_fupin.importers.reader import Table
from jiaoyu_fupin.importers.rowchecks import Checked, bad_values
from jiaoyu_fupin.importers.store import fetch
from jiaoyu_fupin.models import Batch, School


@dataclass
class Options:
    term: str | None = None  # --term, for files without a 学期 column


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
        table[i] = found.get(values.text_key(name), (None, None))
    picked = table[codes]
    return (pd.Series(picked[:, 0], index=names.index, dtype=object),
            pd.Series(picked[:, 1], index=names.index, dtype=object))


STAGE_OF_TYPE = {"幼儿园": "学前", "小学": "小学", "教学点": "小学", "初中": "初中", "初级中学": "初中",
                 "普通高中": "普通高中", "高中": "普通高中", "中职": "中职", "中等职业学校": "中职",
                 "特殊教育": "特殊教育", "特殊教育学校": "特殊教育"}
# Words in the type names school lists really use (完全小学, 村小, 小学教学点, 公办幼儿园, 职业高级中学 …), checked
# in this order; 九年一贯制 and 完全中学 span two stages, so their grade decides.
_TYPE_WORDS = (("一贯制", None), ("完全中学", None), ("特殊教育", "特殊教育"), ("特教", "特殊教育"),
               ("幼儿", "学前"), ("小学", "小学"), ("村小", "小学"), ("教学点", "小学"),
               ("职业", "中职"), ("中职", "中职"), ("职高", "中职"), ("中专", "中职"), ("技工", "中职"),
               ("初级中学", "初中"), ("初中", "初中"), ("高级中学", "普通高中"), ("高中", "普通高中"))


def stage_of_type(school_type: str | None) -> str | None:
    """The stage a school's type implies, or None when it spans stages (九年一贯制) or says nothing."""
    if not school_type:
        return None
    key = values.text_key(school_type)
    if key in STAGE_OF_TYPE:
        return STAGE_OF_TYPE[key]
    return next((stage for word, stage in _TYPE_WORDS if word in key), None)


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


def apply_diff(conn: Connection, table, merged: pd.DataFrame, columns: list[str], batch_id: int) -> None:
    """Insert the new rows and update the changed ones of a diffed frame, stamping the batch."""
    cols = [*columns, "source_row"] if "source_row" in merged.columns else columns
    new = merged["id"].isna().to_numpy()
    store.insert(conn, table, merged[new][cols].assign(batch_id=batch_id))
    store.update(conn, table, merged[merged["_changed"].to_numpy()][["id", *cols]].assign(batch_id=batch_id))
