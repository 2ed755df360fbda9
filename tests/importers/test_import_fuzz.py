"""Fuzzing the importer with the sample county's own files, mutated: truncated, bits flipped, cells swapped, huge
and empty cells, in .xlsx, .xls and .csv. Every import ends with exit 0, 1 or 2, never a traceback, and a refused
one leaves the ledger's counts as they were."""

from __future__ import annotations

import csv
import io
import random
import sqlite3
import time
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

PER_FORMAT = 200
SEED = 15
# Four kinds of the sample's files, cut to their first rows so that 600 imports stay well inside a minute.
BASES = ("学校名单.xlsx", "帮扶责任人.xlsx", "辍学台账.xlsx", "包保责任.xlsx")
ROWS = 16
CELL_MUTATIONS = ("swap", "huge", "empty", "long_name", "formula", "control")
BYTE_MUTATIONS = ("truncate", "flip")


@pytest.fixture(scope="module")
def grids(sample_county):
    """The first rows of each base file, as text cells, to mutate."""
    folder = sample_county.folder
    grids = {}
    for name in BASES:
        ws = openpyxl.load_workbook(folder / name, read_only=True).worksheets[0]
        grids[name] = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(max_row=ROWS, values_only=True)]
    # The population list is the sample's CSV: its first lines make a fifth base.
    with (folder / "户籍适龄儿童.csv").open(encoding="gb18030", newline="") as fh:  # the sample writes it in GBK
        grids["户籍适龄儿童.csv"] = [row for _, row in zip(range(ROWS), csv.reader(fh), strict=False)]
    return grids


def _mutate_cells(rng: random.Random, grid: list[list[str]], how: str) -> list[list[str]]:
    grid = [list(row) for row in grid]
    cells = [(r, c) for r in range(len(grid)) for c in range(len(grid[r]))]
    (r1, c1), (r2, c2) = rng.choice(cells), rng.choice(cells)
    if how == "swap":
        grid[r1][c1], grid[r2][c2] = grid[r2][c2], grid[r1][c1]
    elif how == "huge":
        grid[r1][c1] = rng.choice(("王", "9", "x,\"y")) * rng.choice((5_000, 32_767, 40_000))
    elif how == "empty":
        for r, c in rng.sample(cells, k=min(len(cells), rng.randint(1, 30))):
            grid[r][c] = ""
    elif how == "long_name":
        grid[r1][c1] = "".join(rng.choice("张王李[]/<>*") for _ in range(rng.randint(40, 80)))
    elif how == "formula":
        grid[r1][c1] = rng.choice(("=1+1", '=HYPERLINK("http://x","y")', "+1", "-", "@SUM(1)", "#N/A"))
    elif how == "control":
        grid[r1][c1] = grid[r1][c1][:3] + rng.choice(("\n", "\r", "\t", "\x7f", "\u200b")) + grid[r1][c1][3:]
    return grid


def _mutate_bytes(rng: random.Random, data: bytes, how: str) -> bytes:
    if how == "truncate":
        return data[: rng.randint(0, max(len(data) - 1, 0))]
    flipped = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(flipped))
        flipped[i] ^= 1 << rng.randrange(8)
    return bytes(flipped)


