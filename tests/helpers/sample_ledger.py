"""The sample county generated and imported once per test session; each test copies the ledger and works on its copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_BUILT: dict[str, Path] = {}


def county_folder(tmp_path_factory) -> Path:
    """The sample county's files (seed 2019, scale 0.02); generated on first use, then shared."""
    if "folder" not in _BUILT:
        from jiaoyu_fupin.sample import generate

        folder = tmp_path_factory.mktemp("sample_county")
        generate(folder, seed=2019, scale=0.02)
        _BUILT["folder"] = folder
    return _BUILT["folder"]


def sample_files(tmp_path_factory) -> list[Path]:
    return sorted(p for p in county_folder(tmp_path_factory).iterdir() if p.suffix in (".xlsx", ".csv"))


def county_ledger(tmp_path_factory) -> Path:
    """The sample county imported into a ledger; built on first use, then shared."""
    if "db" not in _BUILT:
        from jiaoyu_fupin.importers.engine import import_files
        from jiaoyu_fupin.store.ledger import Ledger

        db = county_folder(tmp_path_factory) / "county.db"
        ledger = Ledger(db)
        result = import_files(ledger, sample_files(tmp_path_factory))
        assert result.ok
        ledger.close()
        _BUILT["db"] = db
    return _BUILT["db"]


def copy_ledger(source: Path, target: Path) -> Path:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target
