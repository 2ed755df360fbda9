"""The one door to the database: open it, migrate it, hand out transactions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import Connection, DateTime, Engine, column, create_engine, func, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from jiaoyu_fupin.core.files import os_reason
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.store import data_steps, dialect, migrations

DEFAULT_FILE = "fupin.db"
ENV_VAR = "FUPIN_DB"
COUNTED_TABLES = (
    "schools", "households", "registry_people", "students", "enrollments", "programs", "standards", "payments",
    "helpers", "pairings", "help_activities", "oversight", "population", "dropout_cases", "dropout_visits", "batches",
    "dropout_events", "population_counts", "school_stats",
    "collab_plans", "collab_targets", "collab_records", "tasks", "task_events", "settings", "audit_records",
)
_BATCH_LISTED = ("id", "file_name", "sha256", "kind", "sheet", "term", "rows", "new_rows", "changed_rows",
                 "unchanged_rows", "replaces", "reverted_by", "note")





class LedgerError(ClerkError, RuntimeError):
    """The ledger cannot be opened or written; the message says which and why, and how to fix it (misuse, exit 2)."""


class NewerLedgerError(LedgerError):
    """The ledger records schema steps this fupin does not know: a newer fupin wrote it."""

    def __init__(self, display_name: str, steps: list[str]):
        super().__init__(f"台账 {display_name} 由较新版本的 fupin 写入（含本版本不认识的结构变更：{'、'.join(steps)}），"
                         "本版本不能写入它，以免损坏数据。请升级 fupin")
        self.steps = steps


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
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise LedgerError(f"无法在文件夹“{path.parent}”中创建台账：{os_reason(exc)}。"
                          "请换一个有写入权限的文件夹，或用 --db 指定别的位置") from exc
    os.close(fd)


def describe_database_error(exc: Exception) -> tuple[str, str]:
    """(message, hint) in Chinese for a database error a clerk can do something about, by the driver's text."""
    text_ = str(getattr(exc, "orig", None) or exc).lower()
    if "locked" in text_ or "lock timeout" in text_ or "could not obtain lock" in text_:
        return (f"台账正被另一个程序占用（例如另一次导入或扫描），等了 {dialect.BUSY_TIMEOUT_MS // 1000} 秒仍未释放；本次没有写入任何数据",
                "请等另一个程序结束后重试；若没有别的程序在用台账，请检查是否有卡住的 fupin 进程")
    if "disk is full" in text_ or "no space left" in text_ or "could not extend file" in text_:
        return ("磁盘空间已满，台账无法写入；本次没有写入任何数据（台账保持原样）", "请清理台账所在磁盘的空间后重试")
    if "readonly database" in text_ or "unable to open database file" in text_ or "permission denied" in text_:
        return ("无法写入台账文件：没有写入权限，或台账所在的文件夹不可写", "请检查台账文件及其所在文件夹的权限，或用 --db 指定别的位置")
    if "no such column" in text_ or "no such table" in text_ or "does not exist" in text_:
        return ("台账的结构与本版本 fupin 不符", "若台账由较新版本的 fupin 写入，请升级 fupin；否则运行 fupin init 补齐结构")
    if "malformed" in text_ or "not a database" in text_ or "disk i/o error" in text_:
        return ("台账文件已损坏或无法读取", "请运行 fupin db verify 检查；必要时用 fupin db restore 从备份恢复")
    first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return (f"台账数据库出错：{first}", "请检查台账文件或数据库地址；问题持续时请运行 fupin db verify")


def refusal(exc: BaseException) -> LedgerError | None:
    """What the database or the disk refused while a command ran, as a LedgerError with the reason and what to do;
    None for anything else, which is a bug. The transaction has rolled back by then: the ledger is as it was."""
    import errno
    import sqlite3

    from sqlalchemy.exc import DatabaseError

    if isinstance(exc, OperationalError | sqlite3.OperationalError):
        return LedgerError(*describe_database_error(exc))
    if isinstance(exc, DatabaseError | sqlite3.DatabaseError):
        # Only a damaged file; any other database error (a broken constraint) is a bug and must show as one.
        if type(getattr(exc, "orig", exc)) is not sqlite3.DatabaseError:
            return None
        return LedgerError(*describe_database_error(exc))
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS):
        where = f"“{exc.filename}”" if exc.filename else "文件"
        return LedgerError(f"无法写入{where}：{os_reason(exc)}；台账没有改动", "请清理磁盘空间或检查写入权限后重试")
    return None


