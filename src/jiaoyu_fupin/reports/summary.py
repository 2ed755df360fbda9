"""总结: the year-end summary's tables, in the order of the county's own summary (`seeds/004_…`).

一 basic situation (schools by type, teachers, students by stage, registered poor students by where they study);
三（一）aid (by program and stage over the year's two terms, loans / travel aid / tuition waivers, 应助尽助);
三（四）dropout control (rates against targets, cases); pairing and the 六个一; 三（五）collaboration (collab.summary);
then the sheet stating the data's as-of time and the batches used. `figures` carries every
number the narrative quotes, so the text and the tables can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from jiaoyu_fupin.checks.subsidy.coverage import require_roll
from jiaoyu_fupin.reports import collab_summary, details_summary, facts, summary_basic, summary_control
from jiaoyu_fupin.reports.book import Table
from jiaoyu_fupin.reports.period import year_terms
from jiaoyu_fupin.store.asof import reading


@dataclass
class YearSummary:
    year: int
    as_of: datetime
    snapshot: bool
    ledger_name: str
    batches: list[dict]
    tables: list[Table] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    listings: dict = field(default_factory=dict)  # --details: the lists the tables were counted from

    @property
    def county(self) -> str:
        return self.figures.get("county") or "本县"

    @property
    def title(self) -> str:
        return f"{self.county}{self.year}年教育扶贫工作总结附表"

    def console_lines(self) -> list[str]:
        f = self.figures
        stages = "，".join(f"{stage} {n:,}" for stage, n in f["students"].items())
        return [
            f"{self.title}（数据截至 {self.as_of:%Y-%m-%d %H:%M}）",
            f"  学校（园）{f['schools_total']:,} 所；学生 {f['students_total']:,} 人（{stages}）",
            f"  建档立卡学生：在本县就读 {f['poor_in_county']:,} 人，本县户籍 {f['poor_home']:,} 人",
            f"  资助：{f['aid_wan']:,} 万元，{f['aid_terms']:,} 人次",
            f"  辍学案件：全年立案 {f['cases_opened']}，劝返复学 {f['cases_returned']}，未销号 {f['cases_open']}",
            f"  结对帮扶：{f['pair_paired']:,}/{f['pair_poor']:,} 人已结对；六个一已做 {f['six_done']:,}/{f['six_due']:,} 项",
        ]


def build_summary(ledger, year: int, *, as_of: datetime | None = None, details: bool = False) -> YearSummary:
    """details: also read the lists behind every count (details_summary.write puts them in a workbook)."""
    spring, autumn = terms = year_terms(year)
    with reading(ledger, as_of) as r:
        conn = r.conn
        require_roll(conn, autumn, in_county=True, purpose="report")
        summary = YearSummary(year, r.as_of, r.snapshot, r.ledger_name, r.batches)
        f = summary.figures
        schools = facts.schools(conn)
        townships = list(dict.fromkeys(schools["township"].dropna()))
        summary.tables = [
            summary_basic.schools_table(conn, f),
            summary_basic.teachers_table(conn, f),
            summary_basic.students_table(conn, autumn, f),
            summary_basic.poor_table(conn, autumn, f),
            *summary_basic.aid_tables(conn, terms, f),
            summary_control.other_aid_table(conn, terms, f),
            summary_control.coverage_table(conn, terms, f),
            summary_control.rates_table(conn, year, f),
            summary_control.cases_table(conn, year, townships, f),
            *summary_control.pairing_tables(conn, year, r.as_of.date(), schools, f),
            collab_summary.collaboration_table(conn, year, r.as_of.date(), f),
        ]
        if details:
            summary.listings = details_summary.listings(conn, terms, f)
    f.update(year=year, spring=str(spring), autumn=str(autumn))
    return summary
