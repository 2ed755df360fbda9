"""The sample county in memory: people, their placements per term, households, teachers and pairings."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from jiaoyu_fupin.sample.facts import AGE_DAY, COUNTY, ENTRY_AGE, GRADES, PROVINCE_PREFECTURE
from jiaoyu_fupin.sample.ids import IdAllocator
from jiaoyu_fupin.sample.schools import School


@dataclass(eq=False)
class Away:
    """Where a registered poor student of the county studies outside it."""

    school_name: str
    place: str  # 就读地: 县外州内 / 州外
    scope: str  # 省内 / 省外
    region_label: str  # 就读地区, e.g. 广东省东莞市


@dataclass(eq=False)
class Placement:
    term: str
    stage: str
    grade: int  # 1-based within the stage: 七年级 is 初中 1
    school: School | None = None  # None when the student studies outside the county
    boarding: bool = False
    status: str = "在校"
    class_no: int = 1
    away: Away | None = None

    @property
    def grade_label(self) -> str:
        return GRADES[self.stage][self.grade - 1]

    @property
    def school_name(self) -> str:
        return self.school.name if self.school else (self.away.school_name if self.away else "")

    @property
    def entry_month(self) -> str:
        """入学年月: September of the year the student entered this stage."""
        first_year = int(self.term[:4]) - (1 if self.term.endswith("春") else 0)
        return f"{first_year - (self.grade - 1)}-09"


@dataclass(eq=False)
class Person:
    seq: int
    sex: str
    birth: date
    region: str  # the region code printed in the ID number (not always the household's county)
    local: bool = True  # household registered in the county
    home_county: str = COUNTY  # county of the household registration, as 户口所在地 writes it
    home_prefix: str = PROVINCE_PREFECTURE
    township: str = ""
    village: str = ""
    group: int = 1  # 社、组
    ethnicity: str = "汉族"
    name: str = ""
    id_number: str = ""
    category: str = ""  # 家庭经济困难类别
    disability: str = ""
    orphan: bool = False
    left_behind: bool = False
    household: Household | None = None
    relation: str = ""
    fall: Placement | None = None
    spring: Placement | None = None
    registry: dict[str, object] = field(default_factory=dict)  # registry columns other than the keys
    tags: list[str] = field(default_factory=list)  # planted cases this person stands for

    @property
    def age(self) -> int:
        return age_on(self.birth, AGE_DAY)

    @property
    def address(self) -> str:
        return f"{self.home_prefix}{self.home_county}{self.township}{self.village}"


@dataclass(eq=False)
class Household:
    code: str
    county: str  # 市区旗
    township: str
    village: str
    group: int
    surname: str
    members: list[Person] = field(default_factory=list)
    attrs: dict[str, object] = field(default_factory=dict)  # household-wide registry columns

    @property
    def head(self) -> Person:
        return self.members[0]


@dataclass(eq=False)
class Teacher:
    name: str
    sex: str
    birth: date
    region: str
    school: School | None  # None for the bureau's leaders
    role: str  # 教师 / 班主任 / 校领导 / 局领导 / 股室负责人
    phone: str
    id_number: str = ""
    students: list[Person] = field(default_factory=list)


@dataclass(eq=False)
class Pairing:
    teacher: Teacher
    student: Person
    start: date
    end: date | None = None


@dataclass(eq=False)
class County:
    seed: int
    scale: float
    geography: dict[str, list[str]]
    schools: list[School]
    students: list[Person] = field(default_factory=list)  # on the 2019秋 roll
    away: list[Person] = field(default_factory=list)  # registered poor students studying outside the county
    graduates: list[Person] = field(default_factory=list)  # on the 2019春 roll only
    households: list[Household] = field(default_factory=list)
    idle_children: list[Person] = field(default_factory=list)  # county children aged 3-17 in no school
    teachers: list[Teacher] = field(default_factory=list)
    pairings: list[Pairing] = field(default_factory=list)
    leaders: list[Teacher] = field(default_factory=list)  # bureau leaders and department heads (包保)
    activities: list = field(default_factory=list)  # the 六个一 log: sample.pairing_records.Activity
    oversight: list = field(default_factory=list)  # the oversight chain: sample.pairing_records.Link
    planted: dict[str, dict] = field(default_factory=dict)
    ids: IdAllocator | None = None
    next_seq: int = 0

    def person(self, sex: str, birth: date, region: str, **kw) -> Person:
        self.next_seq += 1
        return Person(self.next_seq, sex, birth, region, **kw)

    def plant(self, kind: str, description: str, case: dict) -> None:
        self.planted.setdefault(kind, {"description": description, "cases": []})["cases"].append(case)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_for_age(rng: random.Random, age: int) -> date:
    """A birth date making the person exactly `age` on 31 August 2019."""
    first = date(AGE_DAY.year - age - 1, 9, 1)
    return first + timedelta(days=rng.randrange(365))


def fall_age(stage: str, grade: int) -> int:
    return ENTRY_AGE[stage] + grade - 1


def weighted_pick(rng: random.Random, items: list, weights: list[float], n: int) -> list:
    """n distinct items, heavier ones likelier (Efraimidis-Spirakis keys); keeps the input order of the winners."""
    if n >= len(items):
        return list(items)
    keys = [(rng.random() ** (1.0 / w) if w > 0 else -1.0, i) for i, w in enumerate(weights)]
    keys.sort(reverse=True)
    picked = sorted(i for _, i in keys[:n])
    return [items[i] for i in picked]
