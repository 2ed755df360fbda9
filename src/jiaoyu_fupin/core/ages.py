"""Ages as education statistics count them: full years on 31 August of the school year's first calendar year.

A child born on 1 September 2013 is 5 on 31 August 2019 and starts primary school a year later than one born
on 31 August 2013, who is already 6.
"""

from __future__ import annotations

from datetime import date

# Older than any pupil a county's roll holds, 中职 included, with a late start and years repeated: a pupil this old is
# an ID number typed wrong (an old 15-digit number upgraded to a 1900s birth), not a person.
MAX_PUPIL_AGE = 25


def age_day(school_year: int) -> date:
    return date(school_year, 8, 31)


def age_on_day(birth: date, school_year: int) -> int:
    day = age_day(school_year)
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_window(school_year: int, low: int, high: int) -> tuple[date, date]:
    """(first, last) birth dates of the children aged low..high on 31 August: both ends included."""
    return date(school_year - high - 1, 9, 1), date(school_year - low, 8, 31)


def age_of_birth_month(birth_year: int, birth_month: int | None, school_year: int) -> int:
    """Age on 31 August from a year (and month) of birth, for tables that carry no dates.

    With the month the 31 August rule is exact (born September to December: one year younger). With the year
    alone the age is school_year - birth_year, which is right for the eight months January to August.
    """
    age = school_year - birth_year
    if birth_month is not None and birth_month >= 9:
        age -= 1
    return age
