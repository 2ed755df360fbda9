"""Every refusal the clerk can act on is a ClerkError with its message, its hint and whether it is a misuse."""

from __future__ import annotations

import pytest

from jiaoyu_fupin.core.idnumber import ID_LENGTH, IdNumberError
from jiaoyu_fupin.core.policy import PolicyError, load_policy
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term, TermError, require_year
from jiaoyu_fupin.store.ledger import LedgerError, NewerLedgerError


def test_the_old_routes_are_clerk_errors_and_still_what_they_were():
    for kind in (TermError, PolicyError, LedgerError, NewerLedgerError, IdNumberError):
        assert issubclass(kind, ClerkError), kind
    assert issubclass(TermError, ValueError) and issubclass(PolicyError, ValueError)
    assert issubclass(LedgerError, RuntimeError)
    bad_id = IdNumberError(ID_LENGTH, "不是 18 位", "请核对")
    assert (bad_id.message, bad_id.hint, bad_id.code, str(bad_id)) == ("不是 18 位", "请核对", ID_LENGTH, "不是 18 位。请核对")


def test_a_clerk_error_is_a_misuse_unless_the_data_refuses():
    plain = ClerkError("没有这所学校", "请写全称")
    assert (str(plain), plain.message, plain.hint, plain.misuse) == ("没有这所学校", "没有这所学校", "请写全称", True)
    assert ClerkError("该学期没有学籍", misuse=False).misuse is False


def test_a_bad_term_and_a_bad_year_are_misuse_with_the_forms_to_write():
    with pytest.raises(TermError) as refused:
        Term.parse("2019冬")
    assert refused.value.misuse and "2019秋、2020春" in refused.value.message
    assert require_year(2019) == 2019
    with pytest.raises(TermError) as refused:
        require_year(1800)
    assert (refused.value.message, refused.value.hint) == ("年份 1800 不在 1990–2100 之间", "例：--year 2019")


def test_a_policy_file_that_is_not_there_is_a_clerk_error(tmp_path):
    with pytest.raises(ClerkError, match="找不到资助标准文件"):
        load_policy(tmp_path / "nowhere.toml")


def test_a_problem_never_quotes_an_id_number_whole():
    from jiaoyu_fupin.core.problems import Problem

    p = Problem("value_invalid", "无法识别的学期“42282220090520009X”", "请改正 42282220090520009X",
                value="42282220090520009X")
    assert (p.message, p.hint, p.value) == ("无法识别的学期“422822********009X”", "请改正 422822********009X",
                                            "422822********009X")
