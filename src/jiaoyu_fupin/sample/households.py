"""Registered poor households (the poverty registry), children in no school, and everyone's name and ID number."""

from __future__ import annotations

import random

from jiaoyu_fupin.sample import facts, names
from jiaoyu_fupin.sample.facts import COUNTY, COUNTY_CODE, REGISTRY_STAGE, TOWNSHIPS
from jiaoyu_fupin.sample.ids import IdAllocator
from jiaoyu_fupin.sample.model import County, Household, Person, birth_for_age
from jiaoyu_fupin.sample.schools import sub_rng

_NOT_IN_SCHOOL_REASONS = ("因病", "因残", "厌学", "家庭困难", "其他")
_EDUCATION = (("文盲或半文盲", 10), ("小学", 35), ("初中", 40), ("高中", 12), ("大专及以上", 3))
_WORK = (("省外务工", 35), ("县外省内务工", 15), ("乡（镇）外县内务工", 10), ("乡（镇）内务工", 10), ("", 30))
_CAUSES = (("因病", 25), ("因残", 10), ("因学", 20), ("缺技术", 15), ("缺劳力", 8), ("缺资金", 12),
           ("自身发展动力不足", 5), ("交通条件落后", 5))


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


class _Builder:
    def __init__(self, county: County) -> None:
        self.county = county
        self.rng = sub_rng(county.seed, "households")
        self.seq: dict[tuple[str, str, str], int] = {}
        self.village_index: dict[tuple[str, str], int] = {}

    def code(self, region: str, township: str, village: str) -> str:
        """户编号: region, township, village and a serial; 15 digits, so it is never mistaken for an ID number."""
        if township in self.county.geography:
            t = [n for n, _ in TOWNSHIPS].index(township)
            v = self.county.geography[township].index(village)
        else:
            t = facts.OTHER_COUNTY_TOWNSHIPS.index(township) + 50
            v = self.village_index.setdefault((township, village), len(self.village_index) + 1)
        key = (region, township, village)
        self.seq[key] = self.seq.get(key, 0) + 1
        return f"{region}{t:02d}{v:03d}{self.seq[key]:04d}"

    def adult(self, hh: Household, sex: str, age: int, relation: str, family: str | None) -> Person:
        rng = self.rng
        region = hh.code[:6] if rng.random() < 0.9 else rng.choice(facts.PREFECTURE_COUNTIES)[0]
        p = self.county.person(sex, birth_for_age(rng, age), region, township=hh.township, village=hh.village,
                               group=hh.group, ethnicity=hh.head.ethnicity if hh.members else "汉族")
        p.name = names.full_name(rng, sex, family)
        p.relation = relation
        working = 18 <= age < 60
        work = _pick(rng, _WORK) if working else ""
        p.registry = {
            "文化程度": _pick(rng, _EDUCATION), "在校生状况": "非在校生",
            "健康状况": rng.choices(("健康", "长期慢性病", "患有大病", "残疾"), (86, 8, 3, 3))[0],
            "劳动技能": (rng.choices(("普通劳动力", "技能劳动力", "丧失劳动力"), (85, 10, 5))[0] if working
                         else rng.choice(("无劳动力", "弱劳动力或半劳动力"))),
            "务工状况": work, "务工时间(月)": rng.randint(3, 12) if work else None,
        }
        return p

    def join(self, hh: Household, child: Person, head_generation: str) -> None:
        child.household = hh
        child.relation = ("之子" if child.sex == "男" else "之女") if head_generation == "parent" else \
            ("之孙子" if child.sex == "男" else "之孙女")
        if not child.name:
            family = hh.surname if self.rng.random() < 0.95 else None
            child.name = names.full_name(self.rng, child.sex, family)
        if not child.registry:
            child.registry = _child_registry(child)
        hh.members.append(child)

    def household(self, children: list[Person], region: str, county_name: str) -> Household:
        rng = self.rng
        first = children[0]
        hh = Household(self.code(region, first.township, first.village), county_name, first.township,
                       first.village, first.group, names.surname(rng))
        oldest = max(c.age for c in children)
        father_age = min(oldest + rng.randint(22, 34), 64)
        orphaned = any(c.orphan for c in children)
        if orphaned:
            generation = "grand"
            hh.members.append(self.adult(hh, rng.choice("男女"), father_age + rng.randint(20, 26), "户主", hh.surname))
        else:
            generation = "parent"
            head_sex = "男" if rng.random() < 0.88 else "女"
            hh.members.append(self.adult(hh, head_sex, father_age if head_sex == "男" else father_age - 3, "户主",
                                         hh.surname))
            if rng.random() < 0.85:
                other = "女" if head_sex == "男" else "男"
                hh.members.append(self.adult(hh, other, father_age - rng.randint(0, 5), "配偶", None))
            if rng.random() < 0.35:
                hh.members.append(self.adult(hh, "男", father_age + rng.randint(22, 30), "之父", hh.surname))
            if rng.random() < 0.4:
                hh.members.append(self.adult(hh, "女", father_age + rng.randint(20, 28), "之母", None))
        for c in children:
            self.join(hh, c, generation)
        # Children of the household in no school: babies, preschool-age, and older teenagers at work.
        for age_range, p in (((0, 2), 0.12), ((3, 5), 0.10), ((16, 17), 0.04), ((18, 24), 0.10)):
            if rng.random() < p and (region == COUNTY_CODE or age_range[0] >= 18):
                kid = self.county.person(rng.choice("男女"), birth_for_age(rng, rng.randint(*age_range)), region,
                                         township=hh.township, village=hh.village, group=hh.group,
                                         ethnicity=hh.head.ethnicity)
                self.join(hh, kid, generation)
        self.county.households.append(hh)
        return hh


