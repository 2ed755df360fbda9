"""The same ledger on SQLite and on PostgreSQL gives the same answers: the sample county imported into both, every
command's output (JSON and text) and every workbook's cells identical once times, folders and the ledger's own
name are masked."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import Cli
from jiaoyu_fupin.sample import NOTE_FILE, generate

TIME = re.compile(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")


def _run(cli: Cli, folder: Path, out: Path, school: str) -> dict[str, object]:
    """Every command a county runs, in the order a clerk would; returns what each printed and wrote."""
    files = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".csv"))
    printed: dict[str, object] = {}

    def run(name: str, *args, codes=(0, 1)):
        result = cli(*args)
        assert result.exit_code in codes, (name, result.output)
        printed[name] = (result.exit_code, result.stdout, result.stderr)
        return result

    run("import", "import", *files, codes=(0,))
    run("status", "status", "--json")
    run("batches", "batches", "--json")
    run("standards", "subsidy", "standards", "--json")
    run("subsidy check", "subsidy", "check", "--term", "2019秋", "--json", "--out", out / "资助核对.xlsx")
    run("subsidy check text", "subsidy", "check", "--term", "2019秋")
    run("subsidy notice", "subsidy", "notice", "--term", "2019秋", "--out", out / "资助公示.xlsx")
    run("pair check", "pair", "check", "--term", "2019秋", "--json", "--out", out / "结对帮扶检查.xlsx")
    run("handbook", "pair", "handbook", "--school", school, "--term", "2019秋", "--out", out / "手册.xlsx")
    run("rates", "rates", "--year", "2019", "--json", "--out", out / "四项指标.xlsx")
    run("monthly", "report", "monthly", "--month", "2019-11", "--out", out)
    run("summary", "report", "summary", "--year", "2019", "--out", out / "总结.xlsx", "--narrative", out / "总结.md")
    cut = f"{datetime.now():%Y-%m-%d %H:%M:%S.%f}"
    time.sleep(1.1)  # dropout steps record the second they were made: the scan's is then after the cut on both
    run("dropout scan", "dropout", "scan", "--term", "2019秋", "--json")
    cases = json.loads(run("dropout list", "dropout", "list", "--json").stdout)["cases"]
    run("dropout show", "dropout", "show", cases[0]["case"], "--json")
    run("pair assign", "pair", "assign", "--school", school, "--term", "2019秋")
    (out / "截至").mkdir()
    # After the scan and the assignment: the report as of before them is rebuilt from a copy (store.asof).
    run("monthly as of", "report", "monthly", "--month", "2019-11", "--out", out / "截至", "--as-of", cut)
    run("status after", "status", "--json")
    for path in sorted(out.rglob("*")):
        if path.suffix == ".xlsx":
            wb = openpyxl.load_workbook(path)
            printed[str(path.relative_to(out))] = {ws.title: [[c.value for c in row] for row in ws.iter_rows()]
                                                   for ws in wb.worksheets}
        elif path.suffix == ".md":
            printed[str(path.relative_to(out))] = path.read_text(encoding="utf-8")
    return printed


def _masked(value, replace: dict[str, str]):
    if isinstance(value, dict):
        return {k: _masked(v, replace) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked(v, replace) for v in value]
    if isinstance(value, datetime) and (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
        return "<time>"
    if isinstance(value, str):
        for old, new in replace.items():
            value = value.replace(old, new)
        return TIME.sub("<time>", value)
    return value


@pytest.mark.postgres_only
def test_the_sample_county_answers_alike_on_both_databases(tmp_path, db, monkeypatch):
    folder = tmp_path / "sample"
    generate(folder, seed=2019, scale=0.02)
    note = json.loads((folder / NOTE_FILE).read_text(encoding="utf-8"))
    school = note["planted"]["unpaired"]["cases"][0]["school"]
    monkeypatch.setenv("COLUMNS", "200")
    results = {}
    for name, target in (("sqlite", tmp_path / "county.db"), ("postgres", db)):
        out = tmp_path / f"out_{name}"
        out.mkdir()
        printed = _run(Cli(target), folder, out, school)
        ledger_name = json.loads(printed["status"][1])["ledger"]  # as the ledger names itself (password masked)
        results[name] = _masked(printed, {str(out): "<out>", ledger_name: "<ledger>", str(target): "<ledger>"})
    sqlite, postgres = results["sqlite"], results["postgres"]
    assert sorted(sqlite) == sorted(postgres)
    assert [key for key in sqlite if sqlite[key] != postgres[key]] == []
    # The comparison sees real content: findings, sheets, a narrative.
    assert sorted(k for k in sqlite if k.endswith((".xlsx", ".md"))) == [
        "四项指标.xlsx", "总结.md", "总结.xlsx", "截至/月报_2019-11.xlsx", "手册.xlsx", "月报_2019-11.xlsx",
        "结对帮扶检查.xlsx", "资助公示.xlsx", "资助核对.xlsx"]
    assert sqlite["subsidy check"][0] == 1 and json.loads(sqlite["dropout list"][1])["cases"]
