"""月报: the county's monthly figures, for the county and each township (or one school), as of a time.

Each sheet (a Block) lists the same items: registered poor students on the roll and the change since last month,
payments dated in the month by program, coverage findings still open for the term, dropout cases opened,
returned and still open, pairing coverage and the 六个一 items due and done. The checks are the library's own
(subsidy.coverage.check, pairing.check.run, dropout.list_cases), run on the ledger as of the report's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pandas as pd

from jiaoyu_fupin.checks.pairing import check as pair_check
from jiaoyu_fupin.checks.pairing.data import load as load_pairing
from jiaoyu_fupin.checks.subsidy import coverage
from jiaoyu_fupin.checks.subsidy.coverage import require_roll
from jiaoyu_fupin.checks.subsidy.model import KIND_TITLES, KINDS, yuan
from jiaoyu_fupin.checks.subsidy.scope import Scope
from jiaoyu_fupin.core import pairing as pair_rules
from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.reports import collab_monthly, details_monthly, facts
from jiaoyu_fupin.reports.book import percent
from jiaoyu_fupin.reports.period import Month, month_earlier
from jiaoyu_fupin.store.asof import AsOfError, reading

MONTHLY_ITEMS = [pair_rules.LABELS[i] for i in pair_rules.MONTHLY_ITEMS]
TERM_ITEMS = [pair_rules.LABELS[i] for i in pair_rules.TERM_ITEMS]


@dataclass
class Line:
    group: str
    item: str
    count: int | None = None
    amount: Decimal | None = None
    note: str = ""


@dataclass
class Block:
    """One sheet: the county, a township or a school."""

    name: str
    level: str  # county / township / school
    lines: list[Line] = field(default_factory=list)
    figures: dict[str, int | Decimal | None] = field(default_factory=dict)  # the row of the townships table


@dataclass
class MonthlyReport:
    month: Month
    term: str
    as_of: datetime
    previous_as_of: datetime | None  # None: the ledger cannot go back (not SQLite)
    previous_term: str
    ledger_name: str
    snapshot: bool
    batches: list[dict]
    school: str | None
    county: Block | None
    blocks: list[Block]
    notes: list[str] = field(default_factory=list)
    details: object | None = None  # --details: details.Details, the lists behind every figure
    hint: str | None = None  # for the clerk's screen: a back-filled month reported without --as-of

    @property
    def title(self) -> str:
        return f"{self.month.title}教育扶贫月报"


@dataclass
class _Inputs:
    """Everything read from the ledger, county-wide, from which each block takes its share."""

    schools: pd.DataFrame
    poor: pd.DataFrame
    previous: pd.DataFrame | None
    away: int
    payments: pd.DataFrame
    undated: int
    uncountable: int
    coverage: coverage.CoverageReport
    cases: pd.DataFrame
    pairing: pair_check.CheckResult
    work: list[tuple] = field(default_factory=list)  # county-wide: collaboration and task board lines
    school_tasks: dict = field(default_factory=dict)  # school id -> the schools' task list tally


def build_monthly(ledger, month: Month, *, as_of: datetime | None = None, school: str | None = None,
                  details: bool = False) -> MonthlyReport:
    """Read the ledger as of `as_of` (default now) and the previous month's as of one month earlier.

    details: also read the lists behind every figure, in the same reads (details_monthly.write writes them)."""
    term = month.term
    with reading(ledger, as_of) as now:
        conn = now.conn
        require_roll(conn, term, in_county=True, purpose="report")
        if school:
            school = Scope(school=school).resolve(conn).school  # the name as the ledger spells it
        # 六个一 judged at the report's cut: the month's own items fall due on its last day, so a report run on the
        # 20th of the next month shows the ones still missing as overdue (judging on the last day never could).
        judged = now.as_of.date()
        pairing = pair_check.run(load_pairing(conn, term, judged), None, pair_rules.DEFAULT_MAX_PER_HELPER)
        inputs = _Inputs(
            schools=facts.schools(conn), poor=facts.poor_on_roll(conn, term), previous=None,
            away=facts.poor_away(conn, term), payments=facts.payments_between(conn, month.first_day, month.last_day),
            undated=facts.undated_payments(conn, term), uncountable=facts.uncountable_payments(conn, [str(term)]),
            coverage=coverage.check(conn, term),
            cases=facts.case_steps(conn, term, month.first_day, month.last_day), pairing=pairing,
            work=collab_monthly.collab_lines(conn, month.first_day, month.last_day)
            + collab_monthly.task_lines(conn, month.first_day, month.last_day),
            school_tasks=collab_monthly.school_task_tally(conn, month.first_day, month.last_day))
        report = MonthlyReport(month, str(term), now.as_of, None, str(month.prev().term), now.ledger_name,
                               now.snapshot, now.batches, school, None, [])
        if as_of is None:
            report.hint = _backfill_hint(month, now.batches, now.as_of)
        if details:
            lists = details_monthly.listings(conn, term, month.first_day, month.last_day, inputs.schools,
                                             inputs.coverage.findings, inputs.cases)
            now_poor, before_poor = details_monthly.poor_rows(conn, term), None
    try:
        before = month_earlier(report.as_of)
        with reading(ledger, before) as then:
            inputs.previous = facts.poor_on_roll(then.conn, month.prev().term)
            if details:
                before_poor = details_monthly.poor_rows(then.conn, month.prev().term)
        report.previous_as_of = before
    except AsOfError:
        report.notes.append("台账只在内存中，无法复制出上月截至时间的台账：新增、减少两项不填")
    _blocks(report, inputs, month)
    if details:
        report.details = details_monthly.details(report, lists, now_poor, before_poor, inputs.schools)
    return report


def _backfill_hint(month: Month, batches: list[dict], now: datetime) -> str | None:
    """Without --as-of a report takes the ledger as it is now: for a past month of a county that back-filled
    (import --dated), that mixes in any data dated after the month, and 比上月 compares with the ledger of a month
    before now, which already held the back-filled months: neither is what the clerk likely meant."""
    backfilled = any(b["imported_at"] - b["effective_at"] > timedelta(hours=1) for b in batches)
    if not backfilled or now.date() <= month.last_day:
        return None
    return (f"台账中有补录的数据（import --dated），本表按现在的台账生成，比上月与一个月前的台账比；"
            f"要得到{month.title}当时的月报，请加 --as-of {month.label}-20（当月 20 日汇总上报时）")


def _blocks(report: MonthlyReport, inputs: _Inputs, month: Month) -> None:
    schools = inputs.schools
    if report.school:
        row = schools[schools["name"] == report.school].iloc[0]
        report.blocks = [_block(report, inputs, month, report.school, "school", {int(row["id"])}, None)]
        return
    report.county = _block(report, inputs, month, "全县", "county", None, None)
    # Townships in the order of the school list (the county seat first, as the bureau lists them).
    for township in dict.fromkeys(t for t in schools["township"] if isinstance(t, str) and t):
        ids = set(schools.loc[schools["township"] == township, "id"].astype(int))
        report.blocks.append(_block(report, inputs, month, township, "township", ids, township))


def _block(report: MonthlyReport, inputs: _Inputs, month: Month, name: str, level: str, ids: set[int] | None,
           township: str | None) -> Block:
    """The block's share of every figure; ids None = the whole county (payments to nobody placed included)."""
    names = set(inputs.schools.loc[inputs.schools["id"].isin(ids), "name"]) if ids is not None else None
    block = Block(name, level)
    lines = block.lines

    def mine(frame: pd.DataFrame, column: str = "school_id") -> pd.DataFrame:
        return frame if ids is None else frame[frame[column].isin(ids)]

    # Registered poor students on the roll, and who came and went since the previous month's cut.
    now = set(mine(inputs.poor)["id_number"])
    where = "本校" if level == "school" else f"本{_unit(level)}学校"
    lines.append(Line("建档立卡学生", "在籍人数", len(now), note=f"{report.term}学籍，{where}在籍（转出、毕业除外）"))
    new = removed = None
    if inputs.previous is not None:
        before = set(mine(inputs.previous)["id_number"])
        new, removed = len(now - before), len(before - now)
        since = f"与上月（{report.previous_term}学籍，截至 {report.previous_as_of:%Y-%m-%d %H:%M}）相比"
        lines.append(Line("建档立卡学生", "比上月新增", new, note=since + "，含转入"))
        lines.append(Line("建档立卡学生", "比上月减少", removed, note=since + "，含转出、毕业"))
    if level == "county":
        lines.append(Line("建档立卡学生", "县外就读", inputs.away, note="县外州内和州外就读，由就读地资助（发函）"))

    # Payments dated in the month.
    paid = mine(inputs.payments)
    by_program = paid.groupby("program", sort=False)[["count", "fen"]].sum()
    for program, row in by_program.iterrows():
        lines.append(Line("本月资助发放", program, int(row["count"]), yuan(int(row["fen"]))))
    total_count, total_fen = int(paid["count"].sum()), int(paid["fen"].sum())
    note = f"发放日期在 {month.first_day:%Y-%m-%d} 至 {month.last_day:%Y-%m-%d}"
    if level == "county" and inputs.undated:
        note += f"；另有 {inputs.undated} 笔发放名册未填发放日期，未计入"
    if level == "county" and inputs.uncountable:
        note += f"；本学期有 {inputs.uncountable} 笔发放的金额超过单笔上限（像是银行卡号），计入人次、未计入金额，请用 fupin subsidy check 核对"
    lines.append(Line("本月资助发放", "合计", total_count, yuan(total_fen), note))

    # Coverage findings of the term, as the check finds them at the cut.
    found = inputs.coverage.findings
    if level == "township":
        # A finding the ledger places in no township (a payment to an ID on no roll) goes where its roster's school
        # is, as in subsidy check --township and in this report's school sheets.
        found = [f for f in found if f.township == township or (f.township is None and f.school in names)]
    elif level == "school":
        found = [f for f in found if f.school in names]
    counts = {k: sum(1 for f in found if f.kind == k) for k in KINDS}
    for kind in KINDS:
        lines.append(Line("资助核对问题", KIND_TITLES[kind], counts[kind]))
    lines.append(Line("资助核对问题", "合计", len(found), note=f"{report.term}全学期逐人核对，截至本月报的台账"))

    # Dropout cases.
    cases = inputs.cases
    if level == "township":
        # A case's township is the child's 户籍 list's, which may space it otherwise than the school list does.
        same = cases["township"].map(lambda t: isinstance(t, str) and text_key(t) == text_key(township)).astype(bool)
        cases = cases[same | (cases["township"].isna() & cases["school_id"].isin(ids))]
    elif level == "school":
        cases = cases[cases["school_id"].isin(ids)]
    opened, returned = int(cases["opened"].sum()), int(cases["returned"].sum())
    # A case opened after the month is not the month's, even while it is still open (as in the year summary).
    still_open = int(((cases["status"] == "open") & cases["begun"]).sum())
    lines.append(Line("控辍保学", "本月新立案", opened, note="含重新立案；辍学台账导入的案件按辍学年月计"))
    lines.append(Line("控辍保学", "本月劝返复学", returned))
    lines.append(Line("控辍保学", "本月送教上门", int(cases["home_schooled"].sum())))
    lines.append(Line("控辍保学", "未销号案件", still_open, note="本月底前已立案、截至本月报的时间仍未销号"))

    # Pairing and the 六个一.
    pairing = inputs.pairing
    rows = pairing.by_school if names is None else [r for r in pairing.by_school if r["school"] in names]
    if names is None:
        poor, paired = pairing.summary["registered_poor_enrolled"], pairing.summary["paired"]
        helpers = pairing.summary["helpers_with_pairings"]
    else:
        poor, paired = sum(r["registered_poor_enrolled"] for r in rows), sum(r["paired"] for r in rows)
        helpers = sum(r["helpers"] for r in rows)
    rate = f"结对率 {percent(paired, poor)}%" if poor else ""
    lines.append(Line("结对帮扶", "应结对的建档立卡学生", poor))
    lines.append(Line("结对帮扶", "已结对", paired, note=rate))
    lines.append(Line("结对帮扶", "未结对", poor - paired))
    lines.append(Line("结对帮扶", "帮扶责任人", helpers, note="本学期有结对任务的责任人"))
    monthly = _tally([r for r in pairing.by_month if r["month"] == month.label and (names is None or r["school"] in names)],
                     MONTHLY_ITEMS)
    term_items = _tally([r["by_item"] for r in pairing.by_helper if names is None or r["school"] in names], TERM_ITEMS)
    for label, tally in (("本月帮扶措施、帮扶活动", monthly), ("学期四项（计划、家访、实事、总结）", term_items)):
        lines.append(Line("六个一", f"{label}：应做", tally["due"]))
        lines.append(Line("六个一", f"{label}：已做", tally["done"]))
        lines.append(Line("六个一", f"{label}：逾期", tally["overdue"], note=f"未到期 {tally['pending']} 项"))

    if level == "county":
        lines.extend(Line(*line) for line in inputs.work)
    if tallies := [t for sid, t in inputs.school_tasks.items() if ids is None or sid in ids]:
        lines.append(Line("学校任务清单", "本月销号", sum(t["done"] for t in tallies)))
        lines.append(Line("学校任务清单", "逾期未销号", sum(t["overdue"] for t in tallies),
                          note=f"{len(tallies)} 所学校，共 {sum(t['total'] for t in tallies)} 项次"))

    block.figures = {"poor": len(now), "new": new, "removed": removed, "payments": total_count,
                     "amount": yuan(total_fen), "findings": len(found), "opened": opened, "returned": returned,
                     "open_cases": still_open, "unpaired": poor - paired, "overdue_month": monthly["overdue"]}
    return block


def _tally(rows: list[dict], labels: list[str]) -> dict[str, int]:
    total = {"due": 0, "done": 0, "overdue": 0, "pending": 0}
    for row in rows:
        for label in labels:
            for key, n in row.get(label, {}).items():
                total[key] += n
    return total


def _unit(level: str) -> str:
    return {"county": "县", "township": "乡镇", "school": "校"}[level]
