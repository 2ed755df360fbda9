"""Teachers (帮扶责任人) and their pairings with registered poor students, with the planted gaps."""

from __future__ import annotations

import math
from datetime import date, timedelta

from jiaoyu_fupin.sample import facts, names
from jiaoyu_fupin.sample.facts import COUNTY_CODE
from jiaoyu_fupin.sample.model import County, Pairing, Person, Teacher, birth_for_age
from jiaoyu_fupin.sample.schools import School, sub_rng

MAX_PER_TEACHER = 5  # the county's rule: one teacher answers for at most five students


def _to_pair(county: County) -> list[Person]:
    # Registered poor students on the autumn roll; one who transferred out no longer has a teacher here.
    return [p for p in county.students if p.category == "建档立卡" and p.fall.status != "转出"]


def _teacher_counts(county: County, poor: list[Person]) -> dict[School, int]:
    """Teachers per school by its size, never fewer than its poor students need at five each."""
    target = max(1, round(facts.TEACHERS * county.scale))
    size: dict[School, int] = {s: 0 for s in county.schools}
    need: dict[School, int] = {s: 0 for s in county.schools}
    for p in county.students:
        size[p.fall.school] += 1
    for p in poor:
        need[p.fall.school] += 1
    total = sum(size.values())

    def counts(f: float) -> dict[School, int]:
        return {s: max(1, math.ceil(need[s] / MAX_PER_TEACHER), round(size[s] * target / total * f))
                for s in county.schools}

    low, high = 0.0, 2.0
    for _ in range(40):  # the scale factor whose counts add up to the county's total
        mid = (low + high) / 2
        if sum(counts(mid).values()) > target:
            high = mid
        else:
            low = mid
    return counts(low)


def build_teachers(county: County) -> None:
    rng = sub_rng(county.seed, "teachers")
    poor = _to_pair(county)
    classes: dict[School, set[tuple[int, int]]] = {s: set() for s in county.schools}
    for p in county.students:
        classes[p.fall.school].add((p.fall.grade, p.fall.class_no))
    for school, n in _teacher_counts(county, poor).items():
        leaders = 1 if n < 8 else 2 if n < 30 else 3
        heads = min(len(classes[school]), n - leaders)
        female_share = 0.9 if school.stage == "学前" else 0.65 if school.stage == "小学" else 0.5
        for i in range(n):
            role = "校领导" if i < leaders else "班主任" if i < leaders + heads else "教师"
            sex = "女" if rng.random() < female_share else "男"
            region = COUNTY_CODE if rng.random() < 0.85 else rng.choice(facts.PREFECTURE_COUNTIES)[0]
            age = rng.randint(35, 56) if role == "校领导" else rng.randint(22, 58)
            birth = birth_for_age(rng, age)
            t = Teacher(names.full_name(rng, sex), sex, birth, region, school, role, names.phone(rng))
            t.id_number = county.ids.new(region, birth, sex)
            county.teachers.append(t)


def _start(rng, p: Person) -> date:
    """Pairings begin when the student arrives at the school: this autumn, last spring, or the autumn before."""
    if p.spring is None or p.spring.school is not p.fall.school:
        return date(2019, 9, 9) + timedelta(days=rng.randrange(12))
    if p.fall.grade >= 3:
        return date(2018, 9, 10) + timedelta(days=rng.randrange(12))
    return date(2019, 3, 4) + timedelta(days=rng.randrange(12))


def build_pairings(county: County) -> None:
    rng = sub_rng(county.seed, "pairings")
    poor = _to_pair(county)
    free = [p for p in poor if not p.tags and p.fall.status == "在校"]
    unpaired = rng.sample(free, min(len(free), max(1, round(10 * county.scale))))
    for p in unpaired:
        p.tags.append("unpaired")
        county.plant("unpaired", "未结对：建档立卡学生没有帮扶责任人",
                     {"id_number": p.id_number, "name": p.name, "school": p.fall.school.name,
                      "grade": p.fall.grade_label, "detail": "在县内就读的建档立卡学生，结对名单中没有"})
    staff: dict[School, list[Teacher]] = {s: [] for s in county.schools}
    for t in county.teachers:
        staff[t.school].append(t)
    by_school: dict[School, list[Person]] = {s: [] for s in county.schools}
    for p in poor:
        if "unpaired" not in p.tags:
            by_school[p.fall.school].append(p)
    for school, students in by_school.items():
        students.sort(key=lambda p: (p.fall.grade, p.fall.class_no, p.seq))
        teachers = sorted(staff[school], key=lambda t: ("班主任", "教师", "校领导").index(t.role))
        per = math.ceil(len(students) / len(teachers)) if students else 0
        for i, p in enumerate(students):
            t = teachers[i // per]
            t.students.append(p)
            county.pairings.append(Pairing(t, p, _start(rng, p)))
    _plant_moved_teachers(county, rng)


def _plant_moved_teachers(county: County, rng) -> None:
    """Pairings whose teacher now works at another school than the student's (transferred, pairing never redone)."""
    candidates = [pr for pr in county.pairings if not pr.student.tags and pr.student.fall.status == "在校"]
    for pr in rng.sample(candidates, min(len(candidates), max(1, round(3 * county.scale)))):
        school = pr.student.fall.school
        elsewhere = [t for t in county.teachers if t.school is not school and len(t.students) < MAX_PER_TEACHER]
        near = [t for t in elsewhere if t.school.township == school.township and t.school.stage == school.stage]
        if not elsewhere:
            continue
        teacher = rng.choice(near or elsewhere)
        pr.teacher.students.remove(pr.student)
        pr.teacher = teacher
        teacher.students.append(pr.student)
        pr.student.tags.append("pairing_school_mismatch")
        county.plant("pairing_school_mismatch", "责任人不在本校：帮扶责任人的工作单位与学生就读学校不同",
                     {"id_number": pr.student.id_number, "name": pr.student.name, "school": school.name,
                      "helper_id_number": teacher.id_number, "helper_name": teacher.name,
                      "helper_school": teacher.school.name,
                      "detail": f"学生在{school.name}就读，帮扶责任人{teacher.name}在{teacher.school.name}工作"})
