"""Aggregated tables the bureau receives instead of (or besides) lists of people: the denominators and the cohorts.

`population_counts`: the household-registry population by township and year (or month) of birth, as the police
hand it over when they will not give a list with ID numbers. `school_stats`: the annual education statistics
(教育事业统计) by school, school year and grade, which reach back further than the ledger's own rolls.
"""

from __future__ import annotations

from sqlmodel import Field

from jiaoyu_fupin.store.models.base import Provenance


class PopulationCount(Provenance, table=True):
    __tablename__ = "population_counts"

    id: int | None = Field(default=None, primary_key=True)
    year: int | None = Field(default=None, index=True)  # 统计年度; None: the table did not say, valid for any year
    township: str | None = None  # None: a county-wide row
    birth_year: int
    birth_month: int | None = None  # when the table is by month of birth the 31 August rule applies exactly
    sex: str | None = None
    count: int


class SchoolStat(Provenance, table=True):
    """One school (and grade, when the table has one) in one school year.

    school_year is the year the school year began (2018 = 2018-2019学年). entrants and enrolled are counted at its
    start, graduates at its end, transfers during it, all for that grade.
    """

    __tablename__ = "school_stats"

    id: int | None = Field(default=None, primary_key=True)
    school_year: int = Field(index=True)
    school_name: str  # as written: schools merged or closed since are not in today's school list
    school_id: int | None = Field(default=None, foreign_key="schools.id")
    township: str | None = None
    stage: str | None = None  # 小学 / 初中 / ...
    grade: int | None = None  # within the stage; None when the table is by school only
    entrants: int | None = None  # 招生数
    enrolled: int | None = None  # 在校生数
    graduates: int | None = None  # 毕业生数
    transfers_in: int | None = None  # 转入
    transfers_out: int | None = None  # 转出