def _child_registry(child: Person) -> dict[str, object]:
    placement = child.fall
    if placement is not None:
        status = REGISTRY_STAGE[placement.stage]
        level = {"学前": "学龄前儿童", "小学": "小学", "初中": "初中", "特殊教育": "小学", "高职": "大专及以上"}.get(
            placement.stage, "高中")
    elif child.age <= 5:
        status, level = "学龄前儿童", "学龄前儿童"
    else:
        status, level = "非在校生", ("高中" if child.age >= 18 else "初中")
    return {"文化程度": level, "在校生状况": status, "健康状况": "残疾" if child.disability else "健康",
            "劳动技能": "无劳动力" if child.age < 16 else "普通劳动力", "务工状况": "", "务工时间(月)": None}


def _household_attrs(rng: random.Random, hh: Household) -> None:
    out_of_poverty = rng.random() < 0.75
    hh.attrs = {
        "家庭成员数": len(hh.members),
        "脱贫属性": "已脱贫" if out_of_poverty else "未脱贫",
        "贫困户属性": rng.choices(("一般贫困户", "扶贫低保户", "纯低保户"), (70, 26, 4))[0],
        "主要致贫原因": _pick(rng, _CAUSES),
        "参加大病医疗": "是" if rng.random() < 0.97 else "否",
        "危房户": "是" if rng.random() < 0.04 else "否",
        "饮水安全": "是" if rng.random() < 0.97 else "否",
        "饮水困难": "是" if rng.random() < 0.03 else "否",
        "人均纯收入": round(rng.uniform(5200, 12500) if out_of_poverty else rng.uniform(2900, 4600), 2),
        "联系电话": names.phone(rng),
    }


def build_households(county: County) -> None:
    b = _Builder(county)
    rng = b.rng
    local_kids = [p for p in county.students if p.local and p.category == "建档立卡"]
    local_kids += county.away + [p for p in county.graduates if p.category == "建档立卡"]
    by_village: dict[tuple[str, str], list[Person]] = {}
    for p in local_kids:
        by_village.setdefault((p.township, p.village), []).append(p)
    for kids in by_village.values():
        rng.shuffle(kids)
        while kids:
            n = min(len(kids), rng.choices((1, 2, 3), (45, 38, 17))[0])
            group, kids = kids[:n], kids[n:]
            for c in group[1:]:  # siblings share the household's 组
                c.group = group[0].group
            b.household(group, COUNTY_CODE, COUNTY)
    for p in county.students:
        if not p.local and p.category == "建档立卡":
            b.household([p], p.region, p.home_county)
    _plant_out_of_school(county, b)
    for hh in county.households:
        _household_attrs(rng, hh)


