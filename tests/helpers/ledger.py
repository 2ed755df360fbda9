"""The ledger under test, from outside the library: the command line as a clerk runs it, and the rows as stored
(read and written below the library), on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from typer.testing import CliRunner


def is_postgres(db) -> bool:
    return isinstance(db, str) and db.startswith("postgresql")


def _raw(db):
    if is_postgres(db):
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(db)
        return psycopg.connect(dbname=url.database, user=url.username, host=url.query["host"])
    return sqlite3.connect(db)


def query(db, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of `sql` (with ? placeholders) read from the ledger at `db`, below the library, on either database."""
    conn = _raw(db)
    try:
        if not is_postgres(db):
            return [tuple(r) for r in conn.execute(sql, params).fetchall()]
        return [tuple(map(_as_sqlite, r)) for r in conn.execute(_pg(sql), params).fetchall()]
    finally:
        conn.close()


def _as_sqlite(value):
    """A value as SQLite returns it: dates as ISO text, times as SQLAlchemy's UTC text, booleans 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _pg(sql: str) -> str:
    """SQLite's ? placeholders as psycopg's %s; a % of the SQL itself (the modulo operator) doubled to stay one."""
    return sql.replace("%", "%%").replace("?", "%s")


def execute(db, *statements: str | tuple[str, tuple]) -> None:
    """Run statements (text, or (text, params) with ? placeholders) in one committed transaction."""
    conn = _raw(db)
    try:
        for statement in statements:
            sql, params = (statement, ()) if isinstance(statement, str) else statement
            conn.execute(_pg(sql) if is_postgres(db) else sql, params)
        conn.commit()
    finally:
        conn.close()


class Cli:
    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str):
        from jiaoyu_fupin.cli.main import app

        return self.runner.invoke(app, ["--db", str(self.db), *map(str, args)], catch_exceptions=False)

    def counts(self) -> dict[str, int]:
        from jiaoyu_fupin.store.ledger import Ledger

        ledger = Ledger(self.db)
        try:
            # The ledger's data: an audit record (an error workbook written) is not data a refusal must leave alone.
            return {name: n for name, n in ledger.counts().items() if name != "audit_records"}
        finally:
            ledger.close()
