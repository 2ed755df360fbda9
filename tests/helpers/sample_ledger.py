"""The sample county, generated once and imported once per backend per test session; each test works on a copy.

One name per idea across the tests:
- `sample_county` (session fixture): the generated files, a `SampleCounty` (folder, note, files). Read it, never
  write into its folder: copy or edit a file into the test's own `tmp_path`.
- `sample_ledger` (fixture): the test's own ledger (`cli.db`, on SQLite and on PostgreSQL) holding the sample county
  as `fupin import` left it, copied from the session's build: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
  PostgreSQL. It returns the test's `Cli`.
- `sample_build`: the session's builds themselves (the import's output, the SQLite file), for tests that read them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from jiaoyu_fupin.sample import NOTE_FILE

SEED, SCALE = 2019, 0.02
PG_SOURCE = "fupin_sample"  # the server's database holding the imported sample county, a template for each test's

_BUILT: dict[str, object] = {}


@dataclass(frozen=True)
class SampleCounty:
    """The files `fupin sample --seed 2019 --scale 0.02` writes, and the note describing what was planted in them."""

    folder: Path

    @cached_property
    def note(self) -> dict:
        return json.loads((self.folder / NOTE_FILE).read_text(encoding="utf-8"))

    @property
    def files(self) -> list[Path]:
        """Every file to import, as `make demo` passes them (the corrected export in 更正/ left out)."""
        return sorted(p for p in self.folder.iterdir() if p.suffix in (".xlsx", ".csv"))


@dataclass
class SampleBuild:
    """The sample county imported with `fupin import`, once per backend: the command's output and the ledger."""

    county: SampleCounty
    folder: Path
    imports: dict = field(default_factory=dict)  # backend -> the `fupin import` run's Result (exit code, output)
    targets: dict = field(default_factory=dict)  # backend -> the built ledger (a SQLite path, a PostgreSQL URL)
    _sqlite: Path | None = None

    def _import(self, backend: str, target) -> None:
        from helpers.ledger import Cli

        result = Cli(target)("import", *self.county.files)
        assert result.exit_code == 0, result.output
        self.imports[backend], self.targets[backend] = result, target

    def sqlite(self) -> Path:
        """The SQLite ledger holding the imported sample county; built on first use. Copy it, never write to it."""
        if self._sqlite is None:
            target = self.folder / "sample.db"
            self._import("sqlite", target)
            self._sqlite = target
        return self._sqlite

    def copy_to(self, db, pg_server=None) -> None:
        """Make the ledger at `db` (a SQLite path, or a PostgreSQL URL of a test's database) a copy of the build."""
        from helpers.ledger import is_postgres

        if is_postgres(db):
            pg_server.fill_from(db, PG_SOURCE, lambda url: self._import("postgres", url))
        else:
            copy_ledger(self.sqlite(), db)


def county_folder(tmp_path_factory) -> Path:
    """The sample county's files (seed 2019, scale 0.02); generated on first use, then shared by the session."""
    if "folder" not in _BUILT:
        from jiaoyu_fupin.sample import generate

        folder = tmp_path_factory.mktemp("sample_county")
        generate(folder, seed=SEED, scale=SCALE)
        _BUILT["folder"] = folder
    return _BUILT["folder"]


def sample_county(tmp_path_factory) -> SampleCounty:
    if "county" not in _BUILT:
        _BUILT["county"] = SampleCounty(county_folder(tmp_path_factory))
    return _BUILT["county"]


def sample_build(tmp_path_factory) -> SampleBuild:
    if "build" not in _BUILT:
        _BUILT["build"] = SampleBuild(sample_county(tmp_path_factory), tmp_path_factory.mktemp("sample_build"))
    return _BUILT["build"]


def sample_files(tmp_path_factory) -> list[Path]:
    return sample_county(tmp_path_factory).files


def county_ledger(tmp_path_factory) -> Path:
    """The sample county imported into a SQLite ledger; built on first use, then shared. Copy it, never write to it."""
    return sample_build(tmp_path_factory).sqlite()


def copy_ledger(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite ledger (its backup API, so a WAL file is never left behind)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target
