"""PostgreSQL against SQLite on a prefecture: the rolls of 10 counties (1,000,000 students) imported into each in the
same run, then the coverage check (subsidy check) on each, then the 10 files from 10 processes at once.

    .venv/bin/python bench/bench_postgres.py                       # 1,000,000 students, 10 counties
    .venv/bin/python bench/bench_postgres.py --students 50000      # a quick shake-out

Targets: PostgreSQL's import within 1.5× SQLite's, its check within 2× SQLite's. Every step is the `fupin` command
a clerk runs, in its own process (start-up included). The PostgreSQL server is a throwaway one started here
(the tests' own, tests/helpers/pgserver.py: initdb into a temporary folder, Unix socket only) with the settings the
README gives a prefecture's server, durable ones included (fsync, synchronous_commit, full_page_writes on: a
committed import survives a crash), on the same two cores as everything else: the settings and the load average
are printed. The imports run as a clerk's role, not a superuser, granted what the README's setup grants it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from gen_prefecture import generate  # noqa: E402
from helpers.pgserver import Server  # noqa: E402

FUPIN = Path(sys.executable).with_name("fupin")
CLERK = "clerk"
# The README's settings for a prefecture's server (its 服务器设置 table says why each), and durability as shipped.
PREFECTURE_SERVER = {"shared_buffers": "1GB", "max_wal_size": "4GB", "checkpoint_timeout": "15min",
                     "wal_compression": "lz4", "fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def fupin(db: str, *args, check=(0,)) -> float:
    start = time.perf_counter()
    result = subprocess.run([str(FUPIN), "--db", db, *map(str, args)], capture_output=True, text=True)
    took = time.perf_counter() - start
    if result.returncode not in check:
        raise SystemExit(f"fupin {' '.join(map(str, args))[:200]} exited {result.returncode}:\n"
                         f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return took


def at_once(db: str, files: list[Path]) -> tuple[float, list[str]]:
    """Seconds until the last of the processes ended, and the files whose import failed (with the reason)."""
    start = time.perf_counter()
    running = [subprocess.Popen([str(FUPIN), "--db", db, "import", str(f)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for f in files]
    failed = []
    for process, path in zip(running, files, strict=True):
        out, err = process.communicate()
        if process.returncode:
            reason = "database is locked" if "database is locked" in out + err else (out + err).strip()[-300:]
            failed.append(f"{path.name}: exit {process.returncode} ({reason})")
    return time.perf_counter() - start, failed


def count(db: str, table: str) -> int:
    result = subprocess.run([str(FUPIN), "--db", db, "status", "--json"], capture_output=True, text=True)
    return json.loads(result.stdout)["counts"][table]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu(server: Server) -> float:
    """CPU seconds the PostgreSQL server's processes have used so far: the postmaster, the backends that have ended
    (counted in its children's time) and those still running (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(pid) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    postmaster = (server.data / "postmaster.pid").read_text().split()[0]
    fields = stat(postmaster)
    total = sum(int(fields[i]) for i in (11, 12, 13, 14))
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = stat(pid)
        except OSError:  # ended meanwhile
            continue
        if fields[1] == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def measure(name: str, db: str, files: dict[str, list[Path]], server: Server | None = None) -> dict[str, float]:
    """Wall seconds of the import and the check, and the import's CPU seconds (fupin's, plus the server's): with
    other work on the machine the wall time follows the neighbours' load, the CPU time does not."""
    fupin(db, "init")
    fupin(db, "import", *files["schools"])
    cpu = _children_cpu(), server_cpu(server) if server else 0.0
    figures = {"import": fupin(db, "import", *files["rolls"])}
    figures["import_cpu"] = _children_cpu() - cpu[0] + (server_cpu(server) - cpu[1] if server else 0.0)
    fupin(db, "import", *files["payments"])
    figures["check"] = fupin(db, "subsidy", "check", "--term", "2019秋", "--json", check=(0, 1))
    figures["students"] = count(db, "students")
    print(f"  {name:10s} import {figures['import']:7.1f} s ({figures['import_cpu']:5.1f} s CPU{' with the server' if server else ''})"
          f"   check {figures['check']:6.1f} s   ({figures['students']:,} students)"
          f"   load {os.getloadavg()[0]:.1f}", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite ledgers in bench/out/")
    args = parser.parse_args(argv)

    data = HERE / "out" / f"prefecture_{args.students}_{args.counties}"
    if not (data / "学校名单.csv").exists():
        print(f"generating {args.students:,} students in {args.counties} counties …", flush=True)
        generate(args.students, args.counties, data)
    files = {"schools": [data / "学校名单.csv"], "rolls": sorted(data.glob("学籍_*.csv")),
             "payments": sorted(data.glob("资助发放_*.csv"))}
    work = Path(tempfile.mkdtemp(prefix="pg-bench-", dir=HERE / "out"))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  ({os.cpu_count()} cores)")
    server = Server(PREFECTURE_SERVER)
    server.start()
    print("PostgreSQL server: " + ", ".join(f"{name}={value}" for name, value in PREFECTURE_SERVER.items()))
    try:
        server.admin(f"CREATE ROLE {CLERK} LOGIN")
        server.admin(f"GRANT SET ON PARAMETER session_replication_role TO {CLERK}")
        print(f"imports run as role {CLERK} (no superuser), granted SET on session_replication_role as the README says")
        server.admin(f"CREATE DATABASE serial OWNER {CLERK}")
        server.admin(f"CREATE DATABASE parallel OWNER {CLERK}")
        print(f"one command, {len(files['rolls'])} files:")
        sqlite = measure("SQLite", str(work / "prefecture.db"), files)
        postgres = measure("PostgreSQL", server.url("serial", CLERK), files, server)
        print(f"{len(files['rolls'])} processes at once, one file each:")
        together, failures = {}, {}
        for name, db in (("PostgreSQL", server.url("parallel", CLERK)), ("SQLite", str(work / "parallel.db"))):
            fupin(db, "init")
            fupin(db, "import", *files["schools"])
            together[name], failures[name] = at_once(db, files["rolls"])
            students = count(db, "students")
            expected = sqlite["students"] * (len(files["rolls"]) - len(failures[name])) // len(files["rolls"])
            print(f"  {name:10s} {together[name]:7.1f} s   {students:,} students"
                  f" ({len(files['rolls']) - len(failures[name])} of {len(files['rolls'])} imports succeeded"
                  f"{', none lost or doubled' if students == expected else f', {expected:,} EXPECTED'})", flush=True)
            for failure in failures[name]:
                print(f"    {failure}")
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    import_ratio, check_ratio = postgres["import"] / sqlite["import"], postgres["check"] / sqlite["check"]
    cpu_ratio = postgres["import_cpu"] / sqlite["import_cpu"]
    print(f"PostgreSQL / SQLite: import {import_ratio:.2f}× (target ≤ 1.5×: {'met' if import_ratio <= 1.5 else 'NOT met'}),"
          f" check {check_ratio:.2f}× (target ≤ 2×: {'met' if check_ratio <= 2 else 'NOT met'}),"
          f" at once {together['PostgreSQL'] / together['SQLite']:.2f}×; import's CPU time {cpu_ratio:.2f}×")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = {"students": args.students, "counties": args.counties, "sqlite": sqlite, "postgres": postgres,
               "at_once": together, "at_once_failures": failures, "import_ratio": import_ratio,
               "check_ratio": check_ratio, "import_cpu_ratio": cpu_ratio, "server_settings": PREFECTURE_SERVER}
    (HERE / "out" / "postgres_results.json").write_text(json.dumps(results, indent=2))
    return 0 if import_ratio <= 1.5 and check_ratio <= 2 and not failures["PostgreSQL"] else 1


if __name__ == "__main__":
    sys.exit(main())
