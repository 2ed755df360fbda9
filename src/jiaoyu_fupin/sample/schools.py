"""The county's townships, villages and schools: pure functions of the seed and the scale."""

from __future__ import annotations

import random
from dataclasses import dataclass

from jiaoyu_fupin.sample import names
from jiaoyu_fupin.sample.facts import COUNTY, COUNTY_CODE, SCHOOL_COUNTS, SEAT, TOWNSHIPS, TYPE_STAGE


def sub_rng(seed: int, part: str) -> random.Random:
    """One random stream per part, so changing how one file is built does not reshuffle the others."""
    return random.Random(f"{seed}:{part}")


@dataclass(eq=False)
class School:
    code: str
    name: str
    type: str  # 学校类型 as written in the school list: 幼儿园, 小学, 教学点, 初中, 普通高中, 中职, 特殊教育
    township: str
    ownership: str  # 办别
    weight: float  # relative size, for spreading students
    order: int = 0

    @property
    def stage(self) -> str:
        return TYPE_STAGE[self.type]


def build_geography(seed: int) -> dict[str, list[str]]:
    """Township -> its villages (the county seat also has urban 社区)."""
    rng = sub_rng(seed, "geography")
    geo: dict[str, list[str]] = {}
    for township, weight in TOWNSHIPS:
        if township == SEAT:
            geo[township] = names.villages(rng, township, 8, communities=6)
        else:
            geo[township] = names.villages(rng, township, max(6, round(14 * weight) + rng.randint(-2, 2)))
    return geo


def _spread(n: int, weights: list[float]) -> list[int]:
    """Split n by weights with largest remainders: deterministic and summing exactly to n."""
    total = sum(weights)
    raw = [n * w / total for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _full_list(seed: int, geo: dict[str, list[str]]) -> list[tuple[int, School]]:
    """All 168 schools of scale 1, each with its rank inside its township (a small scale keeps low ranks first)."""
    rng = sub_rng(seed, "schools")
    rural = [(t, w) for t, w in TOWNSHIPS if t != SEAT]
    by_weight = sorted(rural, key=lambda tw: -tw[1])
    out: list[tuple[int, School]] = []

    def add(rank: int, name: str, type_: str, township: str, ownership: str, weight: float) -> None:
        out.append((rank, School("", name, type_, township, ownership, weight * rng.lognormvariate(0, 0.25))))

    add(0, f"{COUNTY}中等职业技术学校", "中职", SEAT, "公办", 1.0)
    add(0, f"{COUNTY}第一高级中学", "普通高中", SEAT, "公办", 1.3)
    add(1, f"{COUNTY}民族高级中学", "普通高中", SEAT, "公办", 0.8)
    add(0, f"{COUNTY}特殊教育学校", "特殊教育", SEAT, "公办", 1.0)
    # Junior schools: three in the seat, two in each of the five largest townships, one elsewhere (17).
    for i in range(3):
        add(i, f"{SEAT}第{names.numeral(i + 1)}初级中学", "初中", SEAT, "公办", 2.5)
    two = {t for t, _ in by_weight[:5]}
    for t, w in rural:
        add(0, f"{t}初级中学", "初中", t, "公办", 1.0 * w)
        if t in two:
            add(1, f"{t}第二初级中学", "初中", t, "公办", 0.6 * w)
    # Primary schools: eight in the seat, the other 60 by township size; one teaching point per rural township.
    for i in range(8):
        add(i, f"{SEAT}第{names.numeral(i + 1)}小学", "小学", SEAT, "公办", 2.5)
    for (t, w), n in zip(rural, _spread(60, [w for _, w in rural]), strict=True):
        village_names = [v.removesuffix("村") for v in geo[t] if v.endswith("村")]
        add(0, f"{t}中心小学", "小学", t, "公办", 2.0 * w)
        for i, v in enumerate(village_names[: n - 1]):
            add(i + 1, f"{t}{v}小学", "小学", t, "公办", 0.8 * w)
        tp = village_names[-1]
        add(0, f"{t}{tp}教学点", "教学点", t, "公办", 0.05)
    # Kindergartens: nine public (two in the seat, the seven largest townships one each), 61 private.
    add(0, f"{COUNTY}第一幼儿园", "幼儿园", SEAT, "公办", 3.0)
    add(1, f"{COUNTY}实验幼儿园", "幼儿园", SEAT, "公办", 2.5)
    for t, w in by_weight[:7]:
        add(0, f"{t}中心幼儿园", "幼儿园", t, "公办", 1.5 * w)
    taken: set[str] = set()
    private_split = _spread(SCHOOL_COUNTS["幼儿园民办"], [w for _, w in TOWNSHIPS])
    for (t, _), n in zip(TOWNSHIPS, private_split, strict=True):
        for i, name in enumerate(names.kindergarten_names(rng, t, n, taken)):
            add(i, name, "幼儿园", t, "民办", 0.7 * (1.5 if t == SEAT else 1.0))
    return out


def build_schools(seed: int = 2019, scale: float = 1.0, geography: dict[str, list[str]] | None = None) -> list[School]:
    """The school list. Scale shrinks the number of schools (never below one of each type, never above 168)."""
    geo = geography or build_geography(seed)
    full = _full_list(seed, geo)
    factor = min(scale, 1.0)
    township_order = {t: i for i, (t, _) in enumerate(TOWNSHIPS)}
    groups: dict[str, list[tuple[int, School]]] = {}
    for rank, school in full:
        key = f"幼儿园{school.ownership}" if school.type == "幼儿园" else school.type
        groups.setdefault(key, []).append((rank, school))
    chosen: list[School] = []
    for key, members in groups.items():
        want = max(1, round(SCHOOL_COUNTS[key] * factor))
        # The lowest ranks of every township first, so even a tiny county keeps schools in several townships.
        members.sort(key=lambda rs: (rs[0], township_order[rs[1].township]))
        chosen.extend(s for _, s in members[:want])
    type_order = ("中职", "普通高中", "初中", "小学", "教学点", "幼儿园", "特殊教育")
    chosen.sort(key=lambda s: (township_order[s.township], type_order.index(s.type), s.ownership != "公办", s.name))
    for i, school in enumerate(chosen, 1):
        school.order = i
        school.code = f"31{COUNTY_CODE[2:]}{i:04d}"
    return chosen
