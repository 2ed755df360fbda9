"""The students: who studies where in 2019秋, where they were in 2019春, their family categories and statuses."""

from __future__ import annotations

import math
import random

from jiaoyu_fupin.sample import facts
from jiaoyu_fupin.sample.facts import COUNTY_CODE, FALL, GRADES, SEAT, SPRING, TOWNSHIPS
from jiaoyu_fupin.sample.model import Away, County, Person, Placement, birth_for_age, fall_age, weighted_pick
from jiaoyu_fupin.sample.schools import School, _spread, sub_rng

_TOWNSHIP_NAMES = [t for t, _ in TOWNSHIPS]
_TOWNSHIP_WEIGHTS = [w for _, w in TOWNSHIPS]
_STAGE_POOR_WEIGHT = {"学前": 0.8, "小学": 1.0, "初中": 1.05, "普通高中": 1.0, "中职": 1.4, "特殊教育": 1.2}


def scaled(n: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(n * scale))


def boards(rng: random.Random, school: School, stage: str, grade: int) -> bool:
    """Boarding is for junior schools and the upper grades of township primaries; seat schools mostly day pupils."""
    seat = school.township == SEAT
    if stage == "学前" or school.type == "教学点":
        return False
    p = {"小学": (0.03 if seat else (0.35 if grade >= 4 else 0.08)), "初中": 0.35 if seat else 0.75,
         "普通高中": 0.85, "中职": 0.8, "特殊教育": 0.5}[stage]
    return rng.random() < p


def _home(rng: random.Random, county: County, school: School | None) -> tuple[str, str]:
    """Township and village of a county household: near the school, or anywhere for county-level schools."""
    if school is None or school.stage in ("普通高中", "中职", "特殊教育") or \
            (school.township == SEAT and rng.random() < 0.2):
        township = rng.choices(_TOWNSHIP_NAMES, _TOWNSHIP_WEIGHTS)[0]
    else:
        township = school.township
    return township, rng.choice(county.geography[township])


def _ethnicity(rng: random.Random) -> str:
    return rng.choices([e for e, _ in facts.ETHNICITIES], [w for _, w in facts.ETHNICITIES])[0]


def build_students(county: County) -> None:
    rng = sub_rng(county.seed, "students")
    by_stage: dict[str, list[School]] = {}
    for school in county.schools:
        by_stage.setdefault(school.stage, []).append(school)
    for stage, total in facts.STUDENTS.items():
        schools = by_stage[stage]
        grades = GRADES[stage]
        for g, n_grade in enumerate(_spread(scaled(total, county.scale), [1.0] * len(grades)), 1):
            for school, n in zip(schools, _spread(n_grade, [s.weight for s in schools]), strict=True):
                for _ in range(n):
                    township, village = _home(rng, county, school)
                    p = county.person("男" if rng.random() < 0.52 else "女",
                                      birth_for_age(rng, fall_age(stage, g)), COUNTY_CODE,
                                      township=township, village=village, group=rng.randint(1, 9),
                                      ethnicity=_ethnicity(rng))
                    p.fall = Placement(FALL, stage, g, school, boards(rng, school, stage, g))
                    if stage in ("小学", "初中") and township != SEAT:
                        p.left_behind = rng.random() < 0.25
                    if stage == "特殊教育":
                        p.disability = rng.choice(facts.DISABILITY_TYPES)
                    county.students.append(p)


def _make_other_county(rng: random.Random, p: Person) -> None:
    if rng.random() < 0.75:
        code, name = rng.choice(facts.PREFECTURE_COUNTIES)
        p.region, p.home_county, p.home_prefix = code, name, facts.PROVINCE_PREFECTURE
    else:
        code, prefix, name = rng.choice(facts.OTHER_PROVINCE_COUNTIES)
        p.region, p.home_county, p.home_prefix = code, name, prefix
    p.local = False
    p.township = rng.choice(facts.OTHER_COUNTY_TOWNSHIPS)
    p.village = f"{rng.choice('东南西北中')}{rng.choice('坪岭湾坝溪')}村"
    p.left_behind = False


