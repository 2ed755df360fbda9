"""Who is registered poor (建档立卡): one rule, used by every check and report.

A student is registered poor when
  1. the county's poverty registry lists the student's ID number (the import links the student to the registered
     household: students.household_id), or
  2. the roll says so: 家庭经济困难类别 建档立卡 (family_category), or 是否建档立卡贫困户 / 是否建档立卡 /
     建档立卡贫困户 = 是, or a registered household's 贫困户属性 (一般贫困户, 扶贫低保户) (roll_registered).

The registry is the county's record of its registered households, so a roll's 否 never takes off a student the
registry lists (the roll's answer is kept, and shown by `fupin student show`). A roll's 是 counts for a student
the registry does not list: a child from another county is in no registry file of this county, and the roll is
how the county knows them. Nothing else decides it: the checks, the notice, pairing, dropout and every report read
this rule, in SQL (registered_sql) or on a frame (registered_mask).
"""

from __future__ import annotations

# 家庭经济困难类别: code as stored → the name files, templates and reports give it, in the order they list them.
CATEGORIES = {
    "registered_poor": "建档立卡",
    "subsistence_allowance": "低保",
    "extreme_poverty_support": "特困供养",
    "orphan": "孤儿",
    "disabled": "残疾",
    "guaranteed": "兜底保障",
    "other_hardship": "一般困难",
}
CATEGORY = "registered_poor"
# The words files write for a category (a registry's 贫困户属性 among them: 一般贫困户 and 扶贫低保户 are registered
# households), compared by text_key, → the code.
CATEGORY_WORDS = {
    "建档立卡": "registered_poor", "建档立卡户": "registered_poor", "建档立卡贫困户": "registered_poor",
    "建档立卡贫困家庭": "registered_poor", "贫困户": "registered_poor", "一般贫困户": "registered_poor",
    "扶贫低保户": "registered_poor", "建档立卡学生": "registered_poor",
    "低保": "subsistence_allowance", "低保户": "subsistence_allowance", "纯低保户": "subsistence_allowance",
    "城乡低保": "subsistence_allowance", "最低生活保障": "subsistence_allowance",
    "特困供养": "extreme_poverty_support", "特困": "extreme_poverty_support", "五保户": "extreme_poverty_support",
    "特困供养人员": "extreme_poverty_support",
    "孤儿": "orphan", "残疾": "disabled", "残疾学生": "disabled", "残疾人家庭": "disabled",
    "兜底保障": "guaranteed", "兜底保障户": "guaranteed", "兜底户": "guaranteed",
    "一般困难": "other_hardship", "其他": "other_hardship", "一般困难学生": "other_hardship",
}
# The registry's 贫困户属性 values, as its exports write them.
POVERTY_ATTRIBUTES = ("一般贫困户", "扶贫低保户", "纯低保户", "五保户")


def one_of(words) -> str:
    """A hint's list of the words a cell may take: 建档立卡、低保 或 孤儿."""
    words = list(words)
    return "、".join(words[:-1]) + " 或 " + words[-1] if len(words) > 1 else "".join(words)


def registered_sql(alias: str = "s") -> str:
    """The rule as an SQL condition on a students row `alias` (SQLite and PostgreSQL alike)."""
    return (f"({alias}.household_id IS NOT NULL OR COALESCE({alias}.family_category = '{CATEGORY}', FALSE)"
            f" OR COALESCE({alias}.roll_registered, FALSE))")


def hardship_sql(alias: str = "s") -> str:
    """A student from a family in economic hardship (贫困家庭学生), as an SQL condition: a 家庭经济困难类别 on the roll,
    registered poor by the rule above, an orphan, or disabled: the students the subsidy standards are for."""
    return (f"({alias}.family_category IS NOT NULL OR {registered_sql(alias)} OR {alias}.is_orphan"
            f" OR ({alias}.disability IS NOT NULL AND {alias}.disability != ''))")


def registered_flag_sql(alias: str = "s") -> str:
    """The rule as a 0/1 value, for a SELECT list."""
    return f"(CASE WHEN {registered_sql(alias)} THEN 1 ELSE 0 END)"


# The columns of students the rule reads, for code that reads them into a frame.
COLUMNS = ("household_id", "family_category", "roll_registered")


def is_registered(household_id, family_category, roll_registered) -> bool:
    """The rule on one student's values, as read from the students table."""
    return household_id is not None or family_category == CATEGORY or bool(roll_registered)


def registered_mask(frame):
    """The rule on a frame holding the COLUMNS (a pandas boolean Series)."""
    return (frame["household_id"].notna() | (frame["family_category"] == CATEGORY)
            | frame["roll_registered"].map(lambda v: bool(v) if v is not None and v == v else False).astype(bool))
