"""The one door to the database: open it, migrate it, hand out transactions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session

from jiaoyu_fupin import migrations
from jiaoyu_fupin.models import Batch

DEFAULT_FILE = "fupin.db"
ENV_VAR = "FUPIN_DB"
COUNTED_TABLES = (
    "schools", "households", "registry_people", "students", "enrollments", "programs", "standards", "payments",
    "helpers", "pairings", "help_activities", "oversight", "population", "dropout_cases", "dropout_visits", "batches",
    "dropout_events", "population_counts", "school_stats",
    "collab_plans", "collab_targets", "collab_records", "tasks", "task_events",
)


class LedgerError(RuntimeError):
    """The ledger cannot be opened; the message says which and why."""


def resolve_target(target: str | os.PathLike | None = None) -> str:
    """--db wins, then $FUPIN_DB, then fupin.db in the current folder."""
    return str(target or os.environ.get(ENV_VAR) or DEFAULT_FILE)


def to_url(target: str) -> str:
    if "://" in target:
        try:
            make_url(target)
        except ArgumentError as exc:
            raise LedgerError(f"无法识别的数据库地址“{target}”：{exc}") from exc
        return target
    return f"sqlite:///{Path(target).expanduser()}"


def _create_private_file(url: str) -> None:
    """A new SQLite file holds children's personal data: create it readable by its owner only."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    path = Path(parsed.database)
    if path.exists():
        return
    if not path.parent.exists():
        raise LedgerError(f"台账所在的文件夹不存在：{path.parent}。请先创建该文件夹，或用 --db 指定别的位置")
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Ledger:
    def __init__(self, target: str | os.PathLike | None = None, *, migrate: bool = True):
        self.target = resolve_target(target)
        self.url = to_url(self.target)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        _create_private_file(self.url)
        self.engine: Engine = create_engine(self.url)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            # Let SQLAlchemy, not pysqlite, decide when a transaction begins, so BEGIN covers reads too.
            event.listen(self.engine, "connect", _disable_pysqlite_transactions)
            event.listen(self.engine, "begin", _begin)
        self.applied_now: list[str] = []
        if migrate:
            # Checked with a read first: a report opened while an import holds the write lock must not wait for it.
            with self.engine.connect() as conn:
                stale = migrations.pending(conn)
            if stale:
                with self.transaction() as conn:
                    self.applied_now = migrations.migrate(conn)

    @property
    def display_name(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """All or nothing: commits when the block ends, rolls back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(fupin_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session, session.begin():
            yield session

    def counts(self) -> dict[str, int]:
        from sqlmodel import SQLModel

        with self.engine.connect() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(SQLModel.metadata.tables[name])).scalar_one()
                for name in COUNTED_TABLES
            }

    def last_batches(self, limit: int = 5) -> list[Batch]:
        with Session(self.engine) as session:
            return list(session.exec(select(Batch).order_by(Batch.id.desc()).limit(limit)).scalars())

    def schema_version(self) -> str:
        with self.engine.connect() as conn:
            names = migrations.applied(conn)
        return names[-1] if names else ""

    def close(self) -> None:
        self.engine.dispose()


def _disable_pysqlite_transactions(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


_READER_MMAP = 1 << 30
_CACHE_KIB = 131072  # a larger page cache keeps index pages in memory during bulk imports
_SIBLING_CACHE_KIB = 16384


def _begin(conn: Connection) -> None:
    # Writers take the write lock up front (waiting on busy_timeout) instead of failing when a read turns into a
    # write; readers begin deferred so a report never waits for an import and sees all of it or none.
    options = conn.get_execution_options()
    writer, sibling = bool(options.get("fupin_write")), bool(options.get("fupin_sibling"))
    # Readers (checks, reports) read pages through a memory map instead of a read() per page: a fresh process's first
    # pass over a large ledger costs a fifth less. Writers keep plain reads, so an import's resident memory is only
    # its own data (mapped pages would count against it), and the write path is unchanged. A sibling reader (see
    # sibling_readers) reads its rows once: a second map of the file would count the same pages twice against the
    # process (650 → 830 MB on the coverage benchmark), so it reads through a small page cache instead.
    conn.exec_driver_sql(f"PRAGMA mmap_size={0 if writer or sibling else _READER_MMAP}")
    conn.exec_driver_sql(f"PRAGMA cache_size=-{_SIBLING_CACHE_KIB if sibling else _CACHE_KIB}")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


@contextmanager
def sibling_readers(conn: Connection, count: int) -> Iterator[list[Connection]]:
    """Up to `count` more connections reading the very state `conn` reads, so large reads can run side by side.

    Empty where that cannot be promised: not an SQLite file, `conn` is writing, or an import committed between
    `conn`'s snapshot and theirs. Imports write their batch row in the transaction that writes their rows, so the
    same newest batch id means the same imported tables (students, rolls, registry, payments); tables written
    outside imports (dropout cases, standards) must still be read on `conn` itself.
    """
    database = conn.engine.url.database
    local_file = conn.dialect.name == "sqlite" and database not in (None, "", ":memory:") and "mode=memory" not in str(
        conn.engine.url)
    if count < 1 or not local_file or conn.get_execution_options().get("fupin_write"):
        yield []
        return
    newest = text("SELECT max(id) FROM batches")
    mine = conn.execute(newest).scalar()  # also pins conn's snapshot, if its transaction had read nothing yet
    with ExitStack() as stack:
        others = [stack.enter_context(conn.engine.connect()).execution_options(fupin_sibling=True)
                  for _ in range(count)]
        yield others if all(other.execute(newest).scalar() == mine for other in others) else []
