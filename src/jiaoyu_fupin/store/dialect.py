"""Where the two databases a ledger lives on differ, in one place: SQLite (a county's file) and PostgreSQL (one
server for a prefecture or a province). Everything outside this module is SQL both run alike.

Transactions mean the same on both:
  - a writer (Ledger.transaction) holds the ledger's one write lock from its first statement: SQLite's BEGIN
    IMMEDIATE, PostgreSQL's transaction-scoped advisory lock. Writers queue; each import is all or nothing, and
    new ids taken as the table's largest + 1 cannot collide (on PostgreSQL the id sequence is moved past them);
  - a reader sees one snapshot from its first query to its last: SQLite's deferred BEGIN, PostgreSQL's REPEATABLE
    READ, READ ONLY. A report made during an import sees all of it or none of it.
Rows are read and written in storage form (money in 分, dates as ISO text, booleans 0/1) below SQLAlchemy's column
types, so a bulk path never converts a value twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, Table, event

# Any fixed number: the key of PostgreSQL's advisory lock that stands for SQLite's write lock.
WRITER_LOCK = 0x66757069  # "fupi"

# How long a writer waits for the one before it (an import) to finish before giving up. A county's import holds
# the write lock for 5 to 20 s; two minutes let a few clerks' imports queue up instead of failing.
BUSY_TIMEOUT_MS = 120_000


def is_sqlite(conn: Connection | Engine) -> bool:
    return conn.dialect.name == "sqlite"


def is_busy(exc: BaseException) -> bool:
    """The ledger's write lock stayed with another writer past the wait: SQLite's "database is locked" (a
    PostgreSQL writer waits on the advisory lock without a time limit, unless the server sets lock_timeout)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in text or "database is busy" in text or "lock timeout" in text


# What makes a connection a writer: SQLite's BEGIN IMMEDIATE (see _begin_sqlite); on PostgreSQL READ COMMITTED
# and read-write, so each statement after the advisory lock sees what the writer before it committed.
WRITER_OPTIONS = {"fupin_write": True}
_POSTGRES_WRITER = {"isolation_level": "READ COMMITTED", "postgresql_readonly": False}


def engine_options(url: str) -> dict:
    """create_engine's arguments: PostgreSQL connections are readers (one snapshot, read only) unless a writer
    asks otherwise. Set on the driver's connection, so even a statement run on the raw cursor is inside them."""
    if url.startswith("postgresql"):
        # Times in UTC whatever the server's own zone: an import's time (aware, UTC) and a dropout step's (local
        # wall time, naive) then keep the values SQLite keeps, and compare with the same texts; dates as ISO text.
        return {"isolation_level": "REPEATABLE READ", "execution_options": {"postgresql_readonly": True},
                "connect_args": {"options": "-c TimeZone=UTC -c DateStyle=ISO"}}
    return {}


def writer_options(conn: Connection) -> dict:
    return {**WRITER_OPTIONS, **(_POSTGRES_WRITER if conn.dialect.name == "postgresql" else {})}


