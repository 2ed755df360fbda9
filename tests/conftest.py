"""Fixtures: every test gets its own ledger in a temporary folder; helpers build the files clerks send."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from jiaoyu_fupin.core.idnumber import check_char


def make_id(birth: date, seq: int = 1, region: str = "422822") -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    # Never touch a real ledger: the default fupin.db and $FUPIN_DB point into the test's own folder.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FUPIN_DB", raising=False)
    # A crash's log (cli/crash.py) goes to $XDG_STATE_HOME/fupin: the test's folder, not the home directory.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


# ---- the ledger under test: every test that takes `db` (or `cli`) runs on SQLite and on PostgreSQL ----
# FUPIN_TEST_BACKENDS=sqlite runs SQLite only (a quick local run); CI always runs both, and a PostgreSQL that cannot
# be started fails the run instead of skipping it.

BACKENDS = ("sqlite", "postgres")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about SQLite itself (its file, PRAGMAs)")
    config.addinivalue_line("markers", "postgres_only: the test is about a server ledger (passwords, connections)")
    config.addinivalue_line("markers", "empty_ledger: on PostgreSQL, start from an empty database, not a migrated one")


def _backends() -> list[str]:
    chosen = [b.strip() for b in os.environ.get("FUPIN_TEST_BACKENDS", ",".join(BACKENDS)).split(",") if b.strip()]
    if os.environ.get("CI") and "postgres" not in chosen:
        raise pytest.UsageError("CI runs every backend: unset FUPIN_TEST_BACKENDS")
    return chosen


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = _backends()
        if metafunc.definition.get_closest_marker("sqlite_only"):
            chosen = [b for b in chosen if b == "sqlite"]
        if metafunc.definition.get_closest_marker("postgres_only"):
            chosen = [b for b in chosen if b == "postgres"]
        metafunc.parametrize("backend", chosen, indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def pg_server():
    from helpers.pgserver import Server

    server = Server()  # raises (an error, not a skip) when no PostgreSQL is installed
    server.start()
    try:
        server.make_template()
        yield server
    finally:
        server.stop()


@pytest.fixture
def db(request, backend, tmp_path):
    """The ledger's address: a SQLite file's Path, or a PostgreSQL URL (str) of a database made for this test."""
    if backend == "sqlite":
        yield tmp_path / "ledger.db"
        return
    server = request.getfixturevalue("pg_server")
    name = server.new_database(migrated=request.node.get_closest_marker("empty_ledger") is None)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


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
        return [tuple(map(_as_sqlite, r)) for r in conn.execute(sql.replace("?", "%s"), params).fetchall()]
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


def execute(db, *statements: str | tuple[str, tuple]) -> None:
    """Run statements (text, or (text, params) with ? placeholders) in one committed transaction."""
    conn = _raw(db)
    try:
        for statement in statements:
            sql, params = (statement, ()) if isinstance(statement, str) else statement
            conn.execute(sql.replace("?", "%s") if is_postgres(db) else sql, params)
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


@pytest.fixture
def cli(db) -> Cli:
    return Cli(db)


def write_xlsx(path: Path, header: list, rows: list[list], *, sheet: str = "Sheet1", above: list[list] = (),
               before_sheets: list[str] = (), text_columns: tuple[int, ...] = ()) -> Path:
    """A workbook as clerks make them: optional instruction sheets first, optional title lines above the header."""
    wb = openpyxl.Workbook()
    first = wb.active
    for i, name in enumerate(before_sheets):
        ws = first if i == 0 else wb.create_sheet(name)
        ws.title = name
        ws["A1"] = "填表说明：请在下一个工作表填写"
    ws = wb.create_sheet(sheet) if before_sheets else first
    ws.title = sheet
    for line in above:
        ws.append(line)
    ws.append(header)
    for row in rows:
        ws.append(row)
    for col in text_columns:
        for cells in ws.iter_rows(min_col=col + 1, max_col=col + 1):
            for cell in cells:
                cell.number_format = "@"
    wb.save(path)
    return path


SCHOOL_HEADER = ["学校标识码", "学校名称", "学校类型", "所在乡镇", "办别"]
SCHOOL_ROWS = [
    ["3452000001", "城关第一小学", "小学", "城关镇", "公办"],
    ["3452000002", "城关中学", "初中", "城关镇", "公办"],
    ["3452000003", "县第一高级中学", "普通高中", "城关镇", "公办"],
    ["3452000004", "县职业教育中心", "中职", "城关镇", "公办"],
    ["3452000005", "城关幼儿园", "幼儿园", "城关镇", "公办"],
]


@pytest.fixture
def schools(tmp_path, cli) -> Path:
    path = write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, SCHOOL_ROWS)
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    return path


ROLL_HEADER = ["姓名", "性别", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态"]


def roll_rows() -> list[list]:
    return [
        ["张小明", "男", make_id(date(2007, 3, 15), 11), "城关中学", "初中", "七年级", "1班", "走读", "在校"],
        ["李小红", "女", make_id(date(2006, 5, 2), 22), "城关中学", "初中", "八年级", "2班", "住校", "在校"],
        ["王小刚", "男", make_id(date(2012, 1, 9), 31), "城关第一小学", "小学", "二年级", "1班", "走读", "在校"],
    ]


# ---- golden files: regenerated only on purpose, with FUPIN_UPDATE_GOLDEN=1 ----

GOLDEN = Path(__file__).parent / "golden"


def golden_text(data: object, indent: str = "") -> str:
    """JSON with one line per row of cells: a reviewer reads a golden file like the sheet it describes."""
    inner = indent + "  "
    if isinstance(data, dict) and data:
        items = (f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {golden_text(v, inner)}" for k, v in data.items())
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(data, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in data):
        return "[\n" + ",\n".join(inner + golden_text(v, inner) for v in data) + f"\n{indent}]"
    return json.dumps(data, ensure_ascii=False)


def assert_matches_golden(name: str, data: object) -> None:
    """Compare JSON-able data with tests/golden/<name>.json.

    With FUPIN_UPDATE_GOLDEN=1 the file is (re)written instead and the check passes: review the diff before
    committing it. Kept self-contained so other golden tests can copy it (or move it to a conftest).
    """
    path = GOLDEN / f"{name}.json"
    text = golden_text(data) + "\n"
    if os.environ.get("FUPIN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing: create it with `FUPIN_UPDATE_GOLDEN=1 PYTHONPATH=src "
                    f".venv/bin/python -m pytest tests/ -k golden`, then read it and check it looks right")
    # Round-trip through JSON so tuples and lists compare alike; the assert diff then shows what moved.
    assert json.loads(text) == json.loads(path.read_text(encoding="utf-8")), f"differs from {path}"


def sheet_values(ws) -> list[list]:
    """Every row's values with trailing empty cells dropped: stable across openpyxl's dimension quirks."""
    rows = []
    for row in ws.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows
