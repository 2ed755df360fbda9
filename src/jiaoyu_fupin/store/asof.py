"""The ledger as it stood at a past time, for reports --as-of: rebuilt in a temporary copy from the row versions.

`snapshot(ledger, as_of)` copies the ledger into a temporary SQLite file (a county's file with SQLite's backup API, a
server's ledger through one read-only REPEATABLE READ transaction: either way one consistent read, so an import
running at that moment is in the copy entirely or not at all) and, in the copy only:
  - deletes the import batches made after `as_of`;
  - puts back, from row_versions, the version current at `as_of` of every row a later import changed;
  - deletes rows a later import created (no earlier version);
  - drops what commands recorded after `as_of`: dropout case steps by the time they were recorded, cases a later
    scan opened, 劝返 visits typed in by their visit date; pairings written by `pair assign` carry a batch already;
  - recomputes what follows from the rows alone: links to households and students, each case's open/closed state,
    and references to rows that did not exist yet.
The report's library functions then run on the copy unchanged. `reading(ledger, as_of)` hands out one read
transaction on the ledger itself when nothing happened after `as_of` (the default, now), else on a snapshot.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import make_url

from jiaoyu_fupin.core.files import removed_on_exit, sweep
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.store.links import relink

_SNAPSHOT_FOLDER = re.compile(r"^fupin-asof-(?P<pid>\d+)-")


class AsOfError(ClerkError, ValueError):
    """--as-of cannot be honoured (a date that is not one, a ledger held in memory only); message in Chinese."""


@dataclass
class Reading:
    """An open read of the ledger as of a time: its connection and what the as-of sheet states."""

    conn: Connection
    as_of: datetime  # local time
    snapshot: bool  # True: a rebuilt copy; False: the ledger itself, nothing having changed since
    ledger_name: str
    batches: list[dict] = field(default_factory=list)  # the import batches the data comes from


def parse_as_of(value: str) -> datetime:
    """2019-11-20 (the end of that day), 2019-11-20 07:00, 2019-11-20T07:00:00, 2019/11/20 … as local time."""
    return _parse(value, time.max, "截至时间", "2019-11-20（当天结束时）")


def parse_dated(value: str) -> datetime:
    """import --dated: when a file's data was true. A date alone is the start of that day, so the reports as of
    that day (whatever the hour) and a file dated today (not in the future) both work; a later time is refused."""
    moment = _parse(value, time.min, "数据日期", "2019-10-20（当天 0 点）")
    if moment > datetime.now():
        raise AsOfError(f"数据日期 {moment:%Y-%m-%d %H:%M} 在现在之后", "--dated 写文件中数据所反映的那一天，不能晚于今天")
    return moment


def refuse_before(as_of: datetime | None, start: date, what: str) -> None:
    """A report cut before its own period began (--as-of 2019-10-20 for the November report) is a misuse."""
    if as_of is not None and as_of.date() < start:
        raise AsOfError(f"截至时间 {as_of:%Y-%m-%d %H:%M} 早于{what}的第一天 {start:%Y-%m-%d}",
                        "--as-of 写该报表实际出表的时间，如月报写当月 20 日")


def _parse(value: str, day_time: time, what: str, example: str) -> datetime:
    cleaned = str(value).strip().replace("/", "-").replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            pass
    try:
        day = datetime.strptime(cleaned, "%Y-%m-%d").date()
    except ValueError:
        raise AsOfError(f"{what}“{value}”无法识别", f"请写成 {example}或 2019-11-20 07:00") from None
    return datetime.combine(day, day_time)


def _utc_text(as_of: datetime) -> str:
    """Batches record their times in UTC (imported_at, effective_at), as text SQLite compares in order."""
    return as_of.astimezone().astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _local_text(as_of: datetime) -> str:
    """Dropout case steps record local time to the second (recorded_at)."""
    return as_of.strftime("%Y-%m-%d %H:%M:%S")


def _cut_params(as_of: datetime) -> dict:
    return {"utc": _utc_text(as_of), "local": _local_text(as_of), "day": as_of.date().isoformat()}


# What was written after the cut: batches whose data is dated later (import --dated; else the time of importing),
# and records of commands that carry no batch.
_LATER = {
    "batches": "SELECT 1 FROM batches WHERE effective_at > :utc LIMIT 1",
    "events": "SELECT 1 FROM dropout_events WHERE recorded_at > :local LIMIT 1",
    "visits": "SELECT 1 FROM dropout_visits WHERE batch_id IS NULL AND visited_on > :day LIMIT 1",
    "cases": "SELECT 1 FROM dropout_cases WHERE batch_id IS NULL AND opened_on > :day LIMIT 1",
}


def require_copyable(ledger) -> None:
    """A ledger in memory cannot be copied (each connection would see another, empty one)."""
    if ledger.is_sqlite and make_url(ledger.url).database in (None, "", ":memory:"):
        raise AsOfError(f"--as-of 需要台账文件或数据库服务器，当前台账 {ledger.display_name} 只在内存中",
                        "去掉 --as-of 按当前数据出报表，或用台账文件")


def changed_since(conn: Connection, as_of: datetime) -> bool:
    params = _cut_params(as_of)
    return any(conn.execute(text(sql), params).first() is not None for sql in _LATER.values())


def used_batches(conn: Connection) -> list[dict]:
    # A reverted batch's rows are out of the ledger, and a revert adds none: neither is a source. In a copy rewound
    # to before a revert, the revert batch is gone and the batch it took out counts again.
    rows = conn.execute(text("SELECT id, file_name, kind, sheet, term, imported_at, rows, new_rows, changed_rows,"
                             " effective_at FROM batches"
                             " WHERE kind != 'revert' AND (reverted_by IS NULL OR reverted_by NOT IN (SELECT id FROM batches))"
                             " ORDER BY id"))
    return [{"id": r[0], "file_name": r[1], "kind": r[2], "sheet": r[3], "term": r[4], "imported_at": _local(r[5]),
             "rows": r[6], "new": r[7], "changed": r[8], "effective_at": _local(r[9] or r[5])} for r in rows]


def _local(stored) -> datetime:
    """A stored UTC time as local time without a zone, as the reports print times."""
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().replace(tzinfo=None)


@contextmanager
def reading(ledger, as_of: datetime | None = None) -> Iterator[Reading]:
    """One read transaction on the ledger as of `as_of` (None: now), from first query to last."""
    explicit = as_of is not None
    if explicit:
        require_copyable(ledger)
    with ledger.engine.connect() as conn:
        # The first read begins the transaction: everything after it sees the ledger as it was then, so "now" is
        # taken after it (an import that commits meanwhile is neither seen nor dated before the cut).
        conn.execute(text("SELECT id FROM batches LIMIT 1")).first()
        as_of = as_of or datetime.now()
        later = changed_since(conn, as_of) if explicit else False
        if not later:
            yield Reading(conn, as_of, False, ledger.display_name, used_batches(conn))
            return
    with snapshot(ledger, as_of) as copy, copy.engine.connect() as conn:
        yield Reading(conn, as_of, True, ledger.display_name, used_batches(conn))


@contextmanager
def snapshot(ledger, as_of: datetime):
    """A temporary SQLite ledger holding the data as it stood at `as_of`; deleted when the block ends."""
    from jiaoyu_fupin.store.ledger import Ledger

    require_copyable(ledger)
    sweep(Path(tempfile.gettempdir()), _SNAPSHOT_FOLDER)
    # Private (0700): the copy holds children's data. Removed however this process ends, even killed outright.
    folder = Path(tempfile.mkdtemp(prefix=f"fupin-asof-{os.getpid()}-"))
    path = folder / "snapshot.db"
    copy = None
    with removed_on_exit(folder):
        try:
            if ledger.is_sqlite:
                _copy(Path(make_url(ledger.url).database), path)
            else:
                _copy_from_server(ledger, path)
            _rewind(path, as_of)
            copy = Ledger(path, migrate=False)
            yield copy
        finally:
            if copy is not None:
                copy.close()


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # all pages in one step: one read transaction on the source
    finally:
        dst.close()
        src.close()


def _copy_from_server(ledger, target: Path) -> None:
    """A ledger on a database server, copied into a new SQLite file in one read-only snapshot (REPEATABLE READ):
    the rewinding below then works on the copy exactly as on a county's file."""
    from sqlmodel import SQLModel

    import jiaoyu_fupin.store.models  # noqa: F401  (registers the tables)
    from jiaoyu_fupin.store import dialect, migrations

    engine = create_engine(f"sqlite:///{target}")
    try:
        SQLModel.metadata.create_all(engine)
        migrations.schema_table().create(engine, checkfirst=True)
        tables = {**SQLModel.metadata.tables, "schema_migrations": migrations.schema_table()}
        with ledger.engine.connect() as source, engine.begin() as copy:
            for name in dialect.table_names(source):
                if name not in tables:
                    continue  # a table of a newer version of fupin: no report reads it
                columns = [c.name for c in tables[name].columns
                           if c.name in {col["name"] for col in _server_columns(source, name)}]
                rows = dialect.select_raw(source, f'SELECT {", ".join(columns)} FROM "{name}"')  # noqa: S608
                if rows:
                    marks = ", ".join("?" * len(columns))
                    copy.connection.driver_connection.executemany(
                        f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({marks})', rows)  # noqa: S608
    finally:
        engine.dispose()


def _server_columns(conn: Connection, table: str) -> list[dict]:
    from sqlalchemy import inspect

    return inspect(conn).get_columns(table)


def _rewind(path: Path, as_of: datetime) -> None:
    # A plain engine: foreign keys stay off while rows are taken out in whatever order, then are repaired.
    engine = create_engine(f"sqlite:///{path}")
    # A throwaway copy: no journal to keep and nothing to flush to disk before the report reads it.
    event.listen(engine, "connect", lambda dbapi, _: (dbapi.execute("PRAGMA journal_mode=OFF"),
                                                       dbapi.execute("PRAGMA synchronous=OFF")))
    try:
        with engine.begin() as conn:
            params = _cut_params(as_of)
            later = [r[0] for r in conn.execute(text("SELECT id FROM batches WHERE effective_at > :utc"), params)]
            if later:
                _restore_versions(conn, later)
            _drop_commands(conn, params)
            conn.execute(text("DELETE FROM batches WHERE effective_at > :utc"), params)
            _repair_references(conn)
            relink(conn)
            _case_states(conn)
    finally:
        engine.dispose()


def _tables_with_batches(conn: Connection) -> list[str]:
    names = [r[0] for r in conn.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('batches', 'row_versions')"))]
    return [n for n in names if any(c[1] == "batch_id" for c in conn.exec_driver_sql(f'PRAGMA table_info("{n}")'))]


def _restore_versions(conn: Connection, later: list[int]) -> None:
    """Rows a later batch wrote: back to the version current at the cut, or gone if they had none."""
    conn.exec_driver_sql("CREATE TEMP TABLE later_batches (id INTEGER PRIMARY KEY)")
    conn.exec_driver_sql("INSERT INTO later_batches (id) VALUES " + ", ".join(f"({int(b)})" for b in later))
    # The version current at the cut: written before it (or by a command), replaced after it. The earliest such
    # version wins should a row's history ever hold two.
    conn.exec_driver_sql(
        "CREATE TEMP TABLE restore AS SELECT table_name, row_id, data FROM row_versions WHERE id IN ("
        " SELECT MIN(id) FROM row_versions WHERE replaced_by_batch IN (SELECT id FROM later_batches)"
        " AND (batch_id IS NULL OR batch_id NOT IN (SELECT id FROM later_batches)) GROUP BY table_name, row_id)")
    conn.exec_driver_sql("CREATE INDEX temp.restore_key ON restore (table_name, row_id)")
    for table in _tables_with_batches(conn):
        columns = [c[1] for c in conn.exec_driver_sql(f'PRAGMA table_info("{table}")') if c[1] != "id"]
        targets = ", ".join(f'"{c}"' for c in columns)
        values = ", ".join(f"json_extract(r.data, '$.{c}')" for c in columns)
        # A row a later revert put back to an older version carries that version's batch, not a later one: every
        # row with a version replaced after the cut is put back, whichever batch it carries now.
        conn.exec_driver_sql(
            f'UPDATE "{table}" SET ({targets}) = (SELECT {values} FROM restore r'  # noqa: S608
            f" WHERE r.table_name = '{table}' AND r.row_id = \"{table}\".id)"
            f" WHERE id IN (SELECT row_id FROM restore WHERE table_name = '{table}')")
        conn.exec_driver_sql(f'DELETE FROM "{table}" WHERE batch_id IN (SELECT id FROM later_batches)')  # noqa: S608
        # Rows a later revert took out (its batch had created them): back as they stood at the cut.
        conn.exec_driver_sql(
            f'INSERT INTO "{table}" (id, {targets}) SELECT r.row_id, {values} FROM restore r'  # noqa: S608
            f" WHERE r.table_name = '{table}' AND r.row_id NOT IN (SELECT id FROM \"{table}\")")


def _drop_commands(conn: Connection, params: dict) -> None:
    """Records of commands (no batch) made after the cut."""
    conn.execute(text("DELETE FROM dropout_events WHERE recorded_at > :local"), params)
    # A case a scan opened after the cut: its 'opened' step is gone with the line above.
    conn.execute(text(
        "DELETE FROM dropout_cases WHERE batch_id IS NULL AND (opened_on > :day OR NOT EXISTS ("
        " SELECT 1 FROM dropout_events e WHERE e.case_id = dropout_cases.id AND e.action = 'opened'))"), params)
    # Visits typed in by `dropout visit` carry no time of recording; their date is the best the ledger knows.
    conn.execute(text("DELETE FROM dropout_visits WHERE batch_id IS NULL AND visited_on > :day"), params)


def _repair_references(conn: Connection) -> None:
    """References to rows that did not exist yet: emptied where the column allows it, else the row goes too."""
    tables = [r[0] for r in conn.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))]
    for _ in range(len(tables)):  # a removed row can leave a reference of its own behind: repeat until still
        touched = 0
        for table in tables:
            info = {c[1]: c[3] for c in conn.exec_driver_sql(f'PRAGMA table_info("{table}")')}  # name -> notnull
            for fk in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all():
                parent, column, key = fk[2], fk[3], fk[4] or "id"
                dangling = (f'"{column}" IS NOT NULL AND "{column}" NOT IN'
                            f' (SELECT "{key}" FROM "{parent}" WHERE "{key}" IS NOT NULL)')
                if info.get(column):
                    sql = f'DELETE FROM "{table}" WHERE {dangling}'  # noqa: S608
                else:
                    sql = f'UPDATE "{table}" SET "{column}" = NULL WHERE {dangling}'  # noqa: S608
                touched += conn.exec_driver_sql(sql).rowcount
        if not touched:
            return


def _case_states(conn: Connection) -> None:
    """Each case's state follows from its last remaining step: closed with that step's outcome, else open."""
    conn.exec_driver_sql(
        "UPDATE dropout_cases SET status = 'open', closed_on = NULL, closed_as = NULL, close_reason = NULL")
    conn.exec_driver_sql(
        "UPDATE dropout_cases SET (status, closed_on, closed_as, close_reason) = ("
        " SELECT 'closed', e.happened_on, e.outcome, e.reason FROM dropout_events e WHERE e.id = ("
        "  SELECT MAX(id) FROM dropout_events WHERE case_id = dropout_cases.id))"
        " WHERE (SELECT action FROM dropout_events WHERE id = ("
        "  SELECT MAX(id) FROM dropout_events WHERE case_id = dropout_cases.id)) = 'closed'")
