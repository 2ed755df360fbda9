"""All six indicators for one year, for the county and, when asked, per township or per school."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.rates import enrollment, retention
from jiaoyu_fupin.rates.indicators import INDICATORS, Rate
from jiaoyu_fupin.rates.population import load_population

GROUPINGS = {"township": "乡镇", "school": "学校"}
_BY_WORDS = {"乡镇": "township", "按乡镇": "township", "学校": "school", "按学校": "school"}
_POPULATION_WORDS = {"名单": "list", "逐人名单": "list", "汇总表": "counts", "汇总": "counts", "分年龄汇总表": "counts"}


class RatesError(ClerkError):
    """The rates cannot be computed as asked (an unknown --by, no usable population data); Chinese message and hint."""


@dataclass
class RatesReport:
    year: int
    population_source: str | None
    population_title: str
    rates: list[Rate]
    by: str | None = None
    groups: dict[str, list[Rate]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        doc = {
            "year": self.year,
            "population": {"source": self.population_source, "title": self.population_title},
            "rates": [r.as_json() for r in self.rates],
            "notes": self.notes,
        }
        if self.by:
            doc["by"] = self.by
            doc["groups"] = [{"group": name, "rates": [r.as_json() for r in rates]}
                             for name, rates in self.groups.items()]
        return doc


def compute_rates(conn: Connection, year: int, *, by: str | None = None, population: str | None = None) -> RatesReport:
    """Every indicator for school year `year` (ages on 31 August of `year`); never writes."""
    from jiaoyu_fupin.rates.population import PopulationError

    # The Chinese words a clerk types are taken beside the codes (乡镇, 学校; 名单, 汇总表).
    by = _BY_WORDS.get(by, by)
    population = _POPULATION_WORDS.get(population, population)
    if by not in (None, *GROUPINGS):
        raise RatesError(f"不认识的分组“{by}”", "可选：乡镇（township）、学校（school）")
    if population not in (None, "list", "counts"):
        raise RatesError(f"不认识的人口数据“{population}”", "可选：名单（list，逐人名单）、汇总表（counts，分年龄汇总表）")
    try:
        people = load_population(conn, year, population)
    except PopulationError as exc:
        raise RatesError(exc.message, exc.hint) from None
    rolls = enrollment.load_rolls(conn, year)
    notes = list(people.notes)
    if not len(rolls.autumn):
        notes.append(f"台账中没有 {rolls.autumn_term} 的学籍：入学率和辍学率无法计算，请先导入学籍")
    townships = _townships(conn, people)
    results = {
        "preschool_gross_enrollment": enrollment.gross(
            "preschool_gross_enrollment", rolls, people, ("学前",), 3, 5, "幼儿园", townships),
        "primary_net_enrollment": enrollment.net("primary_net_enrollment", rolls, people, 1, 6, 11, "小学", townships),
        "junior_net_enrollment": enrollment.net("junior_net_enrollment", rolls, people, 2, 12, 14, "初中", townships),
        "compulsory_retention": retention.retention(conn, year, by),
        "senior_gross_enrollment": enrollment.gross(
            "senior_gross_enrollment", rolls, people, ("普通高中", "中职"), 15, 17, "普通高中和中职", townships),
        "dropout_rate": enrollment.dropout_rate(conn, rolls, by),
    }
    if not len(rolls.autumn):
        # No pupils read is not "no pupils": a 0.00% 未达标 against the children's count would be a figure a clerk
        # could forward. The enrollment rates are left uncomputed (shown as 无法计算) instead.
        for key in _ROLL_COUNTED:
            rate, groups = results[key]
            for r in (rate, *groups.values()):
                r.numerator = None
    report = RatesReport(year, people.source, people.title, [results[k][0] for k in INDICATORS], by=by, notes=notes)
    if by == "township":
        names = sorted({name for _, groups in results.values() for name in groups})
        report.groups = {name: [groups[name] for _, groups in results.values() if name in groups] for name in names}
    elif by == "school":
        _, groups = results["dropout_rate"]
        report.groups = {name: [rate] for name, rate in sorted(groups.items())}
        report.notes.append("按学校只计算辍学率：入学率的分母是户籍人口，不属于某一所学校；巩固率跨小学和初中两所学校")
    return report


_ROLL_COUNTED = ("preschool_gross_enrollment", "primary_net_enrollment", "junior_net_enrollment",
                 "senior_gross_enrollment")


def _townships(conn: Connection, people) -> list[str]:
    """Every township the ledger knows: a township with no children of an age still gets its (empty) row."""
    found = {t for (t,) in conn.execute(text("SELECT DISTINCT township FROM schools WHERE township IS NOT NULL"))}
    if people.source == "list":
        found |= {t for t in people.children["township"].tolist() if isinstance(t, str) and t}
    elif people.source == "counts":
        found |= {t for t in people.counts["township"].tolist() if isinstance(t, str) and t}
    return sorted(found)
