"""Generate a prefecture's files for the PostgreSQL benchmark: one schools list, and per county a roll (学籍) and a
payments roster (资助发放名册), as CSV (UTF-8).

    python bench/gen_prefecture.py --students 1000000 --counties 10 --out bench/out/prefecture_1000000

Stands alone (no project code, not the project's sample generator). Each county has its own region code and 100
schools; its students carry distinct GB 11643 ID numbers of that region, a birth date matching the grade, and a
family category for about one in five. Payments go to four in five of the compulsory-school students with a
category, at the standard amount (1 in 50 at a wrong one), so the coverage check has real work and real findings.
Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

TERM = "2019秋"
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK = np.array(list("10X98765432"))
# stage, school type, grades, age of the first grade on 31 Aug 2019, schools per county, share of students
STAGES = [
    ("小学", "小学", ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"], 6, 60, 0.55),
    ("初中", "初中", ["七年级", "八年级", "九年级"], 12, 25, 0.30),
    ("普通高中", "普通高中", ["高一", "高二", "高三"], 15, 15, 0.15),
]
CATEGORIES = ["建档立卡", "低保", "特困供养"]
# (program, stage, boarding) -> amount: the default standards of 2019
AMOUNTS = {("义务教育寄宿生生活补助", "小学"): "500", ("义务教育寄宿生生活补助", "初中"): "625",
           ("义务教育非寄宿生生活补助", "小学"): "250", ("义务教育非寄宿生生活补助", "初中"): "312.5"}
COUNTIES = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑"]
ROLL_HEADER = ["姓名", "性别", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态",
               "家庭经济困难类别", "学期"]
PAY_HEADER = ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]


def school_names(county: int) -> list[tuple[str, str]]:
    """(name, stage) of the county's schools."""
    out = []
    for stage, kind, _, _, count, _ in STAGES:
        out += [(f"{COUNTIES[county]}县第{i + 1}{kind}", stage) for i in range(count)]
    return out


def id_numbers(region: int, birth: list[date], seq: np.ndarray) -> list[str]:
    bodies = [f"{region}{b:%Y%m%d}{s:03d}" for b, s in zip(birth, seq, strict=True)]
    digits = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(len(bodies), 17) - 48
    checks = CHECK[(digits.astype(np.int64) @ WEIGHTS) % 11]
    return [b + c for b, c in zip(bodies, checks, strict=True)]


def county_files(county: int, students: int, out: Path, rng: np.random.Generator) -> tuple[Path, Path]:
    region = 422801 + county
    schools = school_names(county)
    by_stage = {stage: [n for n, s in schools if s == stage] for stage, *_ in STAGES}
    stage_of = rng.choice(len(STAGES), size=students, p=[s[5] for s in STAGES])
    roll, pay = out / f"学籍_{COUNTIES[county]}县.csv", out / f"资助发放_{COUNTIES[county]}县.csv"
    # Distinct IDs: each birth day of the county numbers its children 1, 2, 3 …
    seen: dict[date, int] = {}
    rows, births, seqs = [], [], []
    for i in range(students):
        stage, _, grades, first_age, _, _ = STAGES[stage_of[i]]
        g = int(rng.integers(len(grades)))
        birth = date(2019 - first_age - g, 1, 1) + timedelta(days=int(rng.integers(365)))
        seqs.append(seen.get(birth, 0) + 1)
        seen[birth] = seqs[-1]
        births.append(birth)
        rows.append((stage, grades[g], by_stage[stage][int(rng.integers(len(by_stage[stage])))]))
    ids = id_numbers(region, births, np.array(seqs))
    boarding = rng.random(students) < 0.4
    category = np.where(rng.random(students) < 0.2, rng.integers(len(CATEGORIES), size=students), -1)
    paid = rng.random(students) < 0.8
    wrong = rng.random(students) < 0.02
    with open(roll, "w", encoding="utf-8", newline="") as r, open(pay, "w", encoding="utf-8", newline="") as p:
        roll_out, pay_out = csv.writer(r), csv.writer(p)
        roll_out.writerow(ROLL_HEADER)
        pay_out.writerow(PAY_HEADER)
        for i, (stage, grade, school) in enumerate(rows):
            name = f"{COUNTIES[county]}生{i}"
            sex = "男" if int(ids[i][16]) % 2 else "女"
            kind = CATEGORIES[category[i]] if category[i] >= 0 else ""
            roll_out.writerow([name, sex, ids[i], school, stage, grade, f"{i % 8 + 1}班",
                               "住校" if boarding[i] else "走读", "在校", kind, TERM])
            if kind and stage in ("小学", "初中") and paid[i]:
                program = "义务教育寄宿生生活补助" if boarding[i] else "义务教育非寄宿生生活补助"
                amount = "100" if wrong[i] else AMOUNTS[(program, stage)]
                pay_out.writerow([school, name, ids[i], program, amount, TERM, "2019-11-05"])
    return roll, pay


def generate(students: int, counties: int, out: Path, seed: int = 20191105) -> dict[str, list[Path]]:
    out.mkdir(parents=True, exist_ok=True)
    schools = out / "学校名单.csv"
    with open(schools, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["学校标识码", "学校名称", "学校类型", "所在乡镇", "办别"])
        for c in range(counties):
            for k, (name, stage) in enumerate(school_names(c)):
                w.writerow([f"34{c:02d}{k:06d}", name, stage, f"{COUNTIES[c]}县城关镇", "公办"])
    rng = np.random.default_rng(seed)
    per = students // counties
    files = [county_files(c, per + (1 if c < students % counties else 0), out, rng) for c in range(counties)]
    return {"schools": [schools], "rolls": [r for r, _ in files], "payments": [p for _, p in files]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20191105)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    generate(args.students, args.counties, args.out, args.seed)
    print(f"{args.students:,} students in {args.counties} counties → {args.out} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
