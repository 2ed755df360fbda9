"""九年义务教育巩固率: this year's junior-high graduates over the cohort that entered primary school nine years earlier.

For --year Y the graduates are those of summer Y (the 九年级 of school year Y-1 to Y) and the cohort entered
grade 1 in autumn Y-9; its transfers in and out over the nine school years adjust the denominator. Capped at 100%
by the definition (repeaters and returning children can make the raw ratio exceed it).

From the annual statistics table (school_stats) when it holds both ends, else from the ledger's own rolls when
they reach back to the entry term; never a mixture of the two.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.rates.enrollment import grouped
from jiaoyu_fupin.rates.indicators import Rate
from jiaoyu_fupin.rates.population import member
from jiaoyu_fupin.store.frames import query_frame

KEY = "compulsory_retention"


def cohort_position(year: int, school_year: int) -> tuple[str, int] | None:
    """Where the cohort graduating in summer `year` was in a school year: (stage, grade), None outside its nine."""
    k = school_year - (year - 9) + 1
    if not 1 <= k <= 9:
        return None
    return ("小学", k) if k <= 6 else ("初中", k - 6)


def formula(year: int) -> str:
    return (f"{year}年夏初中毕业生数（{year - 1}-{year}学年九年级毕业）÷（{year - 9}年秋小学一年级招生数 + 该届学生"
            f"{year - 9}-{year}年间转入数 − 转出数）× 100%；超过 100% 时按 100% 计")


def retention(conn: Connection, year: int, by: str | None) -> tuple[Rate, dict[str, Rate]]:
    missing = []
    for source in (_from_statistics, _from_rolls):
        found = source(conn, year, by, missing)
        if found is not None:
            return found
    rate = Rate(KEY, None, None, formula(year), notes=missing)
    return rate, {}


def _result(year: int, source: str, graduates: Counter, entrants: Counter, moved_in: Counter, moved_out: Counter,
            notes: list[str], by: str | None) -> tuple[Rate, dict[str, Rate]]:
    g, e, i, o = (sum(c.values()) for c in (graduates, entrants, moved_in, moved_out))
    rate = Rate(KEY, g, e + i - o, formula(year), source=source)
    rate.notes.append(f"毕业生 {g:,}；{year - 9}年秋入学 {e:,}；转入 {i:,}；转出 {o:,}")
    rate.notes.extend(notes)
    if by != "township":
        if by == "school":
            rate.notes.append("巩固率不按学校计算：入学（小学）和毕业（初中）不在同一所学校")
        return rate, {}
    denominators = Counter(entrants)
    denominators.update(moved_in)
    denominators.subtract(moved_out)
    groups = grouped(KEY, graduates, denominators, formula(year) + "；按学校所在乡镇统计", [], source=source)
    return rate, groups


def _from_statistics(conn: Connection, year: int, by: str | None, missing: list[str]):
    frame = query_frame(
        conn, text("SELECT school_year, township, stage, grade, entrants, graduates, transfers_in, transfers_out"
                   " FROM school_stats WHERE school_year BETWEEN :a AND :b"), {"a": year - 9, "b": year - 1},
        ["school_year", "township", "stage", "grade", "entrants", "graduates", "moved_in", "moved_out"])
    whole = frame["grade"].isna()
    entry = frame[(frame["school_year"] == year - 9) & (frame["stage"] == "小学") & (whole | (frame["grade"] == 1))
                  & frame["entrants"].notna()]
    leaving = frame[(frame["school_year"] == year - 1) & (frame["stage"] == "初中") & (whole | (frame["grade"] == 3))
                    & frame["graduates"].notna()]
    if not len(entry) or not len(leaving):
        what = [w for w, f in ((f"{year - 9}-{year - 8}学年小学招生数", entry),
                               (f"{year - 1}-{year}学年初中毕业生数", leaving)) if not len(f)]
        missing.append("教育事业统计表中缺少" + "、".join(what))
        return None
    notes = ["数据来源：教育事业统计表（按学校、学年、年级）"]
    position = [cohort_position(year, int(sy)) for sy in frame["school_year"]]
    cohort = frame[[p is not None and p == (s, g) for p, s, g in zip(position, frame["stage"], frame["grade"],
                                                                     strict=True)]]
    if not frame["grade"].notna().any():
        notes.append("统计表没有分年级，无法找出该届学生的转入、转出，按 0 计")
    unstaged = int(frame["stage"].isna().sum())
    if unstaged:
        notes.append(f"统计表中 {unstaged} 行没有学段（学校也不在学校名单中），未计入")
    return _result(year, "statistics", _sum(leaving, "graduates"), _sum(entry, "entrants"), _sum(cohort, "moved_in"),
                   _sum(cohort, "moved_out"), notes, by)


def _sum(frame: pd.DataFrame, column: str) -> Counter:
    found: Counter = Counter()
    for township, n in zip(frame["township"], frame[column], strict=True):
        if n is not None and not pd.isna(n):
            found[township] += int(n)
    return found


def _from_rolls(conn: Connection, year: int, by: str | None, missing: list[str]):
    first, last = f"{year - 9}秋", f"{year}春"
    terms = [t for (t,) in conn.execute(text(
        "SELECT DISTINCT term FROM enrollments WHERE study_place = '县内' AND term BETWEEN :a AND :b"),
        {"a": first, "b": last})]
    if first not in terms or last not in terms:
        missing.append(f"台账中的学籍没有追溯到 {first}（入学）和 {last}（毕业）两个学期")
        return None
    frame = query_frame(
        conn, text("SELECT s.id_number, e.term, e.stage, e.grade, e.status, sc.township"
                   " FROM enrollments e JOIN students s ON s.id = e.student_id LEFT JOIN schools sc ON sc.id = e.school_id"
                   " WHERE e.study_place = '县内' AND e.term BETWEEN :a AND :b ORDER BY e.term"), {"a": first, "b": last},
        ["id_number", "term", "stage", "grade", "status", "township"])
    years = {t: Term.parse(t).school_year for t in terms}
    frame = frame[[cohort_position(year, years[t]) == (s, g) for t, s, g in zip(frame["term"], frame["stage"],
                                                                                 frame["grade"], strict=True)]]
    entry = frame[frame["term"] == first].drop_duplicates("id_number")
    leaving = frame[(frame["term"] == last).to_numpy(dtype=bool) & member(frame["status"], ("在校", "毕业"))]
    leaving = leaving.drop_duplicates("id_number")
    entered = set(entry["id_number"])
    joined = frame[~member(frame["id_number"], entered)].drop_duplicates("id_number")
    left = frame[(frame["status"] == "转出").to_numpy(dtype=bool) & ~member(frame["id_number"], leaving["id_number"])]
    left = left.drop_duplicates("id_number")
    expected = 18
    notes = [f"数据来源：台账中的学籍（{len(terms)} 个学期：{first} 至 {last}" +
             (f"，缺 {expected - len(terms)} 个学期，其间转入的学生可能少计）" if len(terms) < expected else "）"),
             "转入：后来出现在该届年级、却不在入学名单中的学生；转出：该届中学籍状态为转出且未毕业的学生"]
    count = lambda f: Counter(f["township"].tolist())  # noqa: E731
    return _result(year, "rolls", count(leaving), count(entry), count(joined), count(left), notes, by)
