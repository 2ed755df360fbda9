"""Build a county-sized ledger for the coverage-check benchmark, with a known number of each finding planted.

    .venv/bin/python bench/gen_ledger.py --students 1000000 --out bench/out/ledger_1000000.db

Schema and standards come from fupin itself (migrations, then the default policy); the rows are written with
sqlite3 executemany, which is what a real import ends with. Two terms (2019春, 2019秋), each student enrolled in both. 30% of students belong to
a family category the 2019 standards pay; each of them is paid once per term at the standard, except for the
planted mistakes in 2019秋. The expected findings of the 2019秋 check are written next to the ledger as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
from pathlib import Path

TERMS = ("2019春", "2019秋")
# stage, share of students, grades; the county's mix (DOMAIN §3), in-county only.
STAGES = (("学前", 0.18, 3), ("小学", 0.43, 6), ("初中", 0.22, 3), ("普通高中", 0.12, 3), ("中职", 0.05, 3))
PLANTS = {"missing": 1000, "duplicate": 500, "amount_mismatch": 500, "not_enrolled": 300, "unknown_student": 100,
          "ineligible": 100}


def standard(stage: str, grade: int, boarding: bool, category: str) -> list[tuple[str, int]]:
    """(program code, 分) under data/policies/default.toml for the categories this generator uses."""
    if stage == "学前":
        return [("preschool", 75000)]
    if stage == "小学":
        return [("boarding_living", 50000)] if boarding else [("nonboarding_living", 25000)]
    if stage == "初中":
        return [("boarding_living", 62500)] if boarding else [("nonboarding_living", 31250)]
    if category != "registered_poor":
        return []
    if stage == "普通高中":
        return [("senior_grant", 150000), ("senior_tuition_waiver", 75500)]
    return ([("vocational_grant", 100000)] if grade <= 2 else []) + [("yulu", 150000), ("vocational_tuition_waiver", 120000)]


def generate(students: int, out: Path, seed: int = 2019) -> dict:
    from jiaoyu_fupin.store.ledger import Ledger

    rng = random.Random(seed)
    out.unlink(missing_ok=True)
    Ledger(out).close()  # schema, migrations and the default standards
    db = sqlite3.connect(out)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")  # a throwaway benchmark file; the product never does this
    programs = dict(db.execute("SELECT code, id FROM programs"))
    schools = []
    for i, (stage, share, _grades) in enumerate(STAGES):
        for j in range(max(1, int(170 * share))):
            schools.append((len(schools) + 1, f"{stage}学校{j + 1:03d}", stage, f"乡镇{(i * 7 + j) % 15 + 1:02d}"))
    db.executemany("INSERT INTO schools (id, name, school_type, township) VALUES (?, ?, ?, ?)", schools)
    by_stage = {stage: [s[0] for s in schools if s[2] == stage] for stage, _, _ in STAGES}

    student_rows, enrolled, paid = [], {t: [] for t in TERMS}, {t: [] for t in TERMS}
    weights = [share for _, share, _ in STAGES]
    for sid in range(1, students + 1):
        stage, _, grades = rng.choices(STAGES, weights)[0]
        grade, boarding = rng.randint(1, grades), rng.random() < 0.4
        category = rng.choices(["registered_poor", "subsistence_allowance", None], [0.22, 0.08, 0.70])[0]
        student_rows.append((sid, f"B{sid:017d}", f"学生{sid}", category))
        school = rng.choice(by_stage[stage])
        for term in TERMS:
            enrolled[term].append((sid, term, school, stage, grade, boarding, "在校", "县内"))
            if category:
                for code, fen in standard(stage, grade, boarding, category):
                    paid[term].append([f"B{sid:017d}", f"学生{sid}", programs[code], term, fen])
    db.executemany("INSERT INTO students (id, id_number, name, family_category) VALUES (?, ?, ?, ?)",
                   student_rows)
    expected = _plant(rng, enrolled["2019秋"], paid["2019秋"], programs)
    for term in TERMS:
        db.executemany("INSERT INTO enrollments (student_id, term, school_id, stage, grade, boarding, status,"
                       " study_place) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", enrolled[term])
        # student_id as the importer links it: by ID number, NULL for an ID no roll holds.
        db.executemany("INSERT INTO payments (payment_key, student_id, id_number, name, program_id, term, amount,"
                       " source_file, source_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(f"{term}-{i}", int(row[0][1:]) if row[0][0] == "B" else None, *row,
                         f"发放_{term}.xlsx", i + 2) for i, row in enumerate(paid[term])])
    db.commit()
    db.close()
    entitled = sum(1 for row in student_rows if row[3])
    facts = {"students": students, "entitled_students": entitled,
             "payments": sum(len(rows) for rows in paid.values()), "expected_2019秋": expected}
    out.with_suffix(".json").write_text(json.dumps(facts, ensure_ascii=False, indent=1), encoding="utf-8")
    return facts


def _plant(rng: random.Random, enrolled: list, paid: list, programs: dict) -> dict:
    """Plant each finding kind on distinct students of 2019秋; returns the counts the check must find.

    Only students paid exactly once are touched, and each at most once, so every plant makes exactly one finding.
    """
    times: dict[str, int] = {}
    for row in paid:
        times[row[0]] = times.get(row[0], 0) + 1
    single = [i for i, row in enumerate(paid) if times[row[0]] == 1]
    taken = iter(rng.sample(single, sum(PLANTS.values())))
    position = {row[0]: i for i, row in enumerate(enrolled)}
    removed, extra = set(), []
    for _ in range(PLANTS["missing"]):
        removed.add(next(taken))
    for _ in range(PLANTS["duplicate"]):
        extra.append(list(paid[next(taken)]))
    for _ in range(PLANTS["amount_mismatch"]):
        paid[next(taken)][4] -= 50  # half a yuan short, the way 312.5 becomes 312
    for _ in range(PLANTS["not_enrolled"]):
        i = position[int(paid[next(taken)][0][1:])]
        enrolled[i] = (*enrolled[i][:6], "辍学", enrolled[i][7])
    for n in range(PLANTS["unknown_student"]):
        row = list(paid[next(taken)])
        extra.append([f"U{n:017d}", row[1], *row[2:]])
    for _ in range(PLANTS["ineligible"]):
        row = paid[next(taken)]
        extra.append([row[0], row[1], programs["guaranteed_college"], row[3], 800000])
    paid[:] = [row for i, row in enumerate(paid) if i not in removed] + extra
    return dict(PLANTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(generate(args.students, args.out), ensure_ascii=False))


if __name__ == "__main__":
    main()
