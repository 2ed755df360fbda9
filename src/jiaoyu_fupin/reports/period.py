"""The periods reports are made for: a month (月报) and a calendar year (总结), and the times they are cut at."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import AUTUMN, MAX_YEAR, MIN_YEAR, SPRING, Term


class PeriodError(ClerkError, ValueError):
    """A month or year that cannot be read; the message is Chinese."""


_MONTH_RE = re.compile(r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, value: str) -> Month:
        """2019-11, 2019/11, 2019年11月."""
        m = _MONTH_RE.fullmatch(unicodedata.normalize("NFKC", str(value)).strip())
        if not m or not 1 <= int(m[2]) <= 12 or not MIN_YEAR <= int(m[1]) <= MAX_YEAR:
            raise PeriodError(f"无法识别的月份“{value}”", "请写成 2019-11 这样的形式")
        return cls(int(m[1]), int(m[2]))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def term(self) -> Term:
        """The term the month's report speaks of: Sep–Jan 秋, Feb–Aug 春 (as Term.of_date counts them)."""
        return Term.of_date(self.first_day)

    def prev(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)


def year_terms(year: int) -> tuple[Term, Term]:
    """The calendar year's two terms: its spring and its autumn (2019: 2019春 and 2019秋)."""
    return Term(year, SPRING), Term(year, AUTUMN)


def month_earlier(moment: datetime) -> datetime:
    """The same day and time one month earlier, the day held inside a shorter month (03-31 → 02-28)."""
    year, month = (moment.year - 1, 12) if moment.month == 1 else (moment.year, moment.month - 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
