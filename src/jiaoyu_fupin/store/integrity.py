"""Is the ledger whole? `fupin db verify`: the file's own integrity, its references, its schema version, and every
import batch's rows and money against what the batch recorded when it was written.

What a batch wrote stays countable: a row it stamped either still carries its batch, or was replaced by a later
import, which kept the batch's version in row_versions first. So "rows stamped now + versions kept" is fixed from
the moment the batch commits, and so is the payments' total; a difference means rows were lost or altered outside
fupin (a damaged file, a hand edit, a restore gone wrong).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import BigInteger, Connection, bindparam, column, func, inspect, select, type_coerce, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

from jiaoyu_fupin.store import migrations
from jiaoyu_fupin.store.models import Batch, Payment, RowVersion
from jiaoyu_fupin.store.models.base import from_fen, to_fen

SHOWN = 20  # lines of integrity_check and foreign_key_check quoted in a finding


@dataclass(frozen=True)
class Totals:
    rows: int = 0
    fen: int = 0  # payments' amount in 分

    @property
    def amount(self) -> Decimal:
        return from_fen(self.fen)


def batch_tables(conn: Connection) -> list:
    """The ledger's tables whose rows carry an import batch, as the database has them."""
    present = set(inspect(conn).get_table_names())
    return [t for t in SQLModel.metadata.sorted_tables
            if "batch_id" in t.c and t.name != RowVersion.__tablename__ and t.name in present]


def _only(column, batch_ids: list[int] | None):
    return column.is_not(None) if batch_ids is None else column.in_(batch_ids)