def assign_categories(county: County) -> None:
    """Registered poor students first (ours and other counties'), then the other hardship categories."""
    rng = sub_rng(county.seed, "categories")
    s = county.scale
    students = county.students
    stage_w = {"学前": 0.6, "小学": 0.8, "初中": 1.0, "普通高中": 3.0, "中职": 3.0, "特殊教育": 0.0}
    weights = [stage_w[p.fall.stage] * (2.0 if p.fall.school.township == SEAT else 1.0) for p in students]
    n_poor_other = scaled(facts.POOR_OTHER_IN_COUNTY, s)
    others = weighted_pick(rng, students, weights, max(scaled(facts.OTHER_COUNTY_STUDENTS, s), n_poor_other))
    for p in others:
        _make_other_county(rng, p)
    poor_w = {"学前": 0.5, "小学": 0.8, "初中": 1.5, "普通高中": 4.0, "中职": 4.0, "特殊教育": 0.0}
    for p in weighted_pick(rng, others, [poor_w[p.fall.stage] for p in others], n_poor_other):
        p.category = "建档立卡"
    local = [p for p in students if p.local]
    weights = [_STAGE_POOR_WEIGHT[p.fall.stage] * (0.5 if p.township == SEAT else 1.0) for p in local]
    for p in weighted_pick(rng, local, weights, scaled(facts.POOR_LOCAL_IN_COUNTY, s)):
        p.category = "建档立卡"
    for category, n in facts.OTHER_CATEGORY_COUNTS.items():
        pool = [p for p in students if not p.category]
        w = [3.0 if (category == "残疾" and p.fall.stage == "特殊教育") else 1.0 for p in pool]
        for p in weighted_pick(rng, pool, w, scaled(n, s)):
            p.category = category
            if category == "残疾" and not p.disability:
                p.disability = rng.choice(facts.DISABILITY_TYPES)
            if category == "孤儿":
                p.orphan = True
    for p in students:  # a few registered poor children are also disabled or orphaned
        if p.category == "建档立卡" and rng.random() < 0.006:
            p.disability = p.disability or rng.choice(facts.DISABILITY_TYPES)
        if p.category == "建档立卡" and rng.random() < 0.003:
            p.orphan = True


def _ensure(rng: random.Random, students: list[Person], pred, n: int) -> None:
    """At tiny scales a stratum a planted case needs may hold no poor student: make some so."""
    have = [p for p in students if pred(p) and p.category == "建档立卡"]
    if len(have) >= n:
        return
    pool = [p for p in students if pred(p) and p.local and not p.category and not p.orphan]
    for p in rng.sample(pool, min(len(pool), n - len(have))):
        p.category = "建档立卡"


def ensure_strata(county: County) -> None:
    rng = sub_rng(county.seed, "strata")
    st = county.students
    junior = [p for p in st if p.fall.stage == "初中"]
    if junior and all(p.fall.boarding for p in junior):
        junior[0].fall.boarding = False
    if junior and not any(p.fall.boarding for p in junior):
        junior[-1].fall.boarding = True
    _ensure(rng, st, lambda p: p.fall.stage == "初中" and not p.fall.boarding, 4)
    _ensure(rng, st, lambda p: p.fall.stage == "初中" and p.fall.boarding, 3)
    _ensure(rng, st, lambda p: p.fall.stage == "中职" and p.fall.grade == 3, 2)
    _ensure(rng, st, lambda p: p.fall.stage in ("小学", "学前"), 12)


def assign_statuses(county: County) -> None:
    """A few students left during 2019秋: one registered poor dropout (paid anyway), the rest without aid."""
    rng = sub_rng(county.seed, "statuses")
    s = county.scale
    st = county.students
    poor_junior = [p for p in st if p.fall.stage == "初中" and p.category == "建档立卡" and p.local
                   and p.fall.grade < 3]
    poor_junior = poor_junior or [p for p in st if p.fall.stage == "初中" and p.category == "建档立卡" and p.local]
    first = rng.choice(poor_junior)
    first.fall.status = "辍学"
    plain = [p for p in st if p.local and not p.category and not p.orphan and not p.disability
             and (p.fall.stage == "初中" or (p.fall.stage == "小学" and p.fall.grade >= 5))]
    rng.shuffle(plain)
    n_drop, n_leave, n_out = scaled(6, s, 2), scaled(5, s), scaled(10, s)
    for p in plain[: n_drop - 1]:
        p.fall.status = "辍学"
    for p in plain[n_drop - 1: n_drop - 1 + n_leave]:
        p.fall.status = "休学"
    for p in plain[n_drop - 1 + n_leave: n_drop - 1 + n_leave + n_out]:
        p.fall.status = "转出"


def build_away(county: County) -> None:
    """Registered poor students of the county studying elsewhere in the prefecture or outside it."""
    rng = sub_rng(county.seed, "away")
    s = county.scale
    plans = (
        ("县外州内", scaled(facts.AWAY_IN_PREFECTURE, s),
         {"普通高中": 0.55, "中职": 0.25, "初中": 0.1, "小学": 0.08, "学前": 0.02}),
        ("州外", scaled(facts.AWAY_OUT_OF_PREFECTURE, s),
         {"中职": 0.35, "小学": 0.25, "初中": 0.18, "普通高中": 0.07, "学前": 0.08, "高职": 0.07}),
    )
    for place, n, mix in plans:
        for _ in range(n):
            stage = rng.choices(list(mix), list(mix.values()))[0]
            grade = rng.randint(1, len(GRADES[stage]))
            township, village = _home(rng, county, None)
            region = COUNTY_CODE
            if place == "县外州内":
                _, city = rng.choice(facts.PREFECTURE_COUNTIES)
                scope, label = "省内", facts.PROVINCE_PREFECTURE
            elif rng.random() < 0.35:
                label, city, _ = rng.choice(facts.IN_PROVINCE_CITIES)
                scope = "省内"
            else:
                label, city, born_code = rng.choice(facts.OUT_OF_PROVINCE_CITIES)
                scope = "省外"
                if rng.random() < 0.15:  # born where the parents work: the ID says so, the household does not
                    region = born_code
            p = county.person(rng.choice("男女"), birth_for_age(rng, fall_age(stage, grade)), region,
                              township=township, village=village, group=rng.randint(1, 9),
                              ethnicity=_ethnicity(rng), category="建档立卡")
            school_name = city + rng.choice(facts.AWAY_SCHOOL_SUFFIX[stage])
            boarding = rng.random() < (0.9 if stage in ("普通高中", "中职", "高职") else 0.5 if stage == "初中" else 0.1)
            p.fall = Placement(FALL, stage, grade, None, boarding, away=Away(school_name, place, scope, label))
            p.fall.class_no = rng.randint(1, 12)
            county.away.append(p)


