"""The stages of schooling and the school types that imply them."""

from __future__ import annotations

from jiaoyu_fupin.core.names import text_key

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