def _version_fen(value) -> int:
    """A payment's amount as row_versions keeps it: integer 分 on SQLite, text in 元 elsewhere (history.py)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return to_fen(Decimal(str(value)))


def _kept_versions(conn: Connection, versions) -> list:
    """Versions that still stand for a row taken from its batch. Where a later batch was reverted (batches.reverted_by)
    the row it had replaced is back in its table, so the version it kept no longer counts (that row does)."""
    if "reverted_by" not in {c["name"] for c in inspect(conn).get_columns("batches")}:
        return []
    batches = Batch.__table__
    reverted = select(batches.c.id).where(column("reverted_by").is_not(None))
    return [versions.c.replaced_by_batch.not_in(reverted)]


def batch_totals(conn: Connection, batch_ids: Iterable[int] | None = None) -> dict[int, Totals]:
    """Rows and payments' total each batch wrote, as the ledger holds them now (all batches when `batch_ids` is None).
    One grouped read per table: no index on batch_id is needed."""
    ids = None if batch_ids is None else [int(b) for b in batch_ids]
    if ids == []:
        return {}
    rows: dict[int, int] = defaultdict(int)
    fen: dict[int, int] = defaultdict(int)
    for table in batch_tables(conn):
        query = select(table.c.batch_id, func.count()).where(_only(table.c.batch_id, ids)).group_by(table.c.batch_id)
        for batch_id, count in conn.execute(query):
            rows[batch_id] += count
    versions = RowVersion.__table__
    kept = _kept_versions(conn, versions)
    query = (select(versions.c.batch_id, func.count()).where(_only(versions.c.batch_id, ids), *kept)
             .group_by(versions.c.batch_id))
    for batch_id, count in conn.execute(query):
        rows[batch_id] += count
    payments = Payment.__table__
    # The raw 分 (cast past the Money type): sums of integers stay exact on every database.
    query = (select(payments.c.batch_id, func.sum(type_coerce(payments.c.amount, BigInteger)))
             .where(_only(payments.c.batch_id, ids)).group_by(payments.c.batch_id))
    for batch_id, total in conn.execute(query):
        fen[batch_id] += int(total or 0)
    query = select(versions.c.batch_id, versions.c.data).where(
        versions.c.table_name == payments.name, _only(versions.c.batch_id, ids), *kept)
    for batch_id, data in conn.execute(query):
        fen[batch_id] += _version_fen(json.loads(data).get("amount"))
    return {b: Totals(rows[b], fen[b]) for b in set(rows) | set(fen)}


def record_totals(conn: Connection, batch_ids: Iterable[int]) -> None:
    """Record what these batches wrote, in the transaction that wrote it (imports, pair assign)."""
    ids = sorted({int(b) for b in batch_ids if b is not None})
    if not ids:
        return
    found = batch_totals(conn, ids)
    table = Batch.__table__
    conn.execute(update(table).where(table.c.id == bindparam("b_id")).values(
        written_rows=bindparam("b_rows"), written_amount=bindparam("b_amount")), [
        {"b_id": b, "b_rows": found.get(b, Totals()).rows, "b_amount": found.get(b, Totals()).amount} for b in ids])


def record_missing_totals(conn: Connection) -> None:
    """Batches imported before totals were recorded: their totals as the ledger holds them now."""
    table = Batch.__table__
    missing = [r[0] for r in conn.execute(select(table.c.id).where(table.c.written_rows.is_(None)))]
    if missing:
        record_totals(conn, missing)


@dataclass
class Verification:
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    schema_version: str = ""
    batches: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def verify(engine) -> Verification:
    """Every check on the database behind `engine`; findings say what is wrong in Chinese."""
    result = Verification()
    try:
        _verify(engine, result)
    except (sqlite3.DatabaseError, DatabaseError) as exc:  # not a database at all, or pages past repair
        if isinstance(exc, DatabaseError) and not isinstance(exc.orig, sqlite3.DatabaseError):
            raise
        result.findings.append(f"不是 fupin 台账文件，或文件已损坏，无法读取（{getattr(exc, 'orig', exc)}）")
    return result


def _verify(engine, result: Verification) -> None:
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            _sqlite_checks(conn, result)
            if result.findings:  # a damaged file: the checks below would only repeat it, or fail
                return
        else:
            result.notes.append(f"{conn.dialect.name} 数据库自身保证页面完整和外键约束，未另行检查")
        _schema(conn, result)
        if not result.findings:
            _batches(conn, result)


def _sqlite_checks(conn: Connection, result: Verification) -> None:
    lines = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    if lines != ["ok"]:
        shown = "；".join(lines[:SHOWN]) + (f"；……共 {len(lines)} 条" if len(lines) > SHOWN else "")
        result.findings.append(f"数据库文件完整性检查未通过：{shown}")
        return
    broken: dict[tuple[str, str], int] = defaultdict(int)
    for table, _rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        broken[(table, parent)] += 1
    for (table, parent), count in sorted(broken.items()):
        result.findings.append(f"表 {table} 有 {count:,} 行引用了表 {parent} 中不存在的记录")


def _schema(conn: Connection, result: Verification) -> None:
    if not conn.dialect.has_table(conn, "schema_migrations"):
        result.findings.append("不是 fupin 台账：没有结构版本记录（schema_migrations）")
        return
    done = [r[0] for r in conn.execute(select(migrations.schema_migrations.c.name))]
    known = [step.__name__ for step in migrations.MIGRATIONS]
    newer = [name for name in done if name not in known]
    missing = [name for name in known if name not in done]
    result.schema_version = next((name for name in reversed(known) if name in done), "")
    if newer:
        result.findings.append(f"台账由较新版本的 fupin 写入（含本版本不认识的结构变更：{'、'.join(newer)}），请升级 fupin")
    elif missing:  # an older ledger or backup: opening it with this fupin brings it up to date
        result.notes.append(f"结构版本较旧，缺少：{'、'.join(missing)}；用本版本 fupin 打开时会自动补齐")


def _batches(conn: Connection, result: Verification) -> None:
    table = Batch.__table__
    if "written_rows" not in {c["name"] for c in inspect(conn).get_columns("batches")}:
        result.notes.append("台账由较早的版本写入，没有记录各批次导入时的行数和金额，未核对")
        return
    recorded = conn.execute(select(table.c.id, table.c.file_name, table.c.kind, table.c.written_rows,
                                   type_coerce(table.c.written_amount, BigInteger))
                            .order_by(table.c.id)).all()
    now = batch_totals(conn)
    for batch_id, file_name, kind, rows, fen in recorded:
        if kind == "revert":  # it restores or deletes other batches' rows: none of its own to count
            result.notes.append(f"批次 #{batch_id} 是撤销，本身不写入数据，无需核对")
            continue
        if rows is None:
            result.notes.append(f"批次 #{batch_id}（{file_name}）没有记录导入时的行数和金额，未核对")
            continue
        result.batches += 1  # the batches checked: what the clerk is told agree
        found = now.pop(batch_id, Totals())
        if found.rows != rows:
            result.findings.append(f"批次 #{batch_id}（{file_name}）导入时写入 {rows:,} 行，台账中现有 {found.rows:,} 行")
        if found.fen != int(fen or 0):
            result.findings.append(f"批次 #{batch_id}（{file_name}）导入时发放金额合计 {from_fen(int(fen or 0))} 元，"
                                   f"台账中现为 {found.amount} 元")
    known = {r[0] for r in recorded}
    for batch_id, found in sorted(now.items()):
        if batch_id not in known:
            result.findings.append(f"有 {found.rows:,} 行记录属于不存在的批次 #{batch_id}")

