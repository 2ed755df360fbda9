"""A case told as the clerk reads it (checks/dropout/timeline.py): the situation cell and the day-by-day history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jiaoyu_fupin.checks.dropout.cases import CaseHistory, CaseView
from jiaoyu_fupin.checks.dropout.scan import WHY_CLOSE, WHY_OPEN, ScanError, scan
from jiaoyu_fupin.checks.dropout.timeline import situation, timeline
from jiaoyu_fupin.core.terms import Term


def _case(origin: str, reason: str | None, **kw) -> CaseView:
    return CaseView(case=7, id_number="422822201103030011", name="李小花", origin=origin, status="open", reason=reason,
                    **kw)


def test_situation_of_a_scanned_case_quotes_the_registry_reason():
    reason = f"疑似失学辍学：8 周岁不在县内学籍名册，也不在县外就读名单（国扶办：义务教育阶段{WHY_OPEN}外出务工{WHY_CLOSE}）"
    assert situation(_case("scan", reason)) == "比对发现（外出务工）"
    assert situation(_case("scan", "疑似失学辍学：8 周岁不在县内学籍名册")) == "比对发现"
    assert situation(_case("scan", None)) == "比对发现"


def test_situation_of_roll_and_ledger_cases():
    assert situation(_case("roll", "学籍状态为辍学：A小学四年级")) == "学籍辍学"
    assert situation(_case("ledger", "厌学")) == "辍学台账：厌学"
    assert situation(_case("ledger", None)) == "辍学台账"


def test_timeline_orders_events_and_visits_by_day():
    history = CaseHistory(_case("scan", "疑似"), events=[
        {"action": "opened", "date": "2019-10-08", "term": "2019秋", "outcome": None, "reason": "疑似",
         "school": None, "teacher": None, "valid_until": None},
        {"action": "closed", "date": "2019-10-25", "term": None, "outcome": "returned", "reason": "已返校",
         "school": "A小学", "teacher": None, "valid_until": None},
    ], visits=[{"date": "2019-10-12", "by": "王老师", "result": "家长同意"}])
    assert timeline(history) == [
        ("2019-10-08", "立案：疑似；比对学期 2019秋"),
        ("2019-10-12", "劝返（王老师）：家长同意"),
        ("2019-10-25", "销号（劝返复学）：已返校；学校 A小学"),
    ]


def test_an_imported_case_starts_when_the_child_left():
    view = _case("ledger", "厌学", left_month="2019-05", opened_on=date(2019, 9, 1))
    history = CaseHistory(view, events=[], visits=[{"date": "2019-09-10", "by": None, "result": None}])
    assert timeline(history) == [("2019-05", "立案（辍学台账）：厌学"), ("2019-09-10", "劝返（）：")]
    undated = CaseHistory(_case("ledger", None), events=[], visits=[])
    assert timeline(undated) == [(None, "立案（辍学台账）：")]


def test_a_scan_dated_after_today_is_refused_by_the_library(cli):
    from jiaoyu_fupin.store.ledger import Ledger

    assert cli("init").exit_code == 0
    ledger = Ledger(cli.db)
    tomorrow = date.today() + timedelta(days=1)
    try:
        with pytest.raises(ScanError) as refused, ledger.transaction() as conn:
            scan(conn, Term(2019, 1), today=tomorrow)
    finally:
        ledger.close()
    assert refused.value.message == f"立案日期 {tomorrow.isoformat()} 在今天之后" and refused.value.misuse