def _feeder(rng: random.Random, schools: list[School], township: str) -> School:
    near = [s for s in schools if s.township == township] or schools
    return rng.choices(near, [s.weight for s in near])[0]


def build_spring(county: County) -> None:
    """2019春 is the previous school year: one grade lower; 六年级→七年级 and 九年级→高一/中职 change school."""
    rng = sub_rng(county.seed, "spring")
    kinds: dict[str, list[School]] = {}
    for school in county.schools:
        kinds.setdefault(school.stage, []).append(school)
    for p in county.students:
        f = p.fall
        if f.grade > 1:
            p.spring = Placement(SPRING, f.stage, f.grade - 1, f.school, f.boarding)
            continue
        if not p.local:
            continue  # arrived from another county this autumn
        source = {"初中": ("小学", 6, 1.0), "小学": ("学前", 3, 0.85), "普通高中": ("初中", 3, 1.0),
                  "中职": ("初中", 3, 1.0)}.get(f.stage)
        if source and rng.random() < source[2]:
            school = _feeder(rng, kinds[source[0]], p.township)
            p.spring = Placement(SPRING, source[0], source[1], school, boards(rng, school, source[0], source[1]))
    for p in county.away:
        if p.fall.stage in ("普通高中", "中职") and p.fall.grade == 1:
            school = _feeder(rng, kinds["初中"], p.township)
            p.spring = Placement(SPRING, "初中", 3, school, boards(rng, school, "初中", 3))
    _spring_graduates(county, rng, kinds)


def _spring_graduates(county: County, rng: random.Random, kinds: dict[str, list[School]]) -> None:
    """Leavers of 2019春 (高三, 中职三年级, 九年级 not going on here): on the spring roll only."""
    in_spring: dict[tuple[School, int], int] = {}
    for p in county.students + county.away:
        if p.spring:
            in_spring[(p.spring.school, p.spring.grade)] = in_spring.get((p.spring.school, p.spring.grade), 0) + 1
    fall_size: dict[tuple[School, int], int] = {}
    poor: dict[str, list[int]] = {}
    for p in county.students:
        fall_size[(p.fall.school, p.fall.grade)] = fall_size.get((p.fall.school, p.fall.grade), 0) + 1
        if p.local:
            poor.setdefault(p.fall.stage, [0, 0])[p.category == "建档立卡"] += 1
    for stage, top in (("普通高中", 3), ("中职", 3), ("初中", 3)):
        rate = poor[stage][1] / max(1, sum(poor[stage])) if stage != "初中" else 0.0
        for school in kinds[stage]:
            missing = fall_size.get((school, top), 0) - in_spring.get((school, top), 0)
            for _ in range(max(0, missing)):
                township, village = _home(rng, county, school)
                # Aged as the autumn's top grade a year on: 九年级 leavers are 15, 高三 and 中职 leavers 18.
                p = county.person(rng.choice("男女"), birth_for_age(rng, fall_age(stage, top) + 1), COUNTY_CODE,
                                  township=township, village=village, group=rng.randint(1, 9),
                                  ethnicity=_ethnicity(rng), category="建档立卡" if rng.random() < rate else "")
                p.spring = Placement(SPRING, stage, top, school, boards(rng, school, stage, top))
                county.graduates.append(p)


def assign_classes(county: County) -> None:
    """Classes of even size inside each school, grade and term, in a stable order."""
    groups: dict[tuple[str, School, int], list[Placement]] = {}
    for p in county.students + county.away + county.graduates:
        for pl in (p.fall, p.spring):
            if pl is not None and pl.school is not None:
                groups.setdefault((pl.term, pl.school, pl.grade), []).append(pl)
    for (_, school, _), members in groups.items():
        n_classes = math.ceil(len(members) / facts.CLASS_SIZE[school.stage])
        for i, pl in enumerate(members):
            pl.class_no = i * n_classes // len(members) + 1
