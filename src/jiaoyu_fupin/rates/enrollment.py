"""Enrollment ratios and the dropout rate, from the rolls of the school year's autumn term.

Only students 在校 count as enrolled (休学, 辍学, 转出, 毕业 do not). Gross ratios count the county's own schools,
as the statistics reports do; net rates count the county's children wherever they study (studying away counts).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.core import ages
from jiaoyu_fupin.rates.indicators import Rate
from jiaoyu_fupin.rates.population import Population, iso_dates, member
from jiaoyu_fupin.store.frames import query_frame

COMPULSORY = ("小学", "初中", "特殊教育")
NO_TOWNSHIP = "（未填乡镇）"
_ROLL_COLUMNS = ["id_number", "birth_date", "stage", "grade", "status", "place", "school", "township"]


@dataclass
class Rolls:
    year: int
    autumn: pd.DataFrame  # the roll and away rows of Y秋
    spring: pd.DataFrame  # the roll rows of (Y+1)春, when imported

    @property
    def autumn_term(self) -> str:
        return f"{self.year}秋"

    @property
    def spring_term(self) -> str:
        return f"{self.year + 1}春"


def load_rolls(conn: Connection, year: int) -> Rolls:
    return Rolls(year, _term_rows(conn, f"{year}秋"), _term_rows(conn, f"{year + 1}春"))


def _term_rows(conn: Connection, term: str) -> pd.DataFrame:
    frame = query_frame(conn, text(
        "SELECT s.id_number, s.birth_date, e.stage, e.grade, e.status, e.study_place,"
        " COALESCE(sc.name, e.school_name), COALESCE(sc.township, r.township)"
        " FROM enrollments e JOIN students s ON s.id = e.student_id"
        " LEFT JOIN schools sc ON sc.id = e.school_id AND e.study_place = '县内'"
        " LEFT JOIN registry_people r ON r.id_number = s.id_number AND e.study_place != '县内'"
        " WHERE e.term = :t"), {"t": term}, _ROLL_COLUMNS)
    frame["birth_date"] = iso_dates(frame["birth_date"])
    frame["rank"] = [_rank(s, g) for s, g in zip(frame["stage"].tolist(), frame["grade"].tolist(), strict=True)]
    frame["in_county"] = frame["place"] == "县内"
    frame["enrolled"] = frame["status"] == "在校"
    return frame


def _rank(stage, grade) -> int:
    """Level of a stage: an older child in a higher stage counts as enrolled at the lower level's net rate."""
    if stage == "特殊教育":  # special schools teach the nine compulsory years: grades 7-9 are junior level
        return 2 if grade and grade >= 7 else 1
    return {"学前": 0, "小学": 1, "初中": 2, "普通高中": 3, "中职": 3, "高职": 4, "本科": 4}.get(stage, -1)


def _township(value) -> str:
    return value if isinstance(value, str) and value else NO_TOWNSHIP


def _per_group(counter: Counter) -> Counter:
    return Counter({_township(k): v for k, v in counter.items()}) if counter else Counter()


def grouped(indicator: str, numerators: Counter, denominators: Counter, formula: str, townships: list[str],
            *, empty_note: str = "", source: str | None = None) -> dict[str, Rate]:
    numerators, denominators = _per_group(numerators), _per_group(denominators)
    out = {}
    for t in sorted(set(townships) | set(numerators) | set(denominators)):
        rate = Rate(indicator, numerators.get(t, 0), denominators.get(t, 0), formula, source=source)
        if not rate.denominator and empty_note:
            rate.notes.append(empty_note)
        out[t] = rate
    return out


def gross(indicator: str, rolls: Rolls, population: Population, stages: tuple[str, ...], low: int, high: int,
          what: str, townships: list[str]) -> tuple[Rate, dict[str, Rate]]:
    a = rolls.autumn
    stage = member(a["stage"], stages)
    counted = a[stage & a["in_county"] & a["enrolled"]]
    away = a[stage & ~a["in_county"] & a["enrolled"]]
    formula = (f"{rolls.autumn_term}县内学校{what}在校生数（不分年龄，不含休学、辍学、转出）÷ {low}–{high} 周岁户籍人口数"
               f"（{population.window(low, high)}）× 100%")
    den = population.count(low, high)
    rate = Rate(indicator, len(counted), sum(den.values()) if population.source else None, formula, away=len(away),
                source=population.source)
    rate.notes.append(f"县外就读{what}学生 {len(away):,} 人已登记，按统计口径不计入（毛入学率只计本县学校）")
    _no_population(rate, population)
    groups = grouped(indicator, Counter(counted["township"].tolist()), den, formula + "；按学校所在乡镇统计",
                     townships, empty_note=f"该乡镇没有 {low}–{high} 周岁户籍人口", source=population.source)
    return rate, groups


