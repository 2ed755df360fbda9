"""School terms (学期): 2019秋 is the autumn term of 2019, 2020春 the spring term of 2020.

A school year (学年) is the autumn term of year Y followed by the spring term of Y+1, which is
why "2019-2020学年第二学期" means 2020春.  Term texts are typed by hand in many local styles;
parsing accepts the common ones and refuses anything it would have to guess.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from jiaoyu_fupin.core.problems import ClerkError

SPRING = 0
AUTUMN = 1
SEASON_NAMES = ("春", "秋")
MIN_YEAR = 1990
MAX_YEAR = 2100

ACCEPTED_FORMS = "请写成 2019秋、2020春 或 2019-2020学年第一学期 这样的形式"


class TermError(ClerkError, ValueError):
    """A term text that cannot be read; the message is Chinese and meant for the person who typed it (misuse)."""


def require_year(year: int) -> int:
    """A --year a report or the rates are asked for: within the years a term can have, else a misuse."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise TermError(f"年份 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间", "例：--year 2019")
    return year


# Dashes, tildes and slashes people put between the two years of a school year; NFKC has already folded
# the full-width ones (－ ～ ／) to ASCII, the rest survive it.
_YEAR_SEP = r"(?:[-‐‑‒–—―~〜〰/]+|至|到)"
_SEASON_RE = re.compile(r"(\d{4})(?:年度?)?(春|秋)(?:季)?(?:学期)?")
_SCHOOL_YEAR_RE = re.compile(
    rf"(\d{{4}})年?{_YEAR_SEP}(\d{{4}})年?学年度?"
    r"(?:(第一|第1|上|秋季?)|(第二|第2|下|春季?))学期"
)
_HALF_WITHOUT_YEAR_RE = re.compile(r"(第一|第二|第1|第2|上|下)学期")
_OTHER_SEASON_RE = re.compile(r"\d{4}年?(冬|夏)")
_YEAR_ONLY_RE = re.compile(r"\d{4}年?(?:度)?")
_SCHOOL_YEAR_ONLY_RE = re.compile(rf"\d{{4}}年?{_YEAR_SEP}\d{{4}}年?学年度?")
_WHITESPACE_RE = re.compile(r"\s+")


def _refuse(shown: str, reason: str) -> TermError:
    return TermError(f"无法识别的学期“{shown}”：{reason}。{ACCEPTED_FORMS}")


def _check_year(year: int, shown: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _refuse(shown, f"年份 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间")


@dataclass(frozen=True, order=True)
class Term:
    year: int
    season: int  # SPRING (0) or AUTUMN (1); that order makes 2019秋 < 2020春 < 2020秋

    def __post_init__(self) -> None:
        # numpy integers from a DataFrame are welcome, but stored as int so equality and hashing
        # behave the same whichever way a Term was built.
        if not isinstance(self.year, numbers.Integral) or isinstance(self.year, bool):
            raise TermError(f"学期的年份必须是整数，收到的是 {self.year!r}")
        if isinstance(self.season, bool) or self.season not in (SPRING, AUTUMN):
            raise TermError(f"学期的季节只能是 0（春）或 1（秋），收到的是 {self.season!r}")
        object.__setattr__(self, "year", int(self.year))
        object.__setattr__(self, "season", int(self.season))

    def __str__(self) -> str:
        return f"{self.year}{SEASON_NAMES[self.season]}"

    @property
    def label(self) -> str:
        return str(self)

    @property
    def season_name(self) -> str:
        return SEASON_NAMES[self.season]

    @property
    def school_year(self) -> int:
        """The calendar year in which this term's school year began: 2019秋 and 2020春 -> 2019."""
        return self.year if self.season == AUTUMN else self.year - 1

    @property
    def school_year_label(self) -> str:
        half = "第一学期" if self.season == AUTUMN else "第二学期"
        return f"{self.school_year}-{self.school_year + 1}学年{half}"

    def next(self) -> Term:
        if self.season == AUTUMN:
            return Term(self.year + 1, SPRING)
        return Term(self.year, AUTUMN)

    def prev(self) -> Term:
        if self.season == SPRING:
            return Term(self.year - 1, AUTUMN)
        return Term(self.year, SPRING)

    def start(self) -> date:
        return date(self.year, 9, 1) if self.season == AUTUMN else date(self.year, 3, 1)

    @classmethod
    def of_date(cls, d: date) -> Term:
        """Sep-Dec: that year's 秋; January still belongs to the previous 秋; Feb-Aug: that year's 春.

        February and the summer holiday are counted with the spring term they follow or precede,
        as county offices do for monthly reports, even though start() of 春 is 1 March.
        """
        if d.month >= 9:
            return cls(d.year, AUTUMN)
        if d.month == 1:
            return cls(d.year - 1, AUTUMN)
        return cls(d.year, SPRING)

    @classmethod
    def parse(cls, text: str | object) -> Term:
        if isinstance(text, Term):
            return text
        if text is None or (isinstance(text, float) and math.isnan(text)):
            raise TermError(f"学期为空。{ACCEPTED_FORMS}")
        shown = str(text).strip()
        s = _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", str(text)))
        if not s:
            raise TermError(f"学期为空。{ACCEPTED_FORMS}")

        m = _SEASON_RE.fullmatch(s)
        if m:
            year = int(m.group(1))
            _check_year(year, shown)
            return cls(year, SPRING if m.group(2) == "春" else AUTUMN)

        m = _SCHOOL_YEAR_RE.fullmatch(s)
        if m:
            first, second = int(m.group(1)), int(m.group(2))
            if second != first + 1:
                reason = f"学年的两个年份 {first} 和 {second} 不相邻，一个学年跨两个相邻年份，如 {first}-{first + 1}学年"
                raise _refuse(shown, reason)
            term = cls(first, AUTUMN) if m.group(3) else cls(second, SPRING)
            _check_year(term.year, shown)
            return term

        if _OTHER_SEASON_RE.match(s):
            raise _refuse(shown, "学期只有春季和秋季")
        if _YEAR_ONLY_RE.fullmatch(s):
            raise _refuse(shown, "只写了年份，没写春季还是秋季")
        if _SCHOOL_YEAR_ONLY_RE.fullmatch(s):
            raise _refuse(shown, "只写了学年，没写第一学期还是第二学期")
        if _HALF_WITHOUT_YEAR_RE.search(s):
            raise _refuse(shown, "只写了第几学期，无法确定是哪个学年，请写明学年（例如 2019-2020学年第二学期）")
        raise _refuse(shown, "格式不对")


def parse_term(text: str | object) -> Term:
    return Term.parse(text)
