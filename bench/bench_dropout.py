"""Out-of-school scan benchmark: 2,000,000 household-registry children against 1,000,000 enrolled students.

    .venv/bin/python bench/bench_dropout.py [--children 2000000] [--students 1000000] [--limit 5] [--keep]

The target (issue 5): `fupin dropout scan` over that ledger in at most 5 s. Measured is the scan itself (library
call inside its write transaction, new cases written and the open cases described), not interpreter start-up.

The ledger is written here with sqlite3 executemany (schema from fupin's own migrations), shaped like a county:
the students are aged 6-15 on 31 August 2019 and on the 2019秋 roll (a few 辍学 and 休学), 2% of the compulsory-age
children study outside the county, 2,000 are on no roll (the cases the scan must find), and the rest of the
population list is aged 0-5 or 16-17. A poverty registry of 300,000 people (a third of them children of the list)
is checked too. The scan runs twice: the first opens the cases, the second (repeat run) must open none.
Exit status 1 when the time limit or the expected counts are missed.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK = np.array(list("10X98765432"))
OUT_OF_SCHOOL = 2000


def id_numbers(births: np.ndarray, first_seq: int) -> np.ndarray:
    """Valid 18-character IDs of region 422822 for datetime64[D] births; sequence numbers unique per birth date."""
    days = births.astype("datetime64[D]")
    text = np.datetime_as_string(days).astype("U10")
    ymd = np.char.replace(text, "-", "")
    order = np.argsort(days, kind="stable")
    seq = np.empty(len(days), dtype=np.int64)
    sorted_days = days[order]
    starts = np.r_[0, np.flatnonzero(sorted_days[1:] != sorted_days[:-1]) + 1]
    counts = np.diff(np.r_[starts, len(days)])
    seq[order] = np.arange(len(days)) - np.repeat(starts, counts) + first_seq
    if seq.max() > 999:
        raise ValueError("too many children born on one day for 3-digit sequence numbers")
    body = np.char.add(np.char.add("422822", ymd), np.char.zfill(seq.astype("U3"), 3))
    digits = np.frombuffer(body.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17).astype(np.int64) - 48
    return np.char.add(body, CHECK[(digits @ WEIGHTS) % 11])


def births(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """Birth dates of children aged low..high on 31 August 2019."""
    first = np.datetime64(f"{2019 - high - 1}-09-01")
    span = (np.datetime64(f"{2019 - low}-08-31") - first).astype(int) + 1
    return first + rng.integers(0, span, n)


def build(path: Path, children: int, students: int, seed: int = 2019) -> dict:
    from jiaoyu_fupin.store.ledger import Ledger

    rng = np.random.default_rng(seed)
    Ledger(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")  # a throwaway benchmark file; the product never does this
    away = students // 50
    in_school = births(rng, students + away + OUT_OF_SCHOOL, 6, 15)
    others = np.r_[births(rng, (children - len(in_school)) * 2 // 3, 0, 5),
                   births(rng, children - len(in_school) - (children - len(in_school)) * 2 // 3, 16, 17)]
    ids = np.r_[id_numbers(in_school, 1), id_numbers(others, 1)]  # the two birth ranges never overlap
    born = np.r_[np.datetime_as_string(in_school), np.datetime_as_string(others)]
    if len(set(ids.tolist())) != len(ids):
        raise AssertionError("duplicate ID numbers generated")
    db.executemany("INSERT INTO schools (id, name, school_type, township) VALUES (?, ?, ?, ?)",
                   [(i, f"第{i}学校", "小学" if i % 3 else "初中", f"乡镇{i % 20}") for i in range(1, 1001)])
    status = rng.choice(np.array(["在校", "辍学", "休学"]), students, p=[0.9990, 0.0005, 0.0005])
    db.executemany("INSERT INTO students (id, id_number, name, birth_date) VALUES (?, ?, ?, ?)",
                   ((i + 1, ids[i], "学生", born[i]) for i in range(students + away)))
    db.executemany(
        "INSERT INTO enrollments (student_id, term, school_id, stage, grade, status, study_place) VALUES (?, '2019秋', ?, ?, 1, ?, ?)",
        ((i + 1, (i % 1000) + 1 if i < students else None, "小学", status[i] if i < students else "在校",
          "县内" if i < students else "县外州内") for i in range(students + away)))
    db.executemany("INSERT INTO population (id_number, name, birth_date, township) VALUES (?, '儿童', ?, ?)",
                   ((ids[i], born[i], f"乡镇{i % 20}") for i in range(children)))
    db.execute("INSERT INTO households (household_code) VALUES ('H1')")
    poor = rng.choice(children, 100_000, replace=False)
    adults = id_numbers(births(rng, 200_000, 20, 60), 1)
    db.executemany("INSERT INTO registry_people (id_number, name, household_code) VALUES (?, '人员', 'H1')",
                   [(ids[i],) for i in poor] + [(a,) for a in adults])
    db.commit()
    db.close()
    return {"suspects": OUT_OF_SCHOOL, "roll_dropouts": int((status == "辍学").sum())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2_000_000)
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--limit", type=float, default=5.0, help="seconds allowed for one scan")
    parser.add_argument("--keep", action="store_true", help="keep the ledger in bench/out/")
    args = parser.parse_args()
    (Path(__file__).parent / "out").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="dropout-", dir=Path(__file__).parent / "out"))
    path = folder / "ledger.db"
    t = time.perf_counter()
    expected = build(path, args.children, args.students)
    print(f"ledger built in {time.perf_counter() - t:.1f} s: {args.children:,} children, {args.students:,} students")

    from jiaoyu_fupin.checks.dropout import scan
    from jiaoyu_fupin.core.terms import Term
    from jiaoyu_fupin.store.ledger import Ledger

    ledger = Ledger(path)
    ok = True
    for run in ("first", "repeat"):
        t, cpu = time.perf_counter(), time.process_time()
        with ledger.transaction() as conn:
            result = scan(conn, Term.parse("2019秋"), today=date(2019, 10, 8))
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        new = len(result.new_cases)
        want = expected["suspects"] + expected["roll_dropouts"] if run == "first" else 0
        good = seconds <= args.limit and len(result.suspects) == expected["suspects"] and new == want
        ok &= good
        print(f"{run} scan: {seconds:.2f} s wall, {cpu:.2f} s CPU (limit {args.limit:g} s); children {result.children:,}, on roll "
              f"{result.on_roll:,}, away {result.away:,}, suspects {len(result.suspects):,}, roll 辍学 "
              f"{len(result.roll_dropouts):,}, new cases {new:,} (expected {want:,}) -> {'ok' if good else 'FAILED'}")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    ledger.close()
    if not args.keep:
        shutil.rmtree(folder)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
