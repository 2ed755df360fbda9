"""The denominators: children of an age range on 31 August, from the individual list or the aggregated table.

The list (population) gives each child's birth date from the ID number, so the 31 August rule is exact. The
aggregated table (population_counts) gives head counts by township and year (or month) of birth; with the year
alone a child's age is taken as the school year minus the birth year.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.core import ages
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.store.frames import query_frame

SOURCES = {"list": "户籍适龄儿童名单（逐人，按身份证号中的出生日期计算年龄）",
           "counts": "户籍人口分年龄汇总（按乡镇和出生年份）"}


class PopulationError(ClerkError):
    """The population data cannot give this year's denominators; message and hint in Chinese."""


@dataclass
class Population:
    source: str | None  # list / counts / None when the ledger has neither
    year: int
    children: pd.DataFrame | None = None  # list: id_number, birth_date (ISO), township
    counts: pd.DataFrame | None = None  # counts: township, birth_year, birth_month, count
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.source is None:
            return "无（台账中没有户籍适龄儿童名单，也没有户籍人口分年龄汇总）"
        title = SOURCES[self.source]
        if self.source == "counts" and self.counts is not None and self.counts.attrs.get("year_label"):
            title += f"，{self.counts.attrs['year_label']}"
        return title

    def window(self, low: int, high: int) -> str:
        first, last = ages.birth_window(self.year, low, high)
        if self.source == "counts":
            return f"{self.year - high}—{self.year - low} 年出生（按出生年份计算年龄）"
        return f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d} 出生"

    def in_range(self, low: int, high: int) -> pd.DataFrame:
        """List only: the children aged low..high (id_number, township)."""
        first, last = ages.birth_window(self.year, low, high)
        c = self.children
        return c[(c["birth_date"] >= first.isoformat()) & (c["birth_date"] <= last.isoformat())]

    def count(self, low: int, high: int) -> Counter:
        """Children aged low..high per township (None: no township given)."""
        if self.source == "list":
            return Counter(self.in_range(low, high)["township"].tolist())
        if self.source == "counts":
            c = self.counts
            age = [ages.age_of_birth_month(int(y), None if pd.isna(m) else int(m), self.year)
                   for y, m in zip(c["birth_year"].tolist(), c["birth_month"].tolist(), strict=True)]
            keep = [low <= a <= high for a in age]
            found: Counter = Counter()
            for township, n in zip(c["township"][keep], c["count"][keep], strict=True):
                found[township] += int(n)
            return found
        return Counter()


def load_population(conn: Connection, year: int, requested: str | None = None) -> Population:
    """The source asked for, else the aggregated table when it has rows for the year, else the list."""
    counts = _counts(conn, year)
    has_list = conn.execute(text("SELECT 1 FROM population LIMIT 1")).first() is not None
    if requested == "counts" and counts is None:
        raise PopulationError(f"台账中没有可用于 {year} 年的户籍人口分年龄汇总",
                              "请先导入汇总表（fupin import 户籍人口汇总.xlsx），或去掉 --population counts")
    if requested == "list" and not has_list:
        raise PopulationError("台账中没有户籍适龄儿童名单", "请先导入名单（fupin import 户籍适龄儿童.csv），或去掉 --population list")
    source = requested or ("counts" if counts is not None else "list" if has_list else None)
    population = Population(source=source, year=year)
    if source == "counts":
        population.counts = counts
        if has_list:
            population.notes.append("台账中也有户籍适龄儿童名单；分母用的是分年龄汇总表（可用 --population list 改用名单）")
    elif source == "list":
        population.children = query_frame(conn, text("SELECT id_number, birth_date, township FROM population"), {},
                                          ["id_number", "birth_date", "township"])
        population.children["birth_date"] = iso_dates(population.children["birth_date"])
    return population


def member(column: pd.Series, values) -> np.ndarray:
    """Which cells are in values, as a boolean array; a Python set beats isin on pandas' Arrow strings tenfold."""
    values = values if isinstance(values, set | frozenset) else set(values)
    return np.fromiter((v in values for v in column.tolist()), dtype=bool, count=len(column))


def iso_dates(column: pd.Series) -> pd.Series:
    """Dates as ISO text objects (SQLite hands back text, other databases dates); compared as strings."""
    return pd.Series([d.isoformat() if hasattr(d, "isoformat") else d for d in column.tolist()], index=column.index,
                     dtype=object)


def _counts(conn: Connection, year: int) -> pd.DataFrame | None:
    """Rows of that statistics year, else rows that name no year; None when neither exists."""
    for where, label in (("year = :y", f"{year}年度"), ("year IS NULL", "未注明统计年度")):
        rows = conn.execute(text(
            f"SELECT township, birth_year, birth_month, count FROM population_counts WHERE {where}"),  # noqa: S608
            {"y": year}).all()
        if rows:
            frame = pd.DataFrame(rows, columns=["township", "birth_year", "birth_month", "count"], dtype=object)
            frame.attrs["year_label"] = label
            return frame
    return None
