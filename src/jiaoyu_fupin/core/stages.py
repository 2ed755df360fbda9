"""The stages of schooling and the school types that imply them."""

from __future__ import annotations

from jiaoyu_fupin.core.names import text_key

# The stages as the roll stores them, in the order every table, template list and message gives them: the years a
# county's own schools teach (特殊教育 beside them, as the 总结 counts its schools), then study after school.
# A standard or a file cell for any other word (高中 for 普通高中) is mapped by STAGE_WORDS or refused.
STAGES = ("学前", "小学", "初中", "普通高中", "中职", "特殊教育", "高职", "本科")
# Study after school: no county school teaches it, so programs for these stages are the county's to pay its students
# wherever they study (路费, 兜底大学生活补助); aid at a school stage is paid by the county where the student studies.
AFTER_SCHOOL = ("高职", "本科")

# The words files write in a 学段 cell, compared by text_key, → the stage.
STAGE_WORDS = {
    "学前": "学前", "学前教育": "学前", "幼儿园": "学前", "幼儿": "学前", "学前班": "学前",
    "小学": "小学", "初中": "初中", "初级中学": "初中",
    "高中": "普通高中", "普通高中": "普通高中", "普高": "普通高中",
    "中职": "中职", "中等职业教育": "中职", "中等职业学校": "中职", "职高": "中职", "中专": "中职",
    "高职": "高职", "大专": "高职", "专科": "高职", "高等职业教育": "高职",
    "本科": "本科", "大学": "本科", "大学本科": "本科",
    "特殊教育": "特殊教育", "特教": "特殊教育",
}

# The school types the schools template offers (a county's own words are read too: stage_of_type).
SCHOOL_TYPES = ("幼儿园", "小学", "教学点", "初中", "九年一贯制学校", "完全中学", "普通高中", "中职", "特殊教育")

STAGE_OF_TYPE = {"幼儿园": "学前", "小学": "小学", "教学点": "小学", "初中": "初中", "初级中学": "初中",
                 "普通高中": "普通高中", "高中": "普通高中", "中职": "中职", "中等职业学校": "中职",
                 "特殊教育": "特殊教育", "特殊教育学校": "特殊教育"}


# Words in the type names school lists really use (完全小学, 村小, 小学教学点, 公办幼儿园, 职业高级中学 …), checked
# in this order; 九年一贯制 and 完全中学 span two stages, so their grade decides.
_TYPE_WORDS = (("一贯制", None), ("完全中学", None), ("特殊教育", "特殊教育"), ("特教", "特殊教育"),
               ("幼儿", "学前"), ("小学", "小学"), ("村小", "小学"), ("教学点", "小学"),
               ("职业", "中职"), ("中职", "中职"), ("职高", "中职"), ("中专", "中职"), ("技工", "中职"),
               ("初级中学", "初中"), ("初中", "初中"), ("高级中学", "普通高中"), ("高中", "普通高中"))


def stage_of_type(school_type: str | None) -> str | None:
    """The stage a school's type implies, or None when it spans stages (九年一贯制) or says nothing."""
    if not school_type:
        return None
    key = text_key(school_type)
    if key in STAGE_OF_TYPE:
        return STAGE_OF_TYPE[key]
    return next((stage for word, stage in _TYPE_WORDS if word in key), None)


def is_nine_year(school_type: str | None) -> bool:
    """九年一贯制: its grades 一年级…九年级 run through 小学 and 初中, so the grade decides the stage."""
    return isinstance(school_type, str) and "一贯制" in text_key(school_type)


def is_teaching_point(school_type: str | None) -> bool:
    """教学点 (小学教学点 …): a 小学 the 总结 counts apart within its primary schools."""
    return isinstance(school_type, str) and "教学点" in text_key(school_type)
