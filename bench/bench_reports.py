"""Year-end report benchmark: `fupin report summary --year 2019` on the full-scale sample county.

    .venv/bin/python bench/bench_reports.py [--scale 1] [--repeat 3] [--limit 5]

Target (issue 7): the year-end workbook (every table, the three charts, the file written) for the sample county
at scale 1 (`fupin sample`, all its files imported: 63,406 students on the autumn roll, 35,472 payments, 233,000
六个一 records) in at most 5 s. Measured is the library call in a fresh interpreter, from the ledger opened to the
workbook renamed into place (interpreter start-up and imports not counted, as the other benchmarks here); the
whole command, start-up included, is timed once for information.

As a yardstick measured in the same run, a baseline worker reads the ledger's main tables (schools, students,
enrollments, payments, pairings, 六个一 records, helpers) into Python rows with plain sqlite3: what any report over
the whole county must at least read. The workbook's counts must be the ones the sample was shaped on (168
schools, students by stage), so a fast wrong answer fails the run. The monthly report is timed for information.
Exit status 1 when a verdict fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workers import emit, interleaved, median, spawn, times

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out" / "reports"
TABLES = ("schools", "students", "enrollments", "payments", "pairings", "help_activities", "helpers")


def worker_baseline(db: Path) -> dict:
    import sqlite3

    conn = sqlite3.connect(db)
    t = time.perf_counter()
    rows = sum(len(conn.execute(f"SELECT * FROM {name}").fetchall()) for name in TABLES)  # noqa: S608
    return {"seconds": time.perf_counter() - t, "rows": rows}


def worker_summary(db: Path) -> dict:
    from jiaoyu_fupin.reports.summary import build_summary
    from jiaoyu_fupin.reports.summary_sheets import write_summary
    from jiaoyu_fupin.store.ledger import Ledger

    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        ledger = Ledger(db)
        summary = build_summary(ledger, 2019)
        write_summary(summary, Path(folder) / "总结_2019.xlsx")
        seconds = time.perf_counter() - t
    f = summary.figures
    return {"seconds": seconds, "schools": f["schools_total"], "students": f["students"],
            "teachers": f["teachers"], "poor_in_county": f["poor_in_county"], "poor_home": f["poor_home"],
            "schools_by_type": {k: v for k, v in f.items() if k.startswith("schools_")}}


def worker_monthly(db: Path) -> dict:
    from jiaoyu_fupin.reports.monthly import build_monthly
    from jiaoyu_fupin.reports.monthly_sheets import write_monthly
    from jiaoyu_fupin.reports.period import Month
    from jiaoyu_fupin.store.ledger import Ledger

    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        report = build_monthly(Ledger(db), Month(2019, 11))
        write_monthly(report, Path(folder) / "月报_2019-11.xlsx")
        return {"seconds": time.perf_counter() - t, "snapshot_for_last_month": report.previous_as_of is not None}


WORKERS = {"baseline": worker_baseline, "summary": worker_summary, "monthly": worker_monthly}


def fupin() -> str:
    return str(Path(sys.executable).with_name("fupin"))


def ensure_ledger(scale: float) -> Path:
    """The sample county at `scale`, generated and imported once, cached under bench/out/reports/."""
    folder = OUT / f"sample_{scale:g}"
    db = OUT / f"sample_{scale:g}.db"
    done = db.with_suffix(".done")
    if db.exists() and done.exists():
        return db
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    print(f"generating and importing the sample county at scale {scale:g} ...", flush=True)
    subprocess.run([fupin(), "sample", "--out", str(folder), "--scale", f"{scale:g}"], check=True,
                   stdout=subprocess.DEVNULL)
    files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".xlsx", ".csv"))
    subprocess.run([fupin(), "--db", str(db), "import", *files], check=True, stdout=subprocess.DEVNULL)
    done.write_text("imported\n", encoding="utf-8")
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Year-end report benchmark (see the module docstring).")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the sample county (1 = the real county)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each worker; the median is judged")
    parser.add_argument("--limit", type=float, default=5.0, help="seconds allowed for the year-end workbook")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        emit(WORKERS[args.worker](args.db))
        return 0

    db = ensure_ledger(args.scale)
    load_before = os.getloadavg()
    runs = interleaved(__file__, ["baseline", "summary"], db, args.repeat)
    if runs is None:
        return 1
    monthly = spawn(__file__, "monthly", db)
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        command = subprocess.run([fupin(), "--db", str(db), "report", "summary", "--year", "2019", "--out",
                                  str(Path(folder) / "总结_2019.xlsx"), "--quiet"], capture_output=True, text=True)
        whole = time.perf_counter() - t
    load_after = os.getloadavg()
    base = min(r["seconds"] for r in runs["baseline"])
    best = min(runs["summary"], key=lambda r: r["seconds"])
    typical = median(runs["summary"])
    print(f"sample county at scale {args.scale:g}: {db}  ({db.stat().st_size / 1e6:,.0f} MB)")
    print(f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min) before {load_before[0]:.2f} "
          f"{load_before[1]:.2f} {load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"baseline: read {', '.join(TABLES)} ({runs['baseline'][0]['rows']:,} rows, sqlite3): {base:.2f} s   "
          f"(runs: {times(runs['baseline'])})")
    print(f"report summary --year 2019 (library):  {best['seconds']:.2f} s = {best['seconds'] / base:.2f}× baseline, "
          f"median {typical:.2f} s   (runs: {times(runs['summary'])})")
    print(f"the whole command, start-up included:  {whole:.2f} s (exit {command.returncode})")
    if "error" not in monthly:
        print(f"report monthly --month 2019-11 (info): {monthly['seconds']:.2f} s"
              " (includes rebuilding the ledger as of a month earlier)")
    print(f"counts: {best['schools']} schools {best['schools_by_type']}; students {best['students']}; "
          f"teachers {best['teachers']}; registered poor in county {best['poor_in_county']}, of the county {best['poor_home']}")
    verdicts = {f"year-end workbook, median ≤ {args.limit:g} s": typical <= args.limit,
                "command exits 0": command.returncode == 0}
    if args.scale == 1:
        shaped = {"学前": 11263, "小学": 27450, "初中": 14226, "普通高中": 7570, "中职": 2828, "特殊教育": 69}
        verdicts["168 schools, students by stage as shaped, every run"] = all(
            r["schools"] == 168 and r["students"] == shaped for r in runs["summary"])
    for name, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    results = {"scale": args.scale, "baseline": runs["baseline"], "summary": runs["summary"], "monthly": monthly,
               "command_seconds": whole, "load_before": load_before, "load_after": load_after, "verdicts": verdicts}
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
