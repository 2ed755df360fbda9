"""Vectorised parsing of the values clerks write: 是/否, 住校/走读, stage and grade names, dates, amounts, terms.

Each parser takes a Series of text (NA = empty) and returns the parsed Series plus a mask of cells that are
filled but could not be understood, so the importer can name them.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.stages import STAGE_WORDS
from jiaoyu_fupin.core.terms import Term, TermError


def by_unique(series: pd.Series, fn) -> pd.Series:
    """fn applied once per distinct value: files repeat the same few words (and dates) a million times.

    Empty cells give None. The result is an object Series aligned with the input.
    """
    return parse_unique(series, fn)[0]


def parse_unique(series: pd.Series, fn) -> tuple[pd.Series, pd.Series]:
    """(fn of each cell, bad mask): fn runs once per distinct value; a filled cell that fn gives None for is bad."""
    codes, uniques = pd.factorize(series)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [fn(u) for u in uniques]
    table[-1] = None  # factorize codes empty cells as -1, which picks this slot
    failed = np.fromiter((v is None for v in table), dtype=bool, count=len(table))
    failed[-1] = False  # an empty cell is not a bad one
    return pd.Series(table[codes], index=series.index, dtype=object), pd.Series(failed[codes], index=series.index)


def map_values(series: pd.Series, table: dict[str, object]) -> tuple[pd.Series, pd.Series]:
    """Map by a small vocabulary; filled cells outside it are bad."""
    return parse_unique(series, lambda u: table.get(text_key(u)))

YES_NO = {"是": True, "否": False, "y": True, "n": False, "1": True, "0": False, "有": True, "无": False,
          "√": True, "×": False}
SEX = {"男": "男", "女": "女", "1": "男", "2": "女", "男性": "男", "女性": "女"}
BOARDING = {"住校": True, "寄宿": True, "是": True, "住读": True, "寄宿生": True,
            "走读": False, "否": False, "非寄宿": False, "走读生": False, "非寄宿生": False}
STATUS = {"在校": "在校", "在读": "在校", "在籍": "在校", "正常": "在校", "在校生": "在校",
          "辍学": "辍学", "失学": "辍学", "休学": "休学", "转出": "转出", "转学": "转出", "已转出": "转出",
          "毕业": "毕业", "已毕业": "毕业"}
STUDY_PLACE = {"县内": "县内", "县外州内": "县外州内", "州内县外": "县外州内", "州内": "县外州内",
               "州外": "州外", "县外州外": "州外", "省外": "州外", "县外": "县外"}

# Grade names -> (stage implied, grade within stage). None for the stage where the name fits several stages
# (一年级 is 小学 or 中职 or 本科): the stage column or the school then decides.
_GRADE_WORDS = {"小班": ("学前", 1), "中班": ("学前", 2), "大班": ("学前", 3), "学前班": ("学前", 3),
                "初一": ("初中", 1), "初二": ("初中", 2), "初三": ("初中", 3),
                "高一": ("普通高中", 1), "高二": ("普通高中", 2), "高三": ("普通高中", 3)}
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
for _word, _n in _NUMERALS.items():
    for _no in (_word, str(_n)):
        _GRADE_WORDS[f"{_no}年级"] = ("初中", _n - 6) if _n >= 7 else (None, _n)
for _word in ("初一", "初二", "初三", "高一", "高二", "高三"):
    _GRADE_WORDS[f"{_word}年级"] = _GRADE_WORDS[_word]
MAX_GRADE = {"学前": 3, "小学": 6, "初中": 3, "普通高中": 3, "中职": 3, "高职": 3, "本科": 5, "特殊教育": 9}


def parse_grade(series: pd.Series, stage: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(stage, grade number, bad mask). A grade that contradicts its stage is bad.

    Worked out once per distinct (stage, grade text) pair: a roll holds a few dozen of them.
    """
    grade_codes, grades = pd.factorize(series)
    stage_codes, stages = pd.factorize(stage)
    # An empty cell (code -1) becomes the slot past the last distinct value, which reads as None below.
    grade_codes = np.where(grade_codes < 0, len(grades), grade_codes).astype(np.int64)
    stage_codes = np.where(stage_codes < 0, len(stages), stage_codes).astype(np.int64)
    pair_codes, pairs = pd.factorize(stage_codes * (len(grades) + 1) + grade_codes)
    out = np.empty((len(pairs), 3), dtype=object)
    for i, p in enumerate(pairs):
        s, g = divmod(int(p), len(grades) + 1)
        out[i] = _one_grade(stages[s] if s < len(stages) else None, grades[g] if g < len(grades) else None)
    picked = out[pair_codes]
    index = series.index
    return (pd.Series(picked[:, 0], index=index, dtype=object), pd.Series(picked[:, 1], index=index, dtype=object),
            pd.Series(picked[:, 2].astype(bool), index=index))


