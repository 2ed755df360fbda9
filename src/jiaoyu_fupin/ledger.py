"""The one door to the database: open it, migrate it, hand out transactions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

from jiaoyu_fupin import dialect, migrations
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
            url = make_url(target)
        except (ArgumentError, ValueError) as exc:
            # Not quoted back: the address may hold a password.
            raise LedgerError(f"无法识别的数据库地址（以 {target.split('://')[0]}:// 开头的那个）。请写成"
                              " postgresql://用户名@服务器/数据库名 或 sqlite:///文件路径，或直接写台账文件的路径") from exc
        # postgresql:// means psycopg 3 (the postgres extra), not SQLAlchemy's default psycopg2.
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
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


class Ledger:
    def __init__(self, target: str | os.PathLike | None = None, *, migrate: bool = True):
        self.target = resolve_target(target)
        self.url = to_url(self.target)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        _create_private_file(self.url)
        try:
            self.engine: Engine = create_engine(self.url, **dialect.engine_options(self.url))
        except ImportError as exc:
            if not self.url.startswith("postgresql"):
                raise
            raise LedgerError(dialect.MISSING_POSTGRES) from exc
        dialect.configure(self.engine)
        self.applied_now: list[str] = []
        try:
            # Checked with a read first: a report opened while an import holds the write lock must not wait for it.
            with self.engine.connect() as conn:
                stale = migrate and migrations.pending(conn)
        except OperationalError as exc:
            if self.is_sqlite:
                raise
            raise LedgerError(dialect.connection_error(exc, make_url(self.url))) from exc
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
            conn.execution_options(**dialect.writer_options(conn))
            with conn.begin():
                yield conn

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.transaction() as conn, Session(bind=conn) as session:
            yield session
            session.flush()

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
