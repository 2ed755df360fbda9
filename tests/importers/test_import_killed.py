"""An import killed outright (SIGKILL, a power cut) at any moment of its write leaves the ledger exactly as it was
before; the same import run again then succeeds."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

FIRST = ("学校名单.xlsx", "学籍_2019春.xlsx", "资助发放_2019春.xlsx", "国扶办_建档立卡人员.xlsx")
# Then: a corrected spring roll, which changes rows the first import wrote (their versions are kept), and the
# autumn roll and payments, which add rows.
REST = ("学籍_2019秋.xlsx", "资助发放_2019秋.xlsx")
# Where the import is killed: after its first rows went in, after it kept the first versions of rows it changes,
# and with every row written, just before it commits. Each is a real SIGKILL of a real `fupin import` process.
KILL_POINTS = (("jiaoyu_fupin.store.bulk", "insert"), ("jiaoyu_fupin.store.history", "keep_versions"),
               ("jiaoyu_fupin.importers.engine", "record_totals"))
KILLER = """
import importlib, os, signal, sys
from jiaoyu_fupin.cli.main import run

module, name = importlib.import_module(sys.argv[1]), sys.argv[2]
original = getattr(module, name)

def killed_after(*args, **kwargs):
    result = original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(module, name, killed_after)
sys.argv = ["fupin", *sys.argv[3:]]
run()
"""


def _digest(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def _corrected_roll(files: list[Path], tmp_path: Path) -> Path:
    source = next(f for f in files if f.name == "学籍_2019春.xlsx")
    wb = openpyxl.load_workbook(source)
    ws = wb.worksheets[-1]
    for row in ws.iter_rows():
        cells = {c.value: c for c in row}
        if "就读方式" in cells:
            column = cells["就读方式"].column
            break
    for r in range(row[0].row + 1, row[0].row + 41):
        cell = ws.cell(r, column)
        cell.value = "走读" if cell.value == "住校" else "住校"
    wb.save(tmp_path / "学籍_2019春_更正.xlsx")
    return tmp_path / "学籍_2019春_更正.xlsx"


def test_import_killed_mid_write_leaves_the_ledger_as_it_was(sample_county, tmp_path, cli):
    files = sample_county.files
    first = [f for f in files if f.name in FIRST]
    rest = [_corrected_roll(files, tmp_path), *(f for f in files if f.name in REST)]
    assert cli("import", *first).exit_code == 0
    before = _digest(cli.db)
    for point in KILL_POINTS:
        proc = subprocess.run([sys.executable, "-c", KILLER, *point, "--db", str(cli.db), "import", *map(str, rest)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == -signal.SIGKILL, (point, proc.stderr)
        assert _digest(cli.db) == before, f"killed after {'.'.join(point)}"
    assert sqlite3.connect(cli.db).execute("PRAGMA integrity_check").fetchone() == ("ok",)

    again = cli("import", *rest)
    assert again.exit_code == 0, again.output
    assert cli("db", "verify").exit_code == 0
    note = sample_county.note
    counts = sqlite3.connect(cli.db).execute("SELECT count(*) FROM payments").fetchone()[0]
    assert counts == sum(note["files"][f"资助发放_{term}.xlsx"]["rows"] for term in ("2019春", "2019秋"))


pytestmark = pytest.mark.sqlite_only("the file, its locks, PRAGMAs and the disk of an SQLite ledger")