def _plant_out_of_school(county: County, b: _Builder) -> None:
    """Registry children of compulsory age on no roll and not studying away: the cases 控辍保学 must find."""
    rng = sub_rng(county.seed, "out-of-school")
    local = [hh for hh in county.households if hh.code.startswith(COUNTY_CODE)]
    for _ in range(max(1, round(20 * county.scale))):
        age = rng.randint(7, 13)
        fits = [hh for hh in local if hh.head.age >= age + 22]  # a head old enough to be the child's parent
        if rng.random() < 0.7 and fits:
            hh = rng.choice(fits)
            generation = "grand" if any(m.relation.startswith("之孙") for m in hh.members) else "parent"
            kid = county.person(rng.choice("男女"), birth_for_age(rng, age), COUNTY_CODE, township=hh.township,
                                village=hh.village, group=hh.group, ethnicity=hh.head.ethnicity)
            b.join(hh, kid, generation)
        else:
            township = rng.choices([t for t, _ in TOWNSHIPS], [w for _, w in TOWNSHIPS])[0]
            kid = county.person(rng.choice("男女"), birth_for_age(rng, age), COUNTY_CODE, township=township,
                                village=rng.choice(county.geography[township]), group=rng.randint(1, 9))
            hh = b.household([kid], COUNTY_CODE, COUNTY)
        reason = rng.choice(_NOT_IN_SCHOOL_REASONS) if rng.random() < 0.5 else ""
        if reason == "因残":
            kid.disability = rng.choice(facts.DISABILITY_TYPES)
            kid.registry["健康状况"] = "残疾"
        kid.registry["在校生状况"] = "非在校生" if rng.random() < 0.6 else ""
        kid.registry["义务教育阶段未上学原因"] = reason
        kid.tags.append("out_of_school")


def build_idle_children(county: County) -> None:
    """County children in no school and in no registry, so the age-group population gives realistic ratios."""
    rng = sub_rng(county.seed, "idle")

    def population(low: int, high: int) -> int:
        n = sum(1 for p in county.students if p.local and low <= p.age <= high)
        n += sum(1 for p in county.away if low <= p.age <= high)
        n += sum(1 for hh in county.households for p in hh.members
                 if p.fall is None and not p.spring and low <= p.age <= high and hh.code.startswith(COUNTY_CODE))
        return n

    preschool = sum(1 for p in county.students if p.fall.stage == "学前")
    senior = sum(1 for p in county.students if p.fall.stage in ("普通高中", "中职"))
    for (low, high), enrolled, ratio in (((3, 5), preschool, facts.PRESCHOOL_GROSS_RATIO),
                                         ((16, 17), senior, facts.SENIOR_GROSS_RATIO)):
        existing = population(3, 5) if low == 3 else population(15, 17)
        for _ in range(max(0, round(enrolled / ratio) - existing)):
            township = rng.choices([t for t, _ in TOWNSHIPS], [w for _, w in TOWNSHIPS])[0]
            county.idle_children.append(county.person(
                rng.choice("男女"), birth_for_age(rng, rng.randint(low, high)), COUNTY_CODE, township=township,
                village=rng.choice(county.geography[township]), group=rng.randint(1, 9)))


def name_and_number(county: County) -> None:
    """Names for everyone still without one, then ID numbers, in one fixed order."""
    rng = sub_rng(county.seed, "names")
    ids = IdAllocator(sub_rng(county.seed, "ids"))
    people: list[Person] = county.students + county.away + county.graduates
    people += [p for hh in county.households for p in hh.members if p.fall is None and not p.spring]
    people += county.idle_children
    for p in people:
        if not p.name:
            p.name = names.full_name(rng, p.sex)
        if not p.id_number:
            p.id_number = ids.new(p.region, p.birth, p.sex)
    county.ids = ids  # later builders (payments, teachers) draw more numbers from the same allocator
