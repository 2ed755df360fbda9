"""The annual education statistics (教育事业统计) of the sample county's primary and junior schools, 2009-2019.

Built backwards from the rolls so the table agrees with them: the 2019-2020 rows are the 2019秋 roll, the
2018-2019 graduates are the 2019春 roll's 九年级, and each earlier year follows the cohort back one grade:
enrolled at the start = enrolled at the end - transfers in + transfers out - other gains (children returning
after leaving, repeaters). Those other gains are why the retention ratio comes out a little above 100%, capped
by its definition, as the county's year-end summary reports it.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from jiaoyu_fupin.sample.facts import GRADES
from jiaoyu_fupin.sample.model import County
from jiaoyu_fupin.sample.schools import School, _spread, sub_rng

FIRST_YEAR, LAST_YEAR = 2009, 2019  # school years, by the year they began
# The nine compulsory years the sample's statistics cover (特殊教育 has no grades to count).
COMPULSORY = ("小学", "初中")
HEADERS = ("学年", "学校标识码", "学校名称", "所在乡镇", "学段", "年级", "招生数", "在校生数", "毕业生数", "转入", "转出")


def _stage_grade(g: int) -> tuple[str, int]:
    """Grades 1-9 of the nine compulsory years as (stage, grade within the stage)."""
    return ("小学", g) if g <= 6 else ("初中", g - 6)


@dataclass
class Cell:
    """County totals for one school year and one of the nine grades."""

    enrolled: int = 0  # at the start of the school year
    moved_in: int = 0
    moved_out: int = 0
    gained: int = 0  # other gains during the year, not transfers
    at_end: int = 0


@dataclass
class Statistics:
    rows: list[list] = field(default_factory=list)
    retention: dict = field(default_factory=dict)  # the 2019 cohort's figures, for 样例说明.json


def build_statistics(county: County) -> Statistics:
    rng = sub_rng(county.seed, "statistics")
    schools = [s for s in county.schools if s.stage in COMPULSORY]
    fall: Counter = Counter()
    spring: Counter = Counter()
    for p in county.students + county.away + county.graduates:
        for pl, counter in ((p.fall, fall), (p.spring, spring)):
            if pl is not None and pl.school is not None and pl.stage in COMPULSORY:
                counter[(pl.school, pl.grade + (6 if pl.stage == "初中" else 0))] += 1
    cells = _county_cells(rng, fall, spring)
    stats = Statistics()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for g in range(1, 10):
            stage, grade = _stage_grade(g)
            members = [s for s in schools if s.stage == stage]
            # Shares by the roll nearest in time: the spring roll for 2018, the autumn roll otherwise.
            basis = spring if year == LAST_YEAR - 1 else fall
            weights = [basis[(s, g)] for s in members]
            if not sum(weights):
                continue
            c = cells[(year, g)]
            split = {name: _spread(value, weights) for name, value in (
                ("enrolled", c.enrolled), ("in", c.moved_in), ("out", c.moved_out), ("end", c.at_end))}
            if year == LAST_YEAR:
                split["enrolled"] = [fall[(s, g)] for s in members]
            if year == LAST_YEAR - 1 and g == 9:
                split["end"] = [spring[(s, 9)] for s in members]
            for i, school in enumerate(members):
                stats.rows.append(_row(school, year, stage, grade, {k: v[i] for k, v in split.items()}))
    stats.rows.sort(key=lambda r: (r[0], r[1], r[5]))
    stats.retention = _retention(stats.rows, LAST_YEAR)
    for row in stats.rows:
        row[5] = GRADES[row[4]][row[5] - 1]
    return stats


def _row(school: School, year: int, stage: str, grade: int, n: dict) -> list:
    top = grade == len(GRADES[stage])
    done = year < LAST_YEAR  # the current school year has no graduates or transfers yet
    return [f"{year}-{year + 1}学年", school.code, school.name, school.township, stage, grade,
            n["enrolled"] if grade == 1 else None, n["enrolled"], n["end"] if top and done else None,
            n["in"] if done else None, n["out"] if done else None]


def _county_cells(rng: random.Random, fall: Counter, spring: Counter) -> dict[tuple[int, int], Cell]:
    total_fall = Counter()
    total_spring = Counter()
    for (_, g), n in fall.items():
        total_fall[g] += n
    for (_, g), n in spring.items():
        total_spring[g] += n
    cells: dict[tuple[int, int], Cell] = {}
    for g in range(1, 10):
        cells[(LAST_YEAR, g)] = Cell(enrolled=total_fall[g])
    for year in range(LAST_YEAR - 1, FIRST_YEAR - 1, -1):
        for g in range(9, 0, -1):
            if year == LAST_YEAR - 1:
                end = total_spring[g]
            elif g < 9:
                end = cells[(year + 1, g + 1)].enrolled
            else:  # leavers of earlier years: older cohorts were a little larger
                end = round(cells[(year + 1, 9)].at_end * rng.uniform(1.005, 1.03))
            moved_in = round(end * rng.uniform(0.004, 0.012))
            moved_out = round(end * rng.uniform(0.008, 0.02))
            gained = round(end * rng.uniform(0.0005, 0.002))
            cells[(year, g)] = Cell(end - moved_in + moved_out - gained, moved_in, moved_out, gained, end)
    return cells


def _retention(rows: list[list], year: int) -> dict:
    """The table's own figures for the cohort graduating in summer `year` (entered autumn year-9)."""
    def total(column: int, keep) -> int:
        return sum(r[column] or 0 for r in rows if keep(int(r[0][:4]), r[4], r[5]))

    entrants = total(6, lambda y, s, g: y == year - 9 and s == "小学" and g == 1)
    graduates = total(8, lambda y, s, g: y == year - 1 and s == "初中" and g == 3)
    cohort = lambda y, s, g: 1 <= y - (year - 9) + 1 <= 9 and _stage_grade(y - (year - 9) + 1) == (s, g)  # noqa: E731
    moved_in, moved_out = total(9, cohort), total(10, cohort)
    return {"year": year, "graduates": graduates, "entrants": entrants, "transfers_in": moved_in,
            "transfers_out": moved_out, "denominator": entrants + moved_in - moved_out}
