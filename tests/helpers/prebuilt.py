"""Small ledgers that many tests start from, built once per test session and backend, then copied into each test's
ledger: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL, as the sample county is.

A build is named by a key and made by `build(cli, folder)` with the commands a clerk would run, its files written
into `folder`. A test that starts from it gets a copy of the ledger and of those files in its own `tmp_path`, and
the value `build` returned: what it would have had if it had built the ledger itself (the batches name the same
files; only the times of the build are earlier). Only a new ledger is replaced: nothing may have been written to it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from helpers.ledger import Cli, is_postgres, query
from helpers.sample_ledger import copy_ledger

_KEY = re.compile(r"[a-z][a-z0-9_]{0,40}")


class Prebuilt:
    def __init__(self, folder: Path):
        self.folder = folder
        self.pg_server = None  # the session's server, set by the fixture for a PostgreSQL test
        self._made: dict[tuple[str, str], tuple[Path, object]] = {}  # (key, backend) -> (its files, its value)

    def copy(self, cli: Cli, tmp_path: Path, key: str, build: Callable[[Cli, Path], object]):
        """Make the new ledger of `cli` a copy of the one `build` makes (built on first use), put the build's files
        into `tmp_path`, and return what `build` returned."""
        assert _KEY.fullmatch(key), key
        if is_postgres(cli.db):
            assert not _holds_anything(cli.db), f"{key}: a prebuilt ledger replaces only a new one"
            self.pg_server.fill_from(cli.db, f"built_{key}",
                                     lambda url: self._build(key, "postgres", Cli(url), build))
            files, value = self._made[key, "postgres"]
        else:
            assert not Path(cli.db).exists(), f"{key}: a prebuilt ledger replaces only a new one"
            if (key, "sqlite") not in self._made:
                self._build(key, "sqlite", Cli(self.folder / f"{key}.db"), build)
            files, value = self._made[key, "sqlite"]
            copy_ledger(self.folder / f"{key}.db", Path(cli.db))
        shutil.copytree(files, tmp_path, dirs_exist_ok=True)
        return value

    def _build(self, key: str, backend: str, cli: Cli, build) -> None:
        files = self.folder / f"{key}_{backend}"
        files.mkdir()
        self._made[key, backend] = (files, build(cli, files))


def _holds_anything(db: str) -> bool:
    """Whether anything was imported or set in the PostgreSQL ledger (its schema and default policy aside)."""
    return bool(query(db, "SELECT 1 FROM batches UNION ALL SELECT 1 FROM settings LIMIT 1"))