def configure(engine: Engine) -> None:
    """Per-connection settings and how transactions begin (see the module's docstring)."""
    if is_sqlite(engine):
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins, so BEGIN covers reads too.
        event.listen(engine, "connect", _disable_pysqlite_transactions)
        event.listen(engine, "begin", _begin_sqlite)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _begin_postgres)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # The wait first: even switching to WAL can meet another process's lock (its last connection closing).
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _disable_pysqlite_transactions(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


_READER_MMAP = 1 << 30
_CACHE_KIB = 131072  # a larger page cache keeps index pages in memory during bulk imports
_SIBLING_CACHE_KIB = 16384


def _begin_sqlite(conn: Connection) -> None:
    # Writers take the write lock up front (waiting on busy_timeout) instead of failing when a read turns into a
    # write; readers begin deferred so a report never waits for an import and sees all of it or none.
    options = conn.get_execution_options()
    writer, sibling = bool(options.get("fupin_write")), bool(options.get("fupin_sibling"))
    # Readers (checks, reports) read pages through a memory map instead of a read() per page: a fresh process's first
    # pass over a large ledger costs a fifth less. Writers keep plain reads, so an import's resident memory is only
    # its own data (mapped pages would count against it), and the write path is unchanged. A sibling reader (see
    # ledger.sibling_readers) reads its rows once: a second map of the file would count the same pages twice against
    # the process (650 → 830 MB on the coverage benchmark), so it reads through a small page cache instead.
    conn.exec_driver_sql(f"PRAGMA mmap_size={0 if writer or sibling else _READER_MMAP}")
    conn.exec_driver_sql(f"PRAGMA cache_size=-{_SIBLING_CACHE_KIB if sibling else _CACHE_KIB}")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _begin_postgres(conn: Connection) -> None:
    # Not `SET LOCAL synchronous_commit = off`: an import would stay all or nothing (a server crash loses only the
    # last commits, whole), but an import commits once, so it would save one WAL flush (milliseconds) and could
    # lose an import the clerk was told had gone in.
    if conn.get_execution_options().get("fupin_write"):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


# ---- connecting ------------------------------------------------------------------------------------------------


MISSING_POSTGRES = ("这是 PostgreSQL 台账，但没有安装 PostgreSQL 支持。请运行 pip install 'jiaoyu_fupin[postgres]'"
                    "（会装上 psycopg 3），再重试")


def connection_error(exc: Exception, url) -> str:
    """The server's refusal, in Chinese and without the password (psycopg's own text is English)."""
    where = f"{url.host or '本机'}{f':{url.port}' if url.port else ''}"
    database, user = url.database or "（未写库名）", url.username or "（当前系统用户）"
    state = getattr(getattr(exc, "orig", None), "sqlstate", None)
    detail = str(getattr(exc, "orig", exc))
    if state == "28P01" or "password authentication failed" in detail:
        return (f"无法登录数据库服务器 {where}：用户 {user} 的密码不对。请核对密码；"
                "密码请写在 .pgpass 文件或 PGPASSWORD 环境变量里，不要写在命令行上")
    if state == "3D000" or ("database" in detail and "does not exist" in detail):
        return (f"数据库服务器 {where} 上没有名为“{database}”的数据库。"
                f"请先由管理员建库（createdb -O {user} {database}），或检查地址里的库名")
    if state in ("28000",) or "no pg_hba.conf entry" in detail or ("role" in detail and "does not exist" in detail):
        return (f"数据库服务器 {where} 不允许用户 {user} 连接库“{database}”。"
                "请管理员检查该用户是否存在、pg_hba.conf 是否允许本机连接")
    if "no password supplied" in detail:
        return (f"数据库服务器 {where} 要求用户 {user} 输入密码。请把密码写在 .pgpass 文件或 PGPASSWORD 环境变量里")
    if "could not translate host name" in detail or "Name or service not known" in detail:
        return f"找不到数据库服务器“{url.host}”。请检查地址里的服务器名是否写对、网络是否通"
    if "too many" in detail and "connections" in detail:
        return f"数据库服务器 {where} 的连接数已满。请稍后再试，或请管理员调大 max_connections"
    return (f"连不上数据库服务器 {where}（库“{database}”）：服务器没有运行、端口不对或网络不通。"
            "请确认服务器已启动、地址和端口写对，再重试")


# ---- SQL text that must differ ------------------------------------------------------------------------------


def driven_join(conn: Connection) -> str:
    """A join whose left table drives the loop. SQLite's CROSS JOIN fixes the order (its planner would otherwise
    start from the larger side); PostgreSQL plans joins itself and accepts no ON after CROSS JOIN."""
    return "CROSS JOIN" if is_sqlite(conn) else "JOIN"


def joined_text(conn: Connection, expression: str, separator: str = ",") -> str:
    """An aggregate joining `expression` of every row into one text (NULLs skipped): one value crosses from the
    database instead of a row per value. The separator is a plain literal (no quote inside)."""
    if is_sqlite(conn):
        return f"group_concat({expression}, '{separator}')"
    return f"string_agg(CAST({expression} AS TEXT), '{separator}')"


def row_literals(conn: Connection, table: Table, columns: list[str]) -> str:
    """SQL writing a row's `columns` as SQL literals joined by commas: 'text' with quotes doubled, NULL when empty,
    booleans 0/1, dates ISO (importers.compare builds the same text for a file's rows). SQLite's printf('%Q')
    takes at most 127 arguments; PostgreSQL's quote_literal would write E'…' around a backslash, so it is spelt out."""
    from sqlalchemy import Boolean

    if not columns:
        return "''"
    if is_sqlite(conn):
        groups = [columns[i:i + 100] for i in range(0, len(columns), 100)]
        return " || ',' || ".join(f"printf('{','.join(['%Q'] * len(group))}', {', '.join(group)})" for group in groups)
    quote, doubled = "''''", "''''''"  # SQL for ' and for ''
    parts = []
    for name in columns:
        value = f"CAST({name} AS INTEGER)" if isinstance(table.c[name].type, Boolean) else name
        parts.append(f"COALESCE({quote} || replace(CAST({value} AS TEXT), {quote}, {doubled}) || {quote}, 'NULL')")
    return " || ',' || ".join(parts)


def json_object(conn: Connection, table: Table, columns: list[str]) -> str:
    """SQL for a JSON object text of a row's columns in storage form (booleans 0/1, as SQLite keeps them)."""
    from sqlalchemy import Boolean

    if is_sqlite(conn):
        pairs = ", ".join(f"'{name}', \"{name}\"" for name in columns)
        return f"json_object({pairs})"
    values = [f'CAST("{name}" AS INTEGER)' if isinstance(table.c[name].type, Boolean) else f'"{name}"'
              for name in columns]
    pairs = ", ".join(f"'{name}', {value}" for name, value in zip(columns, values, strict=True))
    return f"CAST(json_build_object({pairs}) AS TEXT)"


def id_in_list(conn: Connection, ids: list[int]) -> tuple[str, object]:
    """A condition `id` is one of `ids` with one parameter (%s), and that parameter's value."""
    return in_list(conn, "id", ids)


def in_list(conn: Connection, column: str, values: list) -> tuple[str, object]:
    """A condition `column` is one of `values` (texts or integers) with one parameter (%s), and its value: one
    parameter however many the values, where `IN (%s, %s, …)` would meet SQLite's limit on parameters."""
    if is_sqlite(conn):
        return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(values, ensure_ascii=False)
    return f"{column} = ANY(%s)", values


def execute_raw(conn: Connection, sql: str, params: Sequence = ()) -> int:
    """One statement (positional parameters written %s) on the driver itself; returns the rows it touched."""
    if is_sqlite(conn):
        return conn.connection.driver_connection.execute(sql.replace("%s", "?"), tuple(params)).rowcount
    with conn.connection.driver_connection.cursor() as cursor:
        cursor.execute(sql, tuple(params))
        return cursor.rowcount


def table_names(conn: Connection) -> list[str]:
    """The ledger's own tables (not SQLite's internal ones), in no particular order."""
    from sqlalchemy import inspect

    return [name for name in inspect(conn).get_table_names() if not name.startswith("sqlite_")]


# ---- ids and bulk rows ----------------------------------------------------------------------------------------


def max_id(conn: Connection, table: Table) -> int:
    """The largest id in use, or handed out by PostgreSQL's sequence (a rolled-back import leaves a gap there).
    Read inside a writer's transaction, so no other writer can take the ids above it meanwhile."""
    stored = conn.exec_driver_sql(f"SELECT max(id) FROM {table.name}").scalar() or 0  # noqa: S608
    if is_sqlite(conn):
        return stored
    sequence = conn.exec_driver_sql(f"SELECT pg_get_serial_sequence('{table.name}', 'id')").scalar()
    if not sequence:
        return stored
    last, called = conn.exec_driver_sql(f"SELECT last_value, is_called FROM {sequence}").one()  # noqa: S608
    return max(stored, last if called else 0)


def ids_taken(conn: Connection, table: Table) -> None:
    """After rows were written with ids of our own: PostgreSQL's sequence moves past them, so a row inserted
    without an id later (a batch, a dropout case) does not get one of theirs. SQLite needs nothing."""
    if is_sqlite(conn) or "id" not in table.c:
        return
    conn.exec_driver_sql(
        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM {table.name}"  # noqa: S608
        " HAVING max(id) IS NOT NULL")


def select_raw(conn: Connection, sql: str, params: Sequence = ()) -> list[tuple]:
    """Rows of `sql` (positional parameters written %s) in storage form: no column type converts them."""
    if is_sqlite(conn):
        return conn.connection.driver_connection.execute(sql.replace("%s", "?"), tuple(params)).fetchall()
    with conn.connection.driver_connection.cursor() as cursor:
        cursor.execute(sql, tuple(params))
        return [tuple(storage_value(v) for v in row) for row in cursor.fetchall()]


def storage_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores a DateTime in SQLite
    if isinstance(value, date):
        return value.isoformat()
    return value


def copy_frame(conn: Connection, table: Table, frame) -> None:
    """PostgreSQL's COPY of a frame in storage form: the rows go to the server as text, parsed by the server's own
    column types (0/1 is a boolean there, an ISO text a date). The text is made column by column in Arrow, not
    value by value in Python, and sent in one piece per slice."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(frame):
        return
    columns = [_copy_column(frame[name]) for name in frame.columns]
    lines = pc.binary_join_element_wise(*columns, pa.scalar("\t", pa.large_string()))
    lines = pc.binary_join_element_wise(lines, pa.scalar("", pa.large_string()), pa.scalar("\n", pa.large_string()))
    text = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)
    start, end = int(offsets[text.offset]), int(offsets[text.offset + len(text)])
    sql = f"COPY {table.name} ({', '.join(frame.columns)}) FROM STDIN"
    references = _references_we_check(conn, table.name, list(frame.columns))
    with conn.connection.driver_connection.cursor() as cursor:
        if references is not None:
            cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.copy(sql) as copy:
            copy.write(memoryview(text.buffers()[2])[start:end])
        # Not in a `finally`: a failed COPY aborts the transaction, which undoes the SET LOCAL with everything else.
        if references is not None:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            _check_references(cursor, table.name, frame, references)


class MissingReference(RuntimeError):
    """Rows written by COPY point at a row that is not there: what a foreign key would have refused (a bug, never
    the clerk's data: the importers only write ids they found or made)."""


# A foreign key's check on insert: the one kind of trigger the COPY below may leave to _check_references.
_TRIGGERS_BUT_FOREIGN_KEYS = """
SELECT count(*) FROM pg_trigger
WHERE tgrelid = CAST(%s AS regclass) AND tgenabled <> 'D' AND tgtype & 4 <> 0
  AND tgfoid <> CAST('"RI_FKey_check_ins"' AS regproc)"""
_FOREIGN_KEYS = """
SELECT cardinality(c.conkey), a.attname, a.atthasdef, r.relname, ra.attname
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_class r ON r.oid = c.confrelid
JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
WHERE c.conrelid = CAST(%s AS regclass) AND c.contype = 'f'"""


def _references_we_check(conn: Connection, table: str, columns: list[str]) -> list[tuple[str, str, str]] | None:
    """The foreign keys (column, referenced table, referenced column) a COPY into `table` may check itself, once
    for the whole COPY, instead of PostgreSQL's trigger once per row and key; None where the triggers must run.

    The per-row checks are most of a bulk import's time on PostgreSQL (enrollments: three keys, 17 of 24 us a row
    at a million students), and no lock-free way to suspend a foreign key exists: dropping it takes an ACCESS
    EXCLUSIVE lock, which would stop every report until the import commits. session_replication_role = replica
    skips the triggers for this transaction only and locks nothing; it is a superuser's setting unless the server
    grants it (PostgreSQL 15: GRANT SET ON PARAMETER session_replication_role TO the clerks' role, see README).
    Without that grant, or where the table has a trigger of another kind (which replica would skip too), or a key
    of several columns, the server checks as always.
    """
    with conn.connection.driver_connection.cursor() as cursor:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET'),"
                       f" ({_TRIGGERS_BUT_FOREIGN_KEYS})", (table,))
        allowed, other_triggers = cursor.fetchone()
        if not allowed or other_triggers:
            return None
        cursor.execute(_FOREIGN_KEYS, (table,))
        keys = cursor.fetchall()
    if any(width != 1 or (name not in columns and has_default) for width, name, has_default, _, _ in keys):
        return None
    return [(name, referenced, target) for _, name, _, referenced, target in keys if name in columns]


def _check_references(cursor, table: str, frame, references: list[tuple[str, str, str]]) -> None:
    """What the skipped triggers check, once per distinct value: the row pointed at exists, and is locked (FOR KEY
    SHARE, as the trigger locks it) so no other transaction deletes it before this one commits. Rows this
    transaction wrote itself (a roll's new students) are invisible to every other one: found, not locked."""
    import pandas as pd

    mine = "xmin = CAST(pg_current_xact_id() AS xid)"
    for name, referenced, target in references:
        values = pd.unique(frame[name].dropna().to_numpy(dtype=object))
        if not len(values):
            continue
        # As COPY wrote them: an id that pandas holds as 3.0 beside 4 went in as 3.
        values = list(dict.fromkeys(_copy_number(v.item() if hasattr(v, "item") else v) for v in values))
        # A roll's new students have ids in one unbroken run: read as a range, not looked up one id at a time.
        run = all(isinstance(v, int) for v in values) and max(values) - min(values) + 1 == len(values)
        where, args = f"{target} = ANY(%s)", (values,)
        if run:
            where, args = f"{target} BETWEEN %s AND %s", (min(values), max(values))
        cursor.execute(f"SELECT count(*), array_agg({target}) FILTER (WHERE NOT {mine})"  # noqa: S608
                       f" FROM {referenced} WHERE {where}", args)
        found, others = cursor.fetchone()
        if others:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {referenced} WHERE {target} = ANY(%s)"  # noqa: S608
                           " FOR KEY SHARE) AS locked", (others,))
            found -= len(others) - cursor.fetchone()[0]  # deleted by another transaction meanwhile
        if found != len(values):
            raise MissingReference(f"COPY {table}: {len(values) - found} value(s) of {name} not found in"
                                   f" {referenced}.{target}")