def _xlsx(grid: list[list[str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if value != "":
                cell = ws.cell(r, c)
                cell._value, cell.data_type = value[:32767] if len(value) > 32767 else value, "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_flip_inside(rng: random.Random, data: bytes) -> bytes:
    """Bits flipped in the sheet's XML itself (a flip in the compressed bytes only breaks the zip's checksum)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            part = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                part = _mutate_bytes(rng, part, "flip")
            z.writestr(item, part)
    return out.getvalue()


def _xls(grid: list[list[str]]) -> bytes:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(grid[:65535]):
        for c, value in enumerate(row[:256]):
            if value != "":
                sheet.write(r, c, value[:32767])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rng: random.Random, grid: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(grid)
    return text.getvalue().encode(rng.choice(("utf-8", "utf-8-sig", "gb18030")), errors="replace")


def _cases(rng: random.Random, grids: dict, fmt: str):
    """(file name, bytes, mutation) for one format: every mutation in turn, over the bases in turn."""
    names = [n for n in grids if fmt == ".csv" or n.endswith(".xlsx")]
    mutations = CELL_MUTATIONS + BYTE_MUTATIONS + (("flip_xml",) if fmt == ".xlsx" else ())
    for i in range(PER_FORMAT):
        base = names[i % len(names)]
        how = mutations[i % len(mutations)]
        grid = grids[base]
        if how in CELL_MUTATIONS:
            grid = _mutate_cells(rng, grid, how)
            if rng.random() < 0.5:
                grid = _mutate_cells(rng, grid, rng.choice(CELL_MUTATIONS))
        data = _xlsx(grid) if fmt == ".xlsx" else _xls(grid) if fmt == ".xls" else _csv(rng, grid)
        if how in BYTE_MUTATIONS:
            data = _mutate_bytes(rng, data, how)
        elif how == "flip_xml":
            data = _xlsx_flip_inside(rng, data)
        yield f"{Path(base).stem}_{i:03d}_{how}{fmt}", data, how


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    # Every table but audit_records: a refusal writes an error workbook, and its audit record is no imported data.
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if r[0] != "audit_records"]
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


@pytest.mark.sqlite_only("watches the ledger file with sqlite3 between imports")
def test_mutated_files_never_crash_the_import(grids, sample_ledger, tmp_path, cli, capfd, monkeypatch):
    import typer.testing

    from jiaoyu_fupin.cli.main import app

    # The command tree built once: Typer rebuilds it on every invoke, a third of each small import's time.
    command = typer.testing._get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _: command)
    rng = random.Random(SEED)
    outcomes: dict[str, Counter] = {}
    watch = sqlite3.connect(cli.db)
    counts = _counts(watch)
    started, cpu = time.perf_counter(), time.process_time()
    for fmt in (".xlsx", ".xls", ".csv"):
        outcomes[fmt] = Counter()
        for name, data, _ in _cases(rng, grids, fmt):
            path = tmp_path / name
            path.write_bytes(data)
            result = cli("import", path, "--errors", tmp_path / "错误.xlsx")
            assert result.exit_code in (0, 1, 2), (name, result.output)
            assert "Traceback" not in result.output and "Error:" not in result.output, (name, result.output)
            after = _counts(watch)
            if result.exit_code:
                assert after == counts, (name, result.output)
            counts = after
            outcomes[fmt][result.exit_code] += 1
            path.unlink()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # calamine's Rust panics on damaged files wrote their backtraces past Python onto the terminal.
    assert "panicked" not in capfd.readouterr().err
    with capfd.disabled():
        print(f"\nfuzz: {sum(sum(c.values()) for c in outcomes.values())} files in {elapsed:.1f} s ({cpu:.1f} s of CPU); "
              "by format and exit "
              "code: " + "; ".join(f"{fmt} " + ", ".join(f"exit {k}: {v}" for k, v in sorted(c.items()))
                                   for fmt, c in outcomes.items()))
    assert all(sum(c.values()) >= PER_FORMAT for c in outcomes.values())
    assert cpu < 60  # CPU time: other work on a shared machine must not fail the test
    # The ledger is whole after it all.
    assert watch.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    watch.close()


def test_a_dropout_row_without_its_month_is_the_same_case_when_imported_again(tmp_path, cli):
    """Found by the fuzzing above: an empty key part made the whole key missing, so the case was new on every
    import and the third import crashed on the duplicate keys."""
    from datetime import date

    from helpers.files import make_id, write_xlsx

    header = ["学生姓名", "身份证号码", "就读学校及年级", "辍学年月", "劝返人员姓名", "劝返时间"]
    rows = [["张三", make_id(date(2008, 1, 2), 3), "A中学七年级", None, "李老师", "2019-11-05"],
            ["李四", make_id(date(2008, 3, 4), 5), "A中学八年级", None, "王老师", None]]
    path = write_xlsx(tmp_path / "辍学台账.xlsx", header, rows, text_columns=(1,))
    assert cli("init").exit_code == 0
    first = cli("import", path)
    assert first.exit_code == 0 and "新增 2" in first.output, first.output
    counts = cli.counts()
    for _ in range(2):
        again = cli("import", path)
        assert again.exit_code == 0 and "新增 0，变更 0，未变 2" in again.output, again.output
    assert cli.counts() == counts
