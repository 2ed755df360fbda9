"""Import benchmark: the whole import of a 1,000,000-row roll against python-calamine reading the same file.

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--small 60000] [--repeat 1]

The targets (from the issue), checked in the same run so that machine load affects both sides alike:
  * first import of N rows into an empty ledger  <= 1.5 x python-calamine reading the file into Python rows;
  * peak memory of an import process              <  1.5 GB (10^9 bytes);
  * re-importing the same, unchanged file         <= the first import;
  * a 60,000-row roll via the real CLI            a few seconds (--small-limit, default 5 s), start-up included.

Every measurement runs in a fresh interpreter (this script re-invoked with --worker), so its peak memory is that
process's own ru_maxrss and no run warms the caches of the next. The parent deliberately imports nothing heavy:
on Linux a child's ru_maxrss starts from the RSS of the process that spawned it, so a fat parent would inflate
every figure. Exit status is 1 when a verdict fails or a measurement errors, 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
MARK = "@@BENCH-RESULT@@ "  # prefixes the worker's one JSON line, so library chatter on stdout cannot confuse it
RATIO_LIMIT = 1.5
MEMORY_LIMIT = 1.5e9  # bytes; "1.5 GB" read in decimal units, the stricter of the two readings
PACKAGES = ["python-calamine", "fastexcel", "pandas", "pyarrow", "numpy", "SQLAlchemy", "jiaoyu_fupin"]


# --- workers: each runs in its own interpreter and prints one MARK line ------------------------------------


def _peak_bytes(who: int = resource.RUSAGE_SELF) -> int:
    return resource.getrusage(who).ru_maxrss * 1024  # Linux reports kilobytes


def _emit(result: dict) -> None:
    print(MARK + json.dumps(result, ensure_ascii=False), flush=True)


def worker_calamine(args) -> dict:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(args.roll)).get_sheet_by_index(0).to_python()
    seconds = time.perf_counter() - t
    if len(rows) != args.rows + 1:
        raise AssertionError(f"calamine read {len(rows)} rows, expected {args.rows} + header")
    return {"seconds": seconds, "peak_bytes": _peak_bytes()}


def worker_fastexcel(args) -> dict:
    # Not a target, only context: the importer's reader is fastexcel (calamine into Arrow), so this shows how
    # much of the import is spent just reading.
    import fastexcel

    t = time.perf_counter()
    table = fastexcel.read_excel(str(args.roll)).load_sheet(0, dtypes="string").to_arrow()
    seconds = time.perf_counter() - t
    if table.num_rows != args.rows:
        raise AssertionError(f"fastexcel read {table.num_rows} rows, expected {args.rows}")
    return {"seconds": seconds, "peak_bytes": _peak_bytes()}


def _import(ledger, path: Path):
    from jiaoyu_fupin.importers.engine import import_files

    t = time.perf_counter()
    result = import_files(ledger, [path])
    return result, time.perf_counter() - t


def _require_ok(result, what: str) -> None:
    if result.ok:
        return
    print(f"IMPORT FAILED ({what}): {len(result.problems)} problem(s); the first 5:", file=sys.stderr)
    for p in result.problems[:5]:
        print(f"  - {p.location() if hasattr(p, 'location') else ''} [{p.code}] {p.message} (value: {p.value}) "
              f"hint: {p.hint}", file=sys.stderr)
    raise AssertionError(f"{what}: import_files returned ok=False with {len(result.problems)} problem(s), "
                         f"first: [{result.problems[0].code}] {result.problems[0].message}")


def worker_first(args) -> dict:
    from jiaoyu_fupin.store.ledger import Ledger

    t = time.perf_counter()
    ledger = Ledger(str(args.db))
    schools, _ = _import(ledger, args.schools)  # untimed: the schools are the roll's precondition, not the target
    _require_ok(schools, f"schools {args.schools.name}")
    setup = time.perf_counter() - t
    result, seconds = _import(ledger, args.roll)
    _require_ok(result, f"first import of {args.roll.name}")
    f = result.files[0]
    if f.new != args.rows:
        raise AssertionError(f"first import: new={f.new}, changed={f.changed}, unchanged={f.unchanged}; "
                             f"expected new={args.rows}")
    ledger.close()
    return {"seconds": seconds, "peak_bytes": _peak_bytes(), "setup_seconds": setup,
            "counts": {"new": f.new, "changed": f.changed, "unchanged": f.unchanged}, "batch_id": f.batch_id}


def worker_again(args) -> dict:
    from jiaoyu_fupin.store.ledger import Ledger

    ledger = Ledger(str(args.db))
    result, seconds = _import(ledger, args.roll)
    _require_ok(result, f"re-import of {args.roll.name}")
    f = result.files[0]
    if f.new != 0 or f.unchanged != args.rows:
        raise AssertionError(f"re-import: new={f.new}, changed={f.changed}, unchanged={f.unchanged}; "
                             f"expected new=0, unchanged={args.rows}")
    ledger.close()
    return {"seconds": seconds, "peak_bytes": _peak_bytes(),
            "counts": {"new": f.new, "changed": f.changed, "unchanged": f.unchanged}, "batch_id": f.batch_id}


def worker_cli(args) -> dict:
    # This process does nothing but wait, so RUSAGE_CHILDREN is the fupin process's own peak.
    command = [str(_fupin()), "--db", str(args.db), "import", str(args.roll)]
    t = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=args.db.parent, env=_clean_env())
    seconds = time.perf_counter() - t
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        raise AssertionError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return {"seconds": seconds, "peak_bytes": _peak_bytes(resource.RUSAGE_CHILDREN), "stdout": done.stdout.strip()}


WORKERS = {"calamine": worker_calamine, "fastexcel": worker_fastexcel, "first": worker_first,
           "again": worker_again, "cli": worker_cli}


def run_worker(args) -> int:
    try:
        result = WORKERS[args.worker](args)
    except BaseException as exc:  # report anything, including a failed assert, as data for the parent
        traceback.print_exc()
        _emit({"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
        return 1
    _emit(result)
    return 0


# --- parent ------------------------------------------------------------------------------------------------


def _fupin() -> Path:
    return Path(sys.executable).parent / "fupin"


def _clean_env() -> dict[str, str]:
    # --db is always given; a stray $FUPIN_DB must not matter, and CI=1 keeps the CLI from drawing progress bars.
    env = {k: v for k, v in os.environ.items() if k != "FUPIN_DB"}
    env["CI"] = "1"
    return env


def spawn(kind: str, *, rows: int, roll: Path, schools: Path | None = None, db: Path | None = None,
          timeout: float) -> dict:
    command = [sys.executable, __file__, "--worker", kind, "--rows", str(rows), "--roll", str(roll)]
    if schools:
        command += ["--schools", str(schools)]
    if db:
        command += ["--db", str(db)]
    cwd = db.parent if db else OUT  # an error workbook, if the importer writes one, lands in bench/out
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=_clean_env())
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s", "traceback": ""}
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if not lines:
        return {"error": f"worker exited {done.returncode} without a result", "traceback": done.stderr[-5000:]}
    result = json.loads(lines[-1][len(MARK):])
    if "error" in result:
        result["stderr"] = done.stderr[-8000:]
    return result


def ensure_files(rows: int) -> tuple[Path, Path]:
    roll, schools = OUT / f"roll_{rows}.xlsx", OUT / f"schools_{rows}.xlsx"
    if not (roll.exists() and schools.exists()):
        print(f"generating {roll.name} and {schools.name} ...", flush=True)
        # A subprocess, not an import: generating 1M rows would leave this parent's RSS (and so every
        # worker's starting ru_maxrss) hundreds of MB high.
        subprocess.run([sys.executable, str(BENCH / "gen_roll.py"), "--rows", str(rows), "--out", str(roll)],
                       check=True)
    return roll, schools


def _cli_setup(db: Path, schools: Path) -> None:
    for args in (["init"], ["import", str(schools)]):
        command = [str(_fupin()), "--db", str(db), *args]
        done = subprocess.run(command, capture_output=True, text=True, cwd=db.parent, env=_clean_env())
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")


def _students_in(db: Path) -> int | None:
    done = subprocess.run([str(_fupin()), "--db", str(db), "status", "--json"], capture_output=True, text=True,
                          env=_clean_env())
    try:
        return int(json.loads(done.stdout)["counts"]["students"])
    except (ValueError, KeyError, TypeError):
        return None


def _typical(samples: list[dict]) -> dict:
    """The median run's time (the lower middle one of an even count), as the other benchmarks here judge, and the
    worst run's memory (memory is the limit)."""
    ok = [s for s in samples if "error" not in s]
    if not ok:
        return samples[-1]
    typical = dict(sorted(ok, key=lambda s: s["seconds"])[(len(ok) - 1) // 2])
    typical["peak_bytes"] = max(s["peak_bytes"] for s in ok)
    typical["samples"] = [round(s["seconds"], 3) for s in ok]
    return typical


def _versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def _fmt(x, spec: str, missing: str = "—") -> str:
    return missing if x is None else format(x, spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Import benchmark (see the module docstring).")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the big roll (default 1,000,000)")
    parser.add_argument("--small", type=int, default=60_000, help="rows of the county roll imported via the CLI")
    parser.add_argument("--small-limit", type=float, default=5.0, help="seconds allowed for the small CLI import")
    parser.add_argument("--repeat", type=int, default=1, help="run the big measurements k times; the median time counts")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a measurement is abandoned")
    parser.add_argument("--keep", action="store_true", help="keep the temporary ledgers under bench/out/")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--roll", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--schools", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return run_worker(args)

    OUT.mkdir(parents=True, exist_ok=True)
    cores = os.cpu_count()
    print(f"machine: {cores} cores (os.cpu_count()), {platform.platform()}, Python {platform.python_version()}")
    # Other work on the machine slows the baseline and the import alike, but not evenly: say how busy it was.
    load_before = os.getloadavg()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)} (1, 5, 15 min)")
    roll, schools = ensure_files(args.rows)
    small_roll, small_schools = ensure_files(args.small)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=OUT))
    n = args.rows
    errors: dict[str, dict] = {}
    samples: dict[str, list[dict]] = {"calamine": [], "fastexcel": [], "first": [], "again": []}

    def measure(key: str, **kw) -> dict:
        print(f"  {key:<9} ...", end=" ", flush=True)
        result = spawn(key, timeout=args.timeout, **kw)
        if "error" in result:
            print(f"ERROR: {result['error']}", flush=True)
            errors.setdefault(key, result)
        else:
            print(f"{result['seconds']:.2f}s, peak {result['peak_bytes'] / 1e6:,.0f} MB", flush=True)
        samples[key].append(result)
        return result

    try:
        for i in range(args.repeat):
            print(f"run {i + 1}/{args.repeat}: {roll.name} ({n:,} rows)", flush=True)
            measure("calamine", rows=n, roll=roll)
            measure("fastexcel", rows=n, roll=roll)
            db = work / f"ledger_{i}.db"
            first = measure("first", rows=n, roll=roll, schools=schools, db=db)
            if "error" not in first:
                measure("again", rows=n, roll=roll, db=db)
            if not args.keep:
                for p in work.glob(f"ledger_{i}.db*"):
                    p.unlink()

        print(f"small: {small_roll.name} ({args.small:,} rows) via {_fupin()} ...", flush=True)
        small_db = work / "small.db"
        try:
            _cli_setup(small_db, small_schools)
            small = spawn("cli", rows=args.small, roll=small_roll, db=small_db, timeout=args.timeout)
        except RuntimeError as exc:
            small = {"error": str(exc), "traceback": ""}
        if "error" in small:
            errors["small"] = small
            print(f"  ERROR: {small['error']}")
        else:
            small["students_in_ledger"] = _students_in(small_db)
            print(f"  {small['seconds']:.2f}s, peak {small['peak_bytes'] / 1e6:,.0f} MB; "
                  f"fupin said: {small['stdout'].splitlines()[-1] if small['stdout'] else ''}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    best = {k: _typical(v) for k, v in samples.items() if v}
    base = best.get("calamine", {}).get("seconds") if "error" not in best.get("calamine", {"error": 1}) else None
    rows_out = [
        ("python-calamine → Python rows (baseline)", "calamine", n),
        ("fastexcel → Arrow, all text (info)", "fastexcel", n),
        ("first import, empty ledger", "first", n),
        ("re-import, all unchanged", "again", n),
    ]
    table = []
    for label, key, count in rows_out:
        r = best.get(key, {"error": "not run"})
        ok = "error" not in r
        table.append({
            "measurement": label, "key": key, "rows": count,
            "seconds": r["seconds"] if ok else None,
            "rows_per_s": count / r["seconds"] if ok and r["seconds"] else None,
            "peak_mb": r["peak_bytes"] / 1e6 if ok else None,
            "ratio": r["seconds"] / base if ok and base else None,
            "error": None if ok else r["error"],
        })
    s_ok = "error" not in small
    table.append({
        "measurement": "small roll via CLI (fupin import, start-up incl.)", "key": "small", "rows": args.small,
        "seconds": small["seconds"] if s_ok else None,
        "rows_per_s": args.small / small["seconds"] if s_ok else None,
        "peak_mb": small["peak_bytes"] / 1e6 if s_ok else None, "ratio": None,
        "error": None if s_ok else small["error"],
    })

    print()
    print(f"{'measurement':<52} {'rows':>9} {'seconds':>8} {'rows/s':>10} {'peak MB':>8} {'× base':>7}")
    for t in table:
        print(f"{t['measurement']:<52} {t['rows']:>9,} {_fmt(t['seconds'], '8.2f'):>8} "
              f"{_fmt(t['rows_per_s'], '10,.0f'):>10} {_fmt(t['peak_mb'], '8,.0f'):>8} {_fmt(t['ratio'], '7.2f'):>7}")

    by = {t["key"]: t for t in table}
    first, again = by["first"], by["again"]
    peaks = [t["peak_mb"] for t in (first, again) if t["peak_mb"] is not None]
    verdicts = {
        "import_vs_baseline": {
            "limit": f"first import ≤ {RATIO_LIMIT} × python-calamine",
            "value": first["ratio"], "pass": first["ratio"] is not None and first["ratio"] <= RATIO_LIMIT},
        "import_peak_memory": {
            "limit": f"peak RSS of each import process < {MEMORY_LIMIT / 1e9} GB",
            "value": max(peaks) if peaks else None,
            "pass": len(peaks) == 2 and max(peaks) * 1e6 < MEMORY_LIMIT},
        "reimport_vs_first": {
            "limit": "re-import seconds ≤ first import seconds",
            "value": (again["seconds"] / first["seconds"]) if again["seconds"] and first["seconds"] else None,
            "pass": again["seconds"] is not None and first["seconds"] is not None
            and again["seconds"] <= first["seconds"]},
        "small_import_seconds": {
            "limit": f"{args.small:,}-row CLI import ≤ {args.small_limit:g} s",
            "value": by["small"]["seconds"],
            "pass": by["small"]["seconds"] is not None and by["small"]["seconds"] <= args.small_limit},
    }
    print()
    shown = {"import_vs_baseline": lambda v: f"{v:.2f}×", "import_peak_memory": lambda v: f"{v:,.0f} MB",
             "reimport_vs_first": lambda v: f"{v:.2f}× first", "small_import_seconds": lambda v: f"{v:.2f} s"}
    for key, v in verdicts.items():
        value = shown[key](v["value"]) if v["value"] is not None else "n/a (measurement failed)"
        print(f"{'PASS' if v['pass'] else 'FAIL'}  {v['limit']:<52} {value}")
    load_after = os.getloadavg()
    print(f"cores: {cores}; load average after: {' '.join(f'{x:.2f}' for x in load_after)} (1, 5, 15 min)")

    for key, e in errors.items():
        print(f"\n--- error in '{key}': {e['error']}")
        print((e.get("stderr") or e.get("traceback") or "").rstrip())

    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpu_count": cores, "platform": platform.platform(),
        "load_average": {"before": load_before, "after": load_after},
        "python": platform.python_version(), "versions": _versions(), "rows": n, "small_rows": args.small,
        "repeat": args.repeat, "files": {"roll": str(roll), "roll_bytes": roll.stat().st_size,
                                         "small_roll": str(small_roll)},
        "measurements": table, "details": {k: {kk: vv for kk, vv in v.items() if kk not in ("traceback", "stderr")}
                                           for k, v in {**best, "small": small}.items()},
        "verdicts": verdicts, "errors": errors,
    }
    (OUT / "results.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {OUT / 'results.json'}")
    return 0 if all(v["pass"] for v in verdicts.values()) and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