def net(indicator: str, rolls: Rolls, population: Population, level: int, low: int, high: int, what: str,
        townships: list[str]) -> tuple[Rate, dict[str, Rate]]:
    a = rolls.autumn
    enrolled = a[a["enrolled"] & (a["rank"] >= level)]
    formula = (f"{low}–{high} 周岁儿童中{rolls.autumn_term}在{what}及以上学段在校的人数（含县外就读，不含休学）"
               f"÷ {low}–{high} 周岁户籍儿童数（{population.window(low, high)}）× 100%")
    if population.source == "list":
        kids = population.in_range(low, high)
        inside = member(kids["id_number"], enrolled["id_number"].tolist())
        away = member(kids["id_number"], enrolled.loc[~enrolled["in_county"], "id_number"].tolist())
        num, den = Counter(kids["township"][inside].tolist()), Counter(kids["township"].tolist())
        rate = Rate(indicator, int(inside.sum()), len(kids), formula, away=int((away & inside).sum()), source="list")
        rate.notes.append("分子只计名单上的儿童（按身份证号匹配学籍和县外就读名单）；按儿童户籍乡镇分组")
    else:
        first, last = ages.birth_window(rolls.year, low, high)
        of_age = enrolled[(enrolled["birth_date"] >= first.isoformat()) & (enrolled["birth_date"] <= last.isoformat())]
        den = population.count(low, high)
        num = Counter(of_age["township"].tolist())
        rate = Rate(indicator, len(of_age), sum(den.values()) if population.source else None, formula,
                    away=int((~of_age["in_county"]).sum()), source=population.source)
        if population.source:
            rate.notes.append("汇总表没有身份证号：分子为学籍和县外就读名单中该年龄的全部在校学生（可能含外县户籍学生）；"
                              "按学校所在乡镇分组（县外就读按户籍乡镇）")
        _no_population(rate, population)
    rate.notes.append(f"其中县外就读 {rate.away:,} 人，按“县里对自己的孩子负责”计为已入学")
    groups = grouped(indicator, num, den, formula, townships, empty_note=f"该乡镇没有 {low}–{high} 周岁儿童",
                     source=population.source)
    return rate, groups


def _no_population(rate: Rate, population: Population) -> None:
    if population.source is None:
        rate.denominator = None
        rate.notes.append("台账中没有户籍适龄儿童名单，也没有户籍人口分年龄汇总，无法计算分母")


def dropout_rate(conn: Connection, rolls: Rolls, by: str | None) -> tuple[Rate, dict[str, Rate]]:
    year = rolls.year
    a = rolls.autumn
    start = a[a["in_county"].to_numpy(dtype=bool) & member(a["stage"], COMPULSORY)].drop_duplicates("id_number")
    s = rolls.spring
    dropped = set(a.loc[a["status"] == "辍学", "id_number"])
    if len(s):
        dropped |= set(s.loc[(s["status"] == "辍学").to_numpy(dtype=bool) & member(s["stage"], COMPULSORY), "id_number"])
    dropped |= {r[0] for r in conn.execute(text(
        "SELECT id_number FROM dropout_cases"
        " WHERE COALESCE(closed_as, '') NOT IN ('not_a_case', 'moved', 'home_schooled', 'exempted') AND ("
        " left_month BETWEEN :m1 AND :m2 OR (left_month IS NULL AND opened_on BETWEEN :d1 AND :d2))"),
        {"m1": f"{year}-09", "m2": f"{year + 1}-08", "d1": f"{year}-09-01", "d2": f"{year + 1}-08-31"})}
    left = member(start["id_number"], dropped)
    formula = (f"{year}-{year + 1}学年内辍学的学生数（{rolls.autumn_term}、{rolls.spring_term}学籍状态为辍学，"
               f"或辍学台账中辍学年月在该学年内）÷ {rolls.autumn_term}学年初义务教育阶段在籍学生数 × 100%")
    rate = Rate("dropout_rate", int(left.sum()), len(start), formula, source="rolls")
    if not len(s):
        rate.notes.append(f"{rolls.spring_term}学籍尚未导入：只计到{rolls.autumn_term}学籍和辍学台账")
    rate.notes.append("不在学籍上的疑似失学儿童不在分母中，不计入辍学率（见 fupin dropout list）；"
                      "销号为非失学辍学、已迁出、送教上门、缓学免学的案件不算辍学")
    key = "school" if by == "school" else "township"
    groups = grouped("dropout_rate", Counter(start.loc[left, key].tolist()), Counter(start[key].tolist()),
                     formula + ("；按学校统计" if by == "school" else "；按学校所在乡镇统计"), [], source="rolls")
    return rate, groups
