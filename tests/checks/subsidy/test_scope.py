"""The subsidy check refuses what it cannot answer, in the library: an unknown school or township is not an empty
report, a term without a roll is not a clean one, and every refusal carries its own hint."""

from __future__ import annotations

import pytest

from conftest import ROLL_HEADER, roll_rows, write_xlsx
from jiaoyu_fupin.checks.subsidy.coverage import NoRollError, check, require_roll
from jiaoyu_fupin.checks.subsidy.notice import notice_rows, require_posting_days
from jiaoyu_fupin.checks.subsidy.scope import Scope, ScopeError
from jiaoyu_fupin.core.names import NAME_HINT
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.ledger import Ledger

AUTUMN = Term(2019, 1)


@pytest.fixture
def conn(cli, schools, tmp_path):
    roll = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, roll_rows())
    assert cli("import", roll, "--term", "2019秋").exit_code == 0
    ledger = Ledger(cli.db)
    with ledger.engine.connect() as connection:
        yield connection
    ledger.close()


def test_check_of_an_unknown_school_names_the_close_ones(conn):
    with pytest.raises(ScopeError) as refused:
        check(conn, AUTUMN, Scope(school="城关中"))
    assert refused.value.message.startswith("学校“城关中”不在台账的学校名单中；相近的有：城关中学、")
    assert refused.value.hint == NAME_HINT and refused.value.misuse


def test_check_of_an_unknown_township_and_of_both_at_once(conn):
    with pytest.raises(ScopeError, match="台账中没有乡镇“城关”；相近的有：城关镇$"):
        check(conn, AUTUMN, Scope(township="城关"))
    with pytest.raises(ScopeError, match="--school 和 --township 只能用一个"):
        check(conn, AUTUMN, Scope(school="城关中学", township="城关镇"))
    with pytest.raises(ScopeError, match="学校“不存在的学校”不在台账的学校名单中$"):  # nothing close: no suggestion
        notice_rows(conn, AUTUMN, Scope(school="不存在的学校"))


def test_a_known_school_is_checked_as_the_ledger_spells_it(conn):
    report = check(conn, AUTUMN, Scope(school="城关 中学"))
    assert report.scope.label == "城关中学" and report.entitled_students == 0


def test_no_roll_is_worded_for_the_command_that_asked(conn):
    spring = Term(2020, 0)
    with pytest.raises(NoRollError) as refused:
        check(conn, spring)
    assert (refused.value.message, refused.value.misuse) == ("台账中没有 2020春 的学籍记录，无法核对", True)
    assert refused.value.hint == "请先导入 2020春 的学籍名册（fupin import 学籍.xlsx），再核对发放"
    with pytest.raises(NoRollError, match="无法生成公示名单"):
        notice_rows(conn, spring, Scope.county())
    with pytest.raises(NoRollError) as refused:
        require_roll(conn, spring, in_county=True, purpose="report")
    assert refused.value.misuse is False and "无法出表，什么也没有写" in refused.value.message


def test_a_notice_stays_up_five_working_days_at_least():
    require_posting_days(5)
    with pytest.raises(ClerkError, match="公示期不得少于 5 个工作日，现在是 3"):
        require_posting_days(3)


def test_a_notice_with_nobody_to_post_is_refused(conn):
    with pytest.raises(ClerkError) as refused:
        notice_rows(conn, AUTUMN, Scope(school="县第一高级中学"), paid=True)
    assert refused.value.message == "2019秋（县第一高级中学）没有可公示的学生" and refused.value.misuse is False
    assert refused.value.hint == "请确认该学期的学籍和发放名册已经导入"
