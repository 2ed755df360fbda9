"""The runners of the ledger checks a task can be tied to: it is struck off only when the ledger agrees.

"实现建档立卡贫困家庭学生资助全覆盖无遗漏" stays open while `fupin subsidy check` finds payments missing;
"所有建档立卡贫困家庭学生都有帮扶责任人" while `fupin pair check` finds students without a helper. A new task gets the
check its words call for (core/tasks.py); `fupin task tie` changes that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from jiaoyu_fupin.checks.subsidy.coverage import NoRollError
from jiaoyu_fupin.core.tasks import CHECKS
from jiaoyu_fupin.core.terms import Term


@dataclass(frozen=True)
class Verdict:
    agrees: bool  # the ledger shows the task's goal met
    detail: str  # what the check found, in the clerk's words


def _subsidy(conn: Connection, term: Term, on: date, school: str | None) -> Verdict:
    from jiaoyu_fupin.checks.subsidy import coverage
    from jiaoyu_fupin.checks.subsidy.scope import Scope

    report = coverage.check(conn, term, Scope(school=school) if school else None)
    missing = sum(1 for f in report.findings if f.kind == "missing")
    where = school or "全县"
    if missing:
        return Verdict(False, f"{term}{where}仍有 {missing} 人次应助未助（fupin subsidy check --term {term}）")
    return Verdict(True, f"{term}{where}应助尽助，没有漏发")


def _pairing(conn: Connection, term: Term, on: date, school: str | None) -> Verdict:
    from jiaoyu_fupin.checks.pairing import check as pair_check
    from jiaoyu_fupin.checks.pairing.data import load
    from jiaoyu_fupin.core import pairing as rules

    data = load(conn, term, on)
    result = pair_check.run(data, data.school_id(school) if school else None, rules.DEFAULT_MAX_PER_HELPER,
                            details=False)
    poor, paired = result.summary["registered_poor_enrolled"], result.summary["paired"]
    where = school or "全县"
    if poor > paired:
        return Verdict(False, f"{term}{where}仍有 {poor - paired} 名建档立卡学生没有帮扶责任人（fupin pair check --term {term}）")
    return Verdict(True, f"{term}{where}建档立卡学生 {poor} 人都有帮扶责任人")


# The runner of each check named in core.tasks.CHECKS.
RUNS: dict[str, Callable[[Connection, Term, date, str | None], Verdict]] = {"subsidy": _subsidy, "pairing": _pairing}


def verdict(conn: Connection, name: str, on: date, school: str | None = None) -> Verdict:
    """What the ledger says on a date (the term that date falls in)."""
    term = Term.of_date(on)
    try:
        return RUNS[name](conn, term, on, school)
    except NoRollError:
        return Verdict(False, f"台账中没有 {term} 的学籍，无法核对（{CHECKS[name].title}）")
