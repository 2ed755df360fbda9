"""Fixtures: every test gets its own ledger in a temporary folder, on SQLite and on PostgreSQL; the sample county is
built once per session. The builders they use are in tests/helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The shared builders live in tests/helpers; conftest keeps their old names importable (`from conftest import …`)
# for code written before they moved there. New tests import from helpers.
from helpers.files import ROLL_HEADER, SCHOOL_HEADER, SCHOOL_ROWS, make_id, roll_rows, write_xlsx  # noqa: F401
from helpers.golden import GOLDEN, assert_matches_golden, golden_text, sheet_values  # noqa: F401
from helpers.ledger import Cli, execute, is_postgres, query  # noqa: F401

# Off a terminal a command prints 160 columns wide unless $COLUMNS says otherwise (cli/common.py reads it once, when
# first imported). The tests read that output, so the width is theirs to fix: a shell's COLUMNS, or the one
# pytest-xdist's workers inherit (80), would cut names and masked IDs in the tables with "…".
os.environ["COLUMNS"] = "160"

# The property tests are about what a function returns, not how fast: on a loaded machine (two test processes and
# their servers on two cores) Hypothesis's timing checks fail runs that are right.
settings.register_profile("fupin", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("fupin")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    # Never touch a real ledger: the default fupin.db and $FUPIN_DB point into the test's own folder.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FUPIN_DB", raising=False)
    # A crash's log (cli/crash.py) goes to $XDG_STATE_HOME/fupin: the test's folder, not the home directory.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture(scope="session", autouse=True)
def _command_tree_built_once():
    """Typer's test runner builds the click command tree from the app on every invoke: a third of a small command's
    CPU time, thousands of times a run. The tree does not change while tests run, so it is built once per app."""
    import typer.testing

    real = typer.testing._get_command
    built: dict[int, tuple] = {}

    def get_command(app):
        if id(app) not in built:
            built[id(app)] = (app, real(app))  # the app is kept, so its id is never reused by another
        return built[id(app)][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", get_command)
        yield


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


@pytest.fixture
def cli(db) -> Cli:
    return Cli(db)


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """SQLite's busy timeout (dialect.BUSY_TIMEOUT_MS, two minutes) shortened to 0.2 s: a test of waiting past it
    does not wait that long."""
    from jiaoyu_fupin.store import dialect

    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_MS", 200)


# ---- the sample county: generated once, imported once per backend, copied into each test's ledger ----
# (tests/helpers/sample_ledger.py says what each name means; tests never generate or import it themselves)


@pytest.fixture(scope="session")
def sample_county(tmp_path_factory):
    """The sample county's files and note (seed 2019, scale 0.02), shared by the session: read, never write."""
    from helpers import sample_ledger as built

    return built.sample_county(tmp_path_factory)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The sample county imported once per backend: the import's output and the built ledgers, to copy from."""
    from helpers import sample_ledger as built

    return built.sample_build(tmp_path_factory)


@pytest.fixture
def sample_ledger(cli, sample_build, request) -> Cli:
    """The test's own ledger (SQLite and PostgreSQL) holding a copy of the imported sample county; its `Cli`."""
    sample_build.copy_to(cli.db, request.getfixturevalue("pg_server") if is_postgres(cli.db) else None)
    return cli


# ---- small ledgers many tests start from: built once per backend, copied (tests/helpers/prebuilt.py) ----


@pytest.fixture(scope="session")
def _prebuilds(tmp_path_factory):
    from helpers.prebuilt import Prebuilt

    return Prebuilt(tmp_path_factory.mktemp("prebuilt"))


@pytest.fixture
def prebuilt(cli, tmp_path, request, _prebuilds):
    """prebuilt(key, build): the test's new ledger becomes a copy of the one `build(cli, folder)` makes, built once
    per session and backend; the build's files are copied into `tmp_path`; returns what `build` returned."""
    if is_postgres(cli.db):
        _prebuilds.pg_server = request.getfixturevalue("pg_server")
    return lambda key, build: _prebuilds.copy(cli, tmp_path, key, build)


def _import_schools(cli, folder: Path) -> None:
    result = cli("import", write_xlsx(folder / "学校名单.xlsx", SCHOOL_HEADER, SCHOOL_ROWS))
    assert result.exit_code == 0, result.output


@pytest.fixture
def schools(tmp_path, prebuilt) -> Path:
    """The school list imported into the test's ledger; its file, in the test's folder."""
    prebuilt("schools", _import_schools)
    return tmp_path / "学校名单.xlsx"


