"""The stages and the school types that imply them: one vocabulary for the import, the checks and the reports."""

from __future__ import annotations

import pytest

from jiaoyu_fupin.core.stages import STAGE_WORDS, STAGES, is_nine_year, is_teaching_point, stage_of_type


@pytest.mark.parametrize(("school_type", "stage"), [
    ("高级中学", "普通高中"), ("完全小学", "小学"), ("村小", "小学"), ("教学点", "小学"), ("小学教学点", "小学"),
    ("初级中学", "初中"), ("职业高级中学", "中职"), ("公办幼儿园", "学前"), ("特殊教育学校", "特殊教育"),
    ("九年一贯制学校", None), ("完全中学", None), ("", None), (None, None), ("高 级 中 学", "普通高中"),
])
def test_a_school_type_implies_one_stage_or_none(school_type, stage):
    assert stage_of_type(school_type) == stage


def test_every_word_maps_to_a_stage_the_roll_stores():
    assert set(STAGE_WORDS.values()) == set(STAGES)
    assert {stage_of_type(t) for t in ("幼儿园", "小学", "初中", "普通高中", "中职", "特殊教育")} <= set(STAGES)


def test_the_school_years_come_first_then_study_after_school():
    assert STAGES.index("特殊教育") < STAGES.index("高职") < STAGES.index("本科")
    assert STAGES[:5] == ("学前", "小学", "初中", "普通高中", "中职")


def test_types_the_reports_and_import_read_apart():
    assert is_nine_year("九年一贯制学校") and not is_nine_year("完全中学") and not is_nine_year(None)
    assert is_teaching_point("小学教学点") and not is_teaching_point("村小")
