"""The 六个一 and when each falls due: pure functions of a term and a date.

The seeds' wording (`001_…` 附件3): 一学期制定一个帮扶规划、一学期进行一次家访、一学期为学生做一件实事、一个月实施一个
具体帮扶措施、一个月开展一次帮扶活动、一学期进行一次总结. Owed by each pairing (a helper for one student), since the
结对帮扶手册 is kept per student.

Rules where the seeds are silent, chosen here and documented in the README:
- A term's months are Sep–Jan (秋) and Mar–Jul (春); the term ends on the last day of its last month.
- A monthly item for a month is owed by the pairing in effect on that month's last day, and is overdue once the
  as-of date is past that day without a record dated in that month.
- A per-term item is owed by the pairing in effect on the term's last day, and is overdue once the as-of date is
  past that day without a record in the term. A record counts for the term its date falls in as `Term.of_date`
  says, so a plan written in February or a summary written in August counts for 春.
- Records dated after the as-of date are not counted: a check as of a date shows the record as it stood then.
- "Current" pairings for a term are those in effect on the reference date: the as-of date, held inside the term.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from jiaoyu_fupin.core.terms import AUTUMN, Term

PLAN, HOME_VISIT, DEED, SUMMARY, MEASURE, ACTIVITY = "plan", "home_visit", "deed", "summary", "measure", "activity"
TERM_ITEMS = (PLAN, HOME_VISIT, DEED, SUMMARY)
MONTHLY_ITEMS = (MEASURE, ACTIVITY)
ITEMS = TERM_ITEMS + MONTHLY_ITEMS
LABELS = {PLAN: "计划", HOME_VISIT: "家访", DEED: "实事", SUMMARY: "总结", MEASURE: "帮扶措施", ACTIVITY: "帮扶活动"}

# What clerks write in the 帮扶类型 column, compared without spaces and width differences.
ITEM_WORDS = {
    "计划": PLAN, "帮扶计划": PLAN, "帮扶规划": PLAN, "规划": PLAN, "制定帮扶规划": PLAN, "帮扶规划(计划)": PLAN,
    "家访": HOME_VISIT, "入户家访": HOME_VISIT, "家访记录": HOME_VISIT,
    "实事": DEED, "办实事": DEED, "做实事": DEED, "一件实事": DEED, "为学生做一件实事": DEED,
    "总结": SUMMARY, "帮扶总结": SUMMARY, "学期总结": SUMMARY,
    "帮扶措施": MEASURE, "措施": MEASURE, "具体帮扶措施": MEASURE,
    "帮扶活动": ACTIVITY, "活动": ACTIVITY,
}

LEVELS = {"township": "乡镇", "school": "学校", "class": "班级"}
LEVEL_WORDS = {"乡镇": "township", "乡镇(街道)": "township", "乡": "township", "镇": "township",
               "学校": "school", "校": "school", "班级": "class", "班": "class", "年级": "class"}

EXCLUDED_STATUSES = ("转出", "毕业")  # still on the roll otherwise: a dropout needs a helper most of all
DEFAULT_MAX_PER_HELPER = 5


def term_months(term: Term) -> list[tuple[int, int]]:
    if term.season == AUTUMN:
        return [(term.year, 9), (term.year, 10), (term.year, 11), (term.year, 12), (term.year + 1, 1)]
    return [(term.year, m) for m in (3, 4, 5, 6, 7)]


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def first_day(term: Term) -> date:
    year, month = term_months(term)[0]
    return date(year, month, 1)


def last_day(term: Term) -> date:
    return month_end(*term_months(term)[-1])


def record_span(term: Term) -> tuple[date, date]:
    """Dates whose records can count for the term: what Term.of_date maps to it (秋 Sep–Jan, 春 Feb–Aug)."""
    if term.season == AUTUMN:
        return date(term.year, 9, 1), date(term.year + 1, 1, 31)
    return date(term.year, 2, 1), date(term.year, 8, 31)


def reference_date(term: Term, as_of: date) -> date:
    """The day pairings are judged on: the as-of date, held inside the term."""
    return min(max(as_of, first_day(term)), last_day(term))


@dataclass(frozen=True)
class Due:
    item: str
    period: str  # the term label for per-term items, "YYYY-MM" for monthly ones
    deadline: date


def due_points(term: Term) -> list[Due]:
    points = [Due(item, str(term), last_day(term)) for item in TERM_ITEMS]
    for year, month in term_months(term):
        points += [Due(item, month_label(year, month), month_end(year, month)) for item in MONTHLY_ITEMS]
    return points


def period_of(item: str, day: date) -> str:
    if item in MONTHLY_ITEMS:
        return month_label(day.year, day.month)
    return str(Term.of_date(day))


def class_key(name: object) -> str | None:
    """Class labels compared loosely: “1班”, “(1)班”, “一班” and “1” are one class."""
    if not isinstance(name, str | int):  # None, NaN and pandas' NA: no class given
        return None
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name)))
    key = key.strip("()（）").removesuffix("班").strip("()（）")
    key = str(_NUMERALS[key]) if key in _NUMERALS else key
    return key or None


_NUMERALS = {w: i for i, w in enumerate("一二三四五六七八九十", 1)}


def is_id_like(code: str) -> bool:
    return bool(re.fullmatch(r"\d{17}[\dX]|\d{15}", code or ""))


def shown_code(code: str) -> str:
    """A helper's code as the screen shows it: ID numbers masked, staff numbers as they are."""
    from jiaoyu_fupin.core import idnumber

    return idnumber.mask(code) if is_id_like(code) else code