def _copy_number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


_COPY_ESCAPES = [("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")]


def _copy_column(series):
    """One column as COPY's text: \\N for empty, integers without a decimal point, special characters escaped."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    null = pa.scalar("\\N", pa.large_string())
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_integer_dtype(series.dtype):
        if not series.hasnans:
            return pc.cast(pa.array(series.to_numpy(dtype=np.int64)), pa.large_string())
        return pc.fill_null(pc.cast(pa.array(series.astype("Int64"), from_pandas=True), pa.large_string()), null)
    if series.dtype == object and _repeats(series):
        # The term, a stage, a status: each distinct value written once, then repeated by its code.
        codes, uniques = pd.factorize(series)
        texts = _copy_column(pd.Series(uniques, dtype=object))
        return pc.fill_null(texts.take(pa.array(codes, mask=codes < 0)), null)
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        finite = values[~np.isnan(values)]
        if np.all(finite == np.floor(finite)):
            return _copy_column(series.astype("Int64"))
    try:
        array = pa.array(series, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = _inferred_integers(series)
        if array is None:  # Python values of several kinds: each written as it would be
            values = series.to_numpy(dtype=object, na_value=None)
            array = pa.array([_copy_value(v) for v in values], pa.large_string())
    if pc.any(pc.match_substring_regex(array, r"[\\\t\n\r]")).as_py():
        for raw, escaped in _COPY_ESCAPES:
            array = pc.replace_substring(array, raw, escaped)
    return pc.fill_null(array, null)


def _repeats(series, sample: int = 2048) -> bool:
    """Few distinct values, judged on the first rows (as bulk.repetitive judges a text column)."""
    import pandas as pd

    head = series.iloc[:sample]
    return len(head) > 1 and len(pd.unique(head.to_numpy())) * 4 <= len(head)


def _inferred_integers(series):
    """Python integers (and empty cells) in an object column, as text; None for anything else."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        inferred = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return pc.cast(inferred, pa.large_string()) if pa.types.is_integer(inferred.type) else None


def _copy_value(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(storage_value(value))


def executemany_raw(conn: Connection, sql: str, rows: list[Sequence]) -> None:
    """`sql` (positional parameters written %s) once per row, values in storage form."""
    if is_sqlite(conn):
        conn.connection.driver_connection.executemany(sql.replace("%s", "?"), rows)
        return
    # As text of no declared type, which the server reads as the column's own type (0/1 as a boolean).
    texts = [tuple(None if v is None else _param_text(v) for v in row) for row in rows]
    with conn.connection.driver_connection.cursor() as cursor:
        cursor.executemany(sql, texts)


def _param_text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(storage_value(value))
