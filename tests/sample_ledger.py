"""The sample county imported once per test session; each test copies the ledger and works on its copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_BUILT: dict[str, Path] = {}


def county_ledger(tmp_path_factory) -> Path:
    """The sample county (seed 2019, scale 0.02) imported into a ledger; built on first use, then shared."""
    if "db" not in _BUILT:
        from jiaoyu_fupin.importers.engine import import_files
        from jiaoyu_fupin.ledger import Ledger
        from jiaoyu_fupin.sample import generate

        folder = tmp_path_factory.mktemp("sample_county")
        generate(folder, seed=2019, scale=0.02)
        ledger = Ledger(folder / "county.db")
        result = import_files(ledger, sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".csv")))
        assert result.ok
        ledger.close()
        _BUILT["db"] = folder / "county.db"
    return _BUILT["db"]


def sample_files(tmp_path_factory) -> list[Path]:
    folder = county_ledger(tmp_path_factory).parent
    return sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".csv"))


def copy_ledger(source: Path, target: Path) -> Path:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target
