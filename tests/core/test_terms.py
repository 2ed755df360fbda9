from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoyu_fupin.core.terms import AUTUMN, SPRING, Term, TermError, parse_term

AUTUMN_2019 = Term(2019, AUTUMN)
SPRING_2020 = Term(2020, SPRING)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019秋", AUTUMN_2019),
        ("2019春", Term(2019, SPRING)),
        ("2019秋季", AUTUMN_2019),
        ("2019年秋", AUTUMN_2019),
        ("2019年秋季", AUTUMN_2019),
        ("2019年秋季学期", AUTUMN_2019),
        ("2019秋季学期", AUTUMN_2019),
        ("2019年春季学期", Term(2019, SPRING)),
        ("2019-2020学年第一学期", AUTUMN_2019),
        ("2019-2020学年第二学期", SPRING_2020),
        ("2019—2020学年第一学期", AUTUMN_2019),
        ("2019至2020学年上学期", AUTUMN_2019),
        ("2019至2020学年下学期", SPRING_2020),
        ("2019～2020学年度第一学期", AUTUMN_2019),
        ("2019－2020学年第二学期", SPRING_2020),
        ("2019/2020学年第一学期", AUTUMN_2019),
        ("2019／2020学年第二学期", SPRING_2020),
        ("2019年度秋季学期", AUTUMN_2019),
        ("２０１９秋", AUTUMN_2019),
        (" 2019 秋 ", AUTUMN_2019),
        ("2019\u3000年秋季", AUTUMN_2019),
    ],
)
def test_accepted_forms(text: str, expected: Term) -> None:
    assert Term.parse(text) == expected
    assert parse_term(text) == expected


def test_str_and_label() -> None:
    assert str(AUTUMN_2019) == "2019秋"
    assert SPRING_2020.label == "2020春"
    assert Term.parse(str(SPRING_2020)) == SPRING_2020


def test_term_instance_is_returned_as_is() -> None:
    assert Term.parse(AUTUMN_2019) is AUTUMN_2019


def test_ordering() -> None:
    assert AUTUMN_2019 < SPRING_2020
    assert Term(2019, SPRING) < AUTUMN_2019
    shuffled = [Term.parse(t) for t in ["2020秋", "2019秋", "2020春", "2019春", "2021春"]]
    assert [str(t) for t in sorted(shuffled)] == ["2019春", "2019秋", "2020春", "2020秋", "2021春"]


def test_school_year() -> None:
    assert AUTUMN_2019.school_year == 2019
    assert SPRING_2020.school_year == 2019
    assert Term(2019, SPRING).school_year == 2018


def test_next_prev() -> None:
    assert AUTUMN_2019.next() == SPRING_2020
    assert SPRING_2020.next() == Term(2020, AUTUMN)
    assert SPRING_2020.prev() == AUTUMN_2019
    assert AUTUMN_2019.prev() == Term(2019, SPRING)


@given(st.integers(1990, 2100), st.sampled_from([SPRING, AUTUMN]))
def test_next_prev_round_trip(year: int, season: int) -> None:
    term = Term(year, season)
    assert term.next().prev() == term
    assert term.prev().next() == term
    assert term.prev() < term < term.next()
    assert Term.parse(str(term)) == term


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 9, 1), "2019秋"),
        (date(2019, 12, 31), "2019秋"),
        (date(2020, 1, 1), "2019秋"),
        (date(2020, 1, 31), "2019秋"),
        (date(2020, 2, 1), "2020春"),
        (date(2020, 8, 31), "2020春"),
        (date(2020, 9, 1), "2020秋"),
    ],
)
def test_of_date_boundaries(day: date, expected: str) -> None:
    assert str(Term.of_date(day)) == expected


@given(st.dates(date(1991, 1, 1), date(2099, 12, 31)))
def test_of_date_is_monotonic(day: date) -> None:
    assert Term.of_date(day) <= Term.of_date(date.fromordinal(day.toordinal() + 1))


def test_start() -> None:
    assert AUTUMN_2019.start() == date(2019, 9, 1)
    assert SPRING_2020.start() == date(2020, 3, 1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2019冬", "学期只有春季和秋季"),
        ("2019夏", "学期只有春季和秋季"),
        ("2019年冬季学期", "学期只有春季和秋季"),
        ("1989秋", "1990"),
        ("2101春", "2100"),
        ("2019-2021学年第一学期", "不相邻"),
        ("2020-2019学年第二学期", "不相邻"),
        ("第二学期", "2019-2020学年第二学期"),
        ("下学期", "学年"),
        ("2019年第一学期", "学年"),
        ("2019", "春季还是秋季"),
        ("2019-2020学年", "第一学期还是第二学期"),
        ("秋季", "格式不对"),
        ("hello", "格式不对"),
    ],
)
def test_refusals_name_the_bad_text(text: str, fragment: str) -> None:
    with pytest.raises(TermError) as excinfo:
        Term.parse(text)
    message = str(excinfo.value)
    assert f"“{text}”" in message
    assert fragment in message
    assert "2019-2020学年第一学期" in message  # the accepted forms are always listed


def test_winter_message_exactly() -> None:
    with pytest.raises(TermError, match="无法识别的学期“2019冬”：学期只有春季和秋季。请写成 2019秋、2020春"):
        Term.parse("2019冬")


@pytest.mark.parametrize("empty", ["", "   ", "\u3000", None, float("nan")])
def test_empty_is_refused(empty: object) -> None:
    with pytest.raises(TermError, match="学期为空"):
        Term.parse(empty)


def test_term_error_is_value_error() -> None:
    assert issubclass(TermError, ValueError)


def test_invalid_season_in_constructor() -> None:
    with pytest.raises(TermError):
        Term(2019, 2)
