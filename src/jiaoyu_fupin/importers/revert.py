"""Taking an import batch back out of the ledger (撤销导入), as if it had never been imported.

Every row the batch wrote goes back to the version it replaced (row_versions), or goes, if the batch created it.
Refused, with the reason, when something later builds on the batch: a later import changed one of its rows, or a
row it created is pointed at by a row it did not write (a roll of another term, a pairing, a dropout case). The
revert is a batch of its own (kind "revert", the file name of the batch it took out), and the rows as the batch left them are kept in row_versions as
replaced by it, so a report as of a time before the revert still says what it said then (store/asof.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Connection, Date, DateTime, Table, delete, insert, select, update
from sqlmodel import SQLModel

from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.importers.columns import kind_title
from jiaoyu_fupin.store import history
from jiaoyu_fupin.store.models import Batch, RowVersion
from jiaoyu_fupin.store.models.base import Money, from_fen

REVERT_KIND = "revert"
# Links the ledger derives from the rows alone after every import (engine.relink): a student's household, a
# payment's student. A link to a row the revert takes out is redone, not a reason to refuse.
_DERIVED = {("students", "household_id"), ("payments", "student_id")}
_CHUNK = 500


class RevertError(ClerkError):
    """A batch that cannot be reverted; the message says why, the hint what to do."""

    misuse = False  # the ledger refuses (exit 1): later imports used the batch, or it is already taken out


@dataclass
class Reverted:
    batch: int
    file_name: str
    kind: str
    restored: dict[str, int] = field(default_factory=dict)  # table → rows put back to their earlier version
    removed: dict[str, int] = field(default_factory=dict)  # table → rows the batch had created, taken out
    revert_batch: int | None = None  # the batch recording the revert (None: --dry-run)
    put_back: PutBack | None = None  # a correction's revert: the roster it had replaced, back in

    @property
    def summary(self) -> str:
        restored, removed = sum(self.restored.values()), sum(self.removed.values())
        return f"撤销批次 #{self.batch}（{self.file_name}，{kind_title(self.kind)}）：恢复 {restored:,} 行原有内容，删除 {removed:,} 行"


@dataclass
class PutBack:
    """The batch a reverted correction had replaced, whose rows the revert puts back in."""

    batch: int
    file_name: str
    term: str | None
    rows: list[dict]  # the rows as the correction took them out (storage form, no id), to go back in
    present: int = 0  # rows of it the ledger holds again (the same file imported again): not put back twice
    new_batch: int | None = None  # the batch recording the rows put back (None: --dry-run)
    waiting: list[int] = field(default_factory=list)  # other corrections of it still in effect: nothing put back yet

    def summary(self, dry_run: bool) -> str:
        head = f"批次 #{self.batch}（{self.file_name}）被更正时撤销的"
        parts = []
        if self.waiting:
            others = "、".join(f"#{b}" for b in self.waiting)
            parts.append(f"批次 #{self.batch}（{self.file_name}）还由批次 {others} 更正着（同一次更正的其他工作表），"
                         f"原名册{'不会' if dry_run else '没有'}放回；这些批次也撤销后，原名册整份放回")
        if self.rows:
            parts.append(f"将放回{head} {len(self.rows):,} 行" if dry_run else
                         f"已放回{head} {len(self.rows):,} 行，记为批次 #{self.new_batch}"
                         + (f"；{self.term} 的发放以它为准" if self.term else ""))
        if self.present:
            parts.append(f"{head} {self.present:,} 行已在台账中（后来又导入过），没有重复放回")
        return "；".join(parts)


def tables_with_batches() -> list[Table]:
    tables = SQLModel.metadata.sorted_tables
    return [t for t in tables if "batch_id" in t.c and t.name not in ("batches", "row_versions")]


def batch_row(conn: Connection, batch_id: int):
    row = conn.execute(select(Batch.__table__).where(Batch.id == batch_id)).mappings().first()
    if row is None:
        raise RevertError(f"没有批次 #{batch_id}", "用 fupin batches 查看批次编号")
    if row["kind"] == REVERT_KIND:
        raise RevertError(f"批次 #{batch_id} 本身是一次撤销，不能再撤销", "要恢复被撤销的内容，请重新导入原文件")
    if row["reverted_by"] is not None:
        raise RevertError(f"批次 #{batch_id}（{row['file_name']}）已由批次 #{row['reverted_by']} 撤销", "无需再撤销")
    return row


def revert(conn: Connection, batch_id: int, *, dry_run: bool = False, note: str | None = None,
           replacing: bool = False) -> Reverted:
    """Take batch `batch_id` out (in the caller's transaction); RevertError when it cannot be. A correction taken
    out puts back the batch it had replaced, unless `replacing`: a new file corrects it in turn."""
    row = batch_row(conn, batch_id)
    done = Reverted(batch_id, row["file_name"], row["kind"])
    plan = []
    for table in tables_with_batches():
        ids = list(conn.execute(select(table.c.id).where(table.c.batch_id == batch_id)).scalars())
        if not ids:
            continue
        earlier = _earlier_versions(conn, table.name, batch_id)
        created = [i for i in ids if i not in earlier]
        plan.append((table, ids, earlier, created))
        done.restored[table.name], done.removed[table.name] = len(ids) - len(created), len(created)
    reasons = _later_changes(conn, batch_id) + [r for table, _, _, created in plan
                                                 for r in _references(conn, table, created, batch_id)]
    if reasons:
        raise RevertError(f"批次 #{batch_id}（{row['file_name']}）之后的数据用到了它，不能撤销：" + "；".join(reasons[:5]),
                          "请先撤销这些后来的批次（从最新的开始），或导入更正后的文件（fupin import 文件 --replaces "
                          f"{batch_id}）")
    done.put_back = None if replacing else _replaced(conn, row)
    if dry_run:
        return done
    now = datetime.now(UTC)
    # In effect from now: a report as of any earlier time still has the batch's rows (store/asof.py).
    done.revert_batch = conn.execute(insert(Batch.__table__).values(
        file_name=row["file_name"], sha256="", kind=REVERT_KIND, sheet=row["sheet"],
        term=row["term"], imported_at=now, effective_at=now, rows=sum(done.restored.values()) + sum(done.removed.values()),
        note=f"撤销批次 #{batch_id}" + (f"，{note}" if note else ""))).inserted_primary_key[0]
    for table, ids, earlier, _ in plan:
        history.keep_versions(conn, table, ids, done.revert_batch)
        for row_id, data in earlier.items():
            conn.execute(update(table).where(table.c.id == row_id).values(_values(conn, table, data)))
    # Children before parents on the way out: sorted_tables lists parents first.
    for table, _, _, created in reversed(plan):
        _unlink(conn, table, created)
        for start in range(0, len(created), _CHUNK):
            conn.execute(delete(table).where(table.c.id.in_(created[start:start + _CHUNK])))
    conn.execute(update(Batch.__table__).where(Batch.id == batch_id).values(reverted_by=done.revert_batch))
    if done.put_back is not None and done.put_back.rows:
        _put_back(conn, done.put_back, now)
    from jiaoyu_fupin.store.links import relink

    relink(conn)
    return done


def _replaced(conn: Connection, row) -> PutBack | None:
    """What reverting correction `row` must put back: the payments of the batch it replaced, as the correction's
    own revert took them out. Without this the term was left with no roster, silently. A correction of another
    kind (a roll, whose rows others point at) cannot be put back row by row: refused, with the way that works."""
    if row["replaces"] is None:
        return None
    original = conn.execute(select(Batch.__table__).where(Batch.id == row["replaces"])).mappings().first()
    if original is None or original["reverted_by"] is None:
        return None
    if original["kind"] != "payments":
        raise RevertError(
            f"批次 #{row['id']}（{row['file_name']}）更正了批次 #{original['id']}（{original['file_name']}），撤销它会让"
            + (f" {original['term']} 的" if original["term"] else "") + f"{kind_title(original['kind'])}两份都不在台账中",
            f"要以原文件为准，请重新导入原文件：fupin import {original['file_name']} --replaces {row['id']}")
    # A correction workbook of several sheets is several batches, each replacing the original: putting the original
    # back while one of them is still in effect would pay its students twice. The last one reverted puts it back.
    waiting = list(conn.execute(select(Batch.id).where(
        Batch.replaces == original["id"], Batch.id != row["id"], Batch.reverted_by.is_(None)).order_by(Batch.id)).scalars())
    if waiting:
        return PutBack(original["id"], original["file_name"], original["term"], [], waiting=waiting)
    table = SQLModel.metadata.tables["payments"]
    versions = conn.execute(select(RowVersion.data).where(
        RowVersion.table_name == table.name, RowVersion.replaced_by_batch == original["reverted_by"])
        .order_by(RowVersion.row_id)).scalars()
    rows = [json.loads(data) for data in versions]
    # The same file imported again holds the same payments (same keys): those are in the ledger already.
    keys = [r["payment_key"] for r in rows]
    held = set()
    for start in range(0, len(keys), _CHUNK):
        held.update(conn.execute(select(table.c.payment_key).where(
            table.c.payment_key.in_(keys[start:start + _CHUNK]), table.c.batch_id != row["id"])).scalars())
    missing = [r for r in rows if r["payment_key"] not in held]
    return PutBack(original["id"], original["file_name"], original["term"], missing, present=len(rows) - len(missing))


def _put_back(conn: Connection, back: PutBack, now: datetime) -> None:
    """The replaced batch's rows in again, as a batch of its own in effect from now: a report as of any time before
    still sees the ledger as it was then, and the rows can be corrected or reverted like any import."""
    original = conn.execute(select(Batch.__table__).where(Batch.id == back.batch)).mappings().one()
    back.new_batch = conn.execute(insert(Batch.__table__).values(
        file_name=original["file_name"], sha256=original["sha256"], kind=original["kind"], sheet=original["sheet"],
        term=original["term"], imported_at=now, effective_at=now, rows=len(back.rows), new_rows=len(back.rows),
        note=f"撤销更正后放回批次 #{back.batch} 的内容")).inserted_primary_key[0]
    table = SQLModel.metadata.tables["payments"]
    values = [{**_values(conn, table, data), "batch_id": back.new_batch, "student_id": None} for data in back.rows]
    for start in range(0, len(values), _CHUNK):
        conn.execute(insert(table), values[start:start + _CHUNK])
    from jiaoyu_fupin.store.integrity import record_totals

    record_totals(conn, [back.new_batch])


def _earlier_versions(conn: Connection, table_name: str, batch_id: int) -> dict[int, dict]:
    """Row id → the version batch `batch_id` replaced (the first it replaced, should it have replaced two)."""
    rows = conn.execute(select(RowVersion.row_id, RowVersion.data).where(
        RowVersion.table_name == table_name, RowVersion.replaced_by_batch == batch_id).order_by(RowVersion.id.desc()))
    return {row_id: json.loads(data) for row_id, data in rows}


def _later_changes(conn: Connection, batch_id: int) -> list[str]:
    """Later imports (not themselves reverted) that changed rows this batch wrote."""
    later = conn.execute(
        select(RowVersion.replaced_by_batch, Batch.file_name).distinct()
        .join(Batch, Batch.id == RowVersion.replaced_by_batch)
        .where(RowVersion.batch_id == batch_id, RowVersion.replaced_by_batch != batch_id, Batch.reverted_by.is_(None),
               Batch.kind != REVERT_KIND)
        .order_by(RowVersion.replaced_by_batch)).all()
    return [f"批次 #{b}（{name}）改动了它写入的行" for b, name in later]


def _references(conn: Connection, parent: Table, created: list[int], batch_id: int) -> list[str]:
    """Rows outside the batch that point at rows it created: by the later batch that wrote them, or by a command."""
    if not created:
        return []
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not parent or (table.name, fk.parent.name) in _DERIVED:
                continue
            column, batched = fk.parent, "batch_id" in table.c
            outside = (table.c.batch_id.is_(None) | (table.c.batch_id != batch_id)) if batched else column.isnot(None)
            for start in range(0, len(created), _CHUNK):
                hit = conn.execute(select(table.c.batch_id if batched else column).where(
                    column.in_(created[start:start + _CHUNK]), outside).limit(1)).first()
                if hit is None:
                    continue
                if batched and hit[0] is not None:
                    kind, name = conn.execute(select(Batch.kind, Batch.file_name).where(Batch.id == hit[0])).one()
                    found.append(f"批次 #{hit[0]}（{name}，{kind_title(kind)}）用到了它新增的记录")
                else:
                    found.append(f"命令录入的{_COMMAND_TABLES.get(table.name, table.name)}用到了它新增的记录")
                break
    return found


def _unlink(conn: Connection, parent: Table, created: list[int]) -> None:
    """Derived links to rows about to go: emptied here, redone by relink."""
    for table_name, column in _DERIVED:
        table = SQLModel.metadata.tables[table_name]
        if table.c[column].references(parent.c.id):
            for start in range(0, len(created), _CHUNK):
                conn.execute(update(table).where(table.c[column].in_(created[start:start + _CHUNK]))
                             .values({column: None}))


def _values(conn: Connection, table: Table, data: dict) -> dict:
    """A stored version (storage form: money in 分 on SQLite, dates as text, booleans 0/1) as column values."""
    out = {}
    for name, value in data.items():
        if name not in table.c:
            continue
        kind = table.c[name].type
        if value is None:
            out[name] = None
        elif isinstance(kind, Money):
            # The stored integer 分 (json_object / json_build_object of a BIGINT), on every database; text in 元
            # where a version holds one (as integrity._version_fen reads them).
            out[name] = from_fen(value) if isinstance(value, int) else Decimal(str(value))
        elif isinstance(kind, Date):
            out[name] = date.fromisoformat(str(value)[:10])
        elif isinstance(kind, Boolean):
            out[name] = bool(value)
        elif isinstance(kind, DateTime):
            out[name] = datetime.fromisoformat(str(value))
        else:
            out[name] = value
    return out


# Tables commands write rows into (no import batch): named in the refusal.
_COMMAND_TABLES = {"dropout_cases": "辍学案件", "dropout_visits": "劝返记录", "dropout_events": "辍学案件经过",
                   "pairings": "结对关系"}
