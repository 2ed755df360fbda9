"""Refusals the report commands used to make in cli/, now made by the library with their hints."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from jiaoyu_fupin.checks.subsidy.scope import ScopeError
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.reports.letters.chain import letters_to_write
from jiaoyu_fupin.store.asof import AsOfError, parse_dated, refuse_before
from jiaoyu_fupin.store.ledger import Ledger


def test_a_data_date_in_the_future_is_refused():
    assert parse_dated("2019-10-20") == datetime(2019, 10, 20)
    later = date.today() + timedelta(days=2)
    with pytest.raises(AsOfError) as refused:
        parse_dated(later.isoformat())
    assert refused.value.message == f"数据日期 {later:%Y-%m-%d} 00:00 在现在之后" and refused.value.misuse
    assert refused.value.hint == "--dated 写文件中数据所反映的那一天，不能晚于今天"


def test_a_cut_before_the_period_began_is_refused():
    refuse_before(None, date(2019, 11, 1), "该月")
    refuse_before(datetime(2019, 11, 1, 0, 0), date(2019, 11, 1), "该月")
    with pytest.raises(AsOfError, match="截至时间 2019-10-31 23:00 早于该月的第一天 2019-11-01"):
        refuse_before(datetime(2019, 10, 31, 23, 0), date(2019, 11, 1), "该月")



def test_letters_are_refused_when_there_is_nothing_to_write(cli, schools):
    ledger = Ledger(cli.db)
    try:
        with ledger.engine.connect() as conn:
            with pytest.raises(ScopeError, match="学校“城关小学”不在台账的学校名单中；相近的有：城关第一小学"):
                letters_to_write(conn, Term(2019, 1), date(2019, 11, 30), "城关小学")
            with pytest.raises(ClerkError) as refused:
                letters_to_write(conn, Term(2019, 1), date(2019, 11, 30), "城关中学")
    finally:
        ledger.close()
    assert refused.value.message == "台账中没有包保责任和结对关系，写不出责任书" and refused.value.misuse


def test_the_monthly_report_goes_into_a_folder_that_exists(tmp_path):
    from jiaoyu_fupin.reports.monthly_sheets import require_out_folder

    require_out_folder(tmp_path)
    with pytest.raises(ClerkError) as refused:
        require_out_folder(tmp_path / "月报.xlsx")
    assert refused.value.message == f"--out 的文件夹“{tmp_path / '月报.xlsx'}”不存在"
    assert refused.value.hint == "--out 写文件夹，月报的文件名自动取为 月报_年-月.xlsx"
    (tmp_path / "a_file").write_text("")
    with pytest.raises(ClerkError, match="--out 应是文件夹"):
        require_out_folder(tmp_path / "a_file")


def test_the_narrative_is_a_docx_or_md_file(tmp_path):
    from jiaoyu_fupin.reports.narrative import require_narrative_path

    require_narrative_path(tmp_path / "总结.md", 2019)
    with pytest.raises(ClerkError) as refused:
        require_narrative_path(tmp_path / "总结.txt", 2019)
    assert refused.value.hint == "例如 --narrative 总结_2019.docx"
    (tmp_path / "总结.docx").mkdir()
    with pytest.raises(ClerkError, match="是一个已有的文件夹"):
        require_narrative_path(tmp_path / "总结.docx", 2019)