def open_ledger(target: str | os.PathLike | None = None, *, migrate: bool = True, create: bool = False) -> Ledger:
    """The ledger --db / FUPIN_DB / ./fupin.db names, or a LedgerError saying why it cannot be opened and what to do.

    Only `create` (init, import) may bring a new SQLite file into being: anywhere else a mistyped path would open an
    empty ledger and send the clerk off to re-import. A database that cannot be opened (no driver for the address,
    a server that refuses, a damaged file) is the clerk's to fix, not a traceback."""
    if not create:
        refuse_missing_file(target)
    try:
        return Ledger(target, migrate=migrate)
    except ImportError as exc:  # a database URL whose Python driver is not installed (postgresql:// without psycopg)
        raise LedgerError(f"无法打开台账数据库：没有安装该数据库的 Python 驱动 {exc.name or exc}",
                          "请安装该驱动，或用 SQLite 台账文件（--db 写文件路径）") from exc
    except SQLAlchemyError as exc:
        message, hint = describe_database_error(exc)
        raise LedgerError(f"无法打开台账数据库 {resolve_target(target)}：{message}",
                          hint + "；并检查 --db 或 FUPIN_DB 指向的文件或地址是否正确") from exc


def refuse_missing_file(target: str | os.PathLike | None) -> None:
    """LedgerError when the SQLite file named is not there (a database address is the server's to answer)."""
    url = make_url(to_url(resolve_target(target)))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    if not path.exists():
        where = "台账所在的文件夹不存在" if not path.parent.exists() else "没有这个文件"
        raise LedgerError(f"台账文件“{path}”不存在（{where}）",
                          "请检查 --db 或环境变量 FUPIN_DB 是否写对；新建台账请先运行 fupin init")


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
        self.data_applied_now: list[tuple[str, str]] = []  # (data step, version installed) applied on this open
        self.unknown_steps: list[str] = []
        stale = False
        try:
            # Checked with a read first: a report opened while an import holds the write lock must not wait for it.
            with self.engine.connect() as conn:
                if migrate:
                    self.unknown_steps = migrations.unknown(conn)
                    stale = not self.unknown_steps and (migrations.pending(conn) or data_steps.pending(conn))
        except OperationalError as exc:
            if self.is_sqlite:
                raise
            raise LedgerError(dialect.connection_error(exc, make_url(self.url))) from exc
        if stale:
            with self.transaction() as conn:
                self.applied_now = migrations.migrate(conn)
                self.data_applied_now = data_steps.apply(conn)

    @property
    def display_name(self) -> str:
        """The ledger as the user named it (--db, FUPIN_DB): a SQLite path stays the path, not a percent-encoded
        URL; a database address is shown without its password."""
        if "://" not in self.target:
            return self.target
        return unquote(make_url(self.url).render_as_string(hide_password=True))

    @property
    def newer(self) -> bool:
        """Made by a newer fupin: readable, with a warning; never written to by this one."""
        return bool(self.unknown_steps)

    def refuse_if_newer(self) -> None:
        if self.unknown_steps:
            raise NewerLedgerError(self.display_name, self.unknown_steps)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """All or nothing: commits when the block ends, rolls back on any exception."""
        self.refuse_if_newer()
        with self.engine.connect() as conn:
            conn.execution_options(**dialect.writer_options(conn))
            with conn.begin():
                yield conn

    @contextmanager
    def session(self) -> Iterator:
        from sqlmodel import Session

        with self.transaction() as conn, Session(bind=conn) as session:
            yield session
            session.flush()

    # Counted and listed by name, without the models: `fupin status` needs neither sqlmodel nor pydantic's schemas.
    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
                    for name in COUNTED_TABLES}

    def last_batches(self, limit: int = 5) -> list:
        """The newest batches first, as rows with the batch's attributes the batch list shows."""
        batches = table("batches", *map(column, _BATCH_LISTED), column("imported_at", DateTime),
                        column("effective_at", DateTime))
        with self.engine.connect() as conn:
            return list(conn.execute(select(batches).order_by(batches.c.id.desc()).limit(limit)))

    def schema_version(self) -> str:
        """The last step applied, in the order of MIGRATIONS (names are not in that order: m010 came before m008)."""
        with self.engine.connect() as conn:
            names = migrations.applied(conn)
        done = set(names)
        return next((step.__name__ for step in reversed(migrations.MIGRATIONS) if step.__name__ in done),
                    names[-1] if names else "")

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