def _stage_prefixed(key: str) -> tuple[str | None, tuple | None]:
    """中职一年级, 初中一年级, 高中二年级, 幼儿园大班: (the stage named, the grade word after it)."""
    for prefix in sorted(STAGE_WORDS, key=len, reverse=True):
        if key.startswith(prefix) and key[len(prefix):] in _GRADE_WORDS:
            return STAGE_WORDS[prefix], _GRADE_WORDS[key[len(prefix):]]
    return None, None


def _one_grade(stage: str | None, text: str | None) -> tuple[str | None, int | None, bool]:
    word = _GRADE_WORDS.get(text_key(text)) if text is not None else None
    if text is not None and word is None:
        named, word = _stage_prefixed(text_key(text))
        if word is None:
            return stage, None, True
        if stage is not None and stage != named and stage != "特殊教育":
            return stage, word[1], True
        if stage == "特殊教育" and named == "初中":  # 初中一年级 of a special school: its grade 7
            word = ("初中", word[1])
        stage = stage or named
    implied, number = word if word else (None, None)
    if stage == "特殊教育" and implied == "初中" and number is not None:
        # A special school numbers its nine compulsory years 一年级…九年级 (enrollment.py ranks 7-9 as junior):
        # 七年级 / 初一 there is grade 7, not the 初中's grade 1, which would be its own 一年级.
        return stage, number + 6, False
    final_stage = stage if stage is not None else implied
    # 初中 7-9 written as 一年级-三年级 of the junior stage are common in junior schools' own rolls.
    junior_low = stage == "初中" and implied is None and number in (1, 2, 3)
    ok_stage = stage is None or implied is None or stage == implied or junior_low or stage == "特殊教育"
    too_high = bool(final_stage and number and number > MAX_GRADE.get(final_stage, 9))
    return final_stage, number, text is not None and (not ok_stage or too_high)


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^\d{4,5}(?:\.0+)?$")
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT_MONTH_RE = re.compile(r"^(\d{4})(\d{2})$")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """2019-09-01, 2019/9/1, 2019年9月1日, 20190901, 2019.9.1, Excel serials -> datetime.date (NA when empty)."""
    # Keep the space between date and time (a date cell reads as "2019-05-07 00:00:00").
    return parse_unique(series, lambda u: _one_date(unicodedata.normalize("NFKC", u).strip()))


def parse_day(text: str, what: str = "日期"):
    """One date a clerk typed (an option such as --date or --as-of), in any form parse_dates reads; a ClerkError
    (misuse) naming `what` when it is not one."""
    day = _one_date(unicodedata.normalize("NFKC", str(text)).strip())
    if day is None:
        raise ClerkError(f"{what}“{text}”无法识别", "请写成 2019-11-05 这样的日期")
    return day


def _one_date(text: str):
    m = _DATE_RE.match(text) or _COMPACT_RE.match(text)
    try:
        if m:
            return pd.Timestamp(int(m[1]), int(m[2]), int(m[3])).date()
        if _SERIAL_RE.match(text) and 1 <= float(text) <= 80000:
            return (EXCEL_EPOCH + pd.Timedelta(days=int(float(text)))).date()
    except ValueError:
        return None
    return None


def parse_months(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """辍学年月 such as 2019-10, 2019年10月, 201910 or a full date -> "2019-10"."""
    return parse_unique(series, _one_month)


def _one_month(text: str) -> str | None:
    k = text_key(text)
    m = _MONTH_RE.match(k) or _COMPACT_MONTH_RE.match(k)
    if m and 1 <= int(m[2]) <= 12:
        return f"{int(m[1]):04d}-{int(m[2]):02d}"
    d = _one_date(unicodedata.normalize("NFKC", text).strip())
    return f"{d.year:04d}-{d.month:02d}" if d else None


_AMOUNT_RE = re.compile(r"^-?\d+(?:\.\d+)?$")


def parse_amounts(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts in 元 as Decimal: strips 元, ¥ and thousands separators; more than 2 decimals is bad."""
    return parse_unique(series, _one_amount)


def _one_amount(text: str) -> Decimal | None:
    k = text_key(text).replace(",", "").replace("，", "").replace("元", "").replace("¥", "").replace("￥", "")
    if not _AMOUNT_RE.match(k):
        return None
    try:
        d = Decimal(k)
    except InvalidOperation:
        return None
    if d != d.quantize(Decimal("0.01")):
        return None
    return d.normalize() if d != d.to_integral_value() else d.quantize(Decimal(1))


def parse_terms(series: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, str]]:
    """(term labels, bad mask, {bad text: message})."""
    messages = {}

    def one(text: str) -> str | None:
        try:
            return str(Term.parse(text))
        except TermError as exc:
            messages[text] = str(exc)
            return None

    parsed, bad = parse_unique(series, one)
    return parsed, bad, messages


def name_key(series: pd.Series) -> pd.Series:
    """School and program names compared without spaces and width differences."""
    return by_unique(series, text_key)
