"""What import options the library refuses, with the hint: a kind it does not know, a correction of several files,
a date that is not one."""

from __future__ import annotations

from datetime import date

import pytest

from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.importers.columns import require_kind


def test_a_kind_is_named_by_code_or_title_and_an_unknown_one_lists_the_choices():
    assert require_kind("学籍名册") == "roll" and require_kind("roll") == "roll"
    with pytest.raises(ClerkError) as refused:
        require_kind("工资表", "模板类型")
    assert refused.value.message == "不认识的模板类型“工资表”" and "学籍名册（roll）" in refused.value.hint


def test_a_correction_is_one_file(tmp_path):
    from jiaoyu_fupin.importers.engine import require_one_file

    require_one_file([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], None)
    require_one_file([tmp_path / "a.xlsx"], 3)
    with pytest.raises(ClerkError, match="--replaces 一次只能给一个文件，现在给了 2 个"):
        require_one_file([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], 3)


def test_an_option_date_in_any_form_a_clerk_writes():
    from jiaoyu_fupin.importers.values import parse_day

    for text in ("2019-11-05", "2019/11/5", "2019年11月5日", "20191105", " 2019-11-05 "):
        assert parse_day(text) == date(2019, 11, 5), text
    with pytest.raises(ClerkError) as refused:
        parse_day("11月5日", "截至日期")
    assert (refused.value.message, refused.value.hint) == ("截至日期“11月5日”无法识别", "请写成 2019-11-05 这样的日期")
