"""Grade labels as schools write them: 初中 grade 2 is 八年级, 普通高中 grade 1 is 高一."""

from __future__ import annotations

_LABELS = {
    "学前": ("小班", "中班", "大班"),
    "小学": ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级"),
    "初中": ("七年级", "八年级", "九年级"),
    "普通高中": ("高一", "高二", "高三"),
}
_NUMERALS = "一二三四五六七八九"


def grade_label(stage: str | None, grade: int | None) -> str:
    """The clerk's words for a stage and grade number; empty when the ledger does not know the grade."""
    if grade is None or grade < 1:
        return stage or ""
    labels = _LABELS.get(stage or "")
    if labels and grade <= len(labels):
        return labels[grade - 1]
    word = _NUMERALS[grade - 1] if grade <= len(_NUMERALS) else str(grade)
    return f"{stage or ''}{word}年级"
