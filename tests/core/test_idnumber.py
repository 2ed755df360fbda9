from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiaoyu_fupin.core import idnumber as idn
from jiaoyu_fupin.core.idnumber import IdCheck, IdNumberError

TODAY = date(2024, 9, 1)


def make_id(region: str = "422822", born: str = "19900101", seq: str = "123") -> str:
    body = region + born + seq
    return body + idn.check_char(body)


VALID = make_id()  # 422822199001011231, male
VALID_X = next(i for i in (make_id(seq=f"{s:03d}") for s in range(1000)) if i.endswith("X"))
TO_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_constants() -> None:
    assert idn.WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert idn.CHECK_CHARS == "10X98765432"


def test_check_char_known_values() -> None:
    # The worked example of GB 11643-1999.
    assert idn.check_char("11010519491231002") == "X"
    assert idn.check_char("44052418800101001") == "4"


def test_valid_ids() -> None:
    for value in (VALID, VALID_X, make_id("110105", "20200229", "002"), make_id("820000", "19000101", "999")):
        result = idn.check(value, today=TODAY)
        assert result == IdCheck(value, None, "", "")
        assert result.ok
        assert idn.parse(value, today=TODAY) == value
        assert idn.is_valid(value, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, "id_missing"),
        ("", "id_missing"),
        (" \u3000 ", "id_missing"),
        (float("nan"), "id_missing"),
        (pd.NA, "id_missing"),
        (422822199001011234, "id_excel_number"),
        (4.22822e17, "id_excel_number"),
        (np.float64(4.22822199001011e17), "id_excel_number"),
        ("4.22822E+17", "id_excel_number"),
        ("4.22822e17", "id_excel_number"),
        ("42282219900101100.0", "id_excel_number"),
        ("422822199001011000", "id_excel_truncated"),
        ("42282219900101123", "id_length"),
        ("4228221990010112311", "id_length"),
        ("张三", "id_chars"),
        ("42282219900101123A", "id_chars"),
        ("4228221990010112X1", "id_chars"),
        ("42282290010112X", "id_chars"),
        ("001234199001011234", "id_region"),
        ("992822199001011234", "id_region"),
        (make_id(born="19900230"), "id_birth_date"),
        (make_id(born="18991231"), "id_birth_date"),
        (make_id(born="20240902"), "id_birth_date"),
        ("422822901301123", "id_birth_date"),
        (VALID[:-1] + "2", "id_checksum"),
    ],
)
def test_invalid_kinds(raw: object, code: str) -> None:
    result = idn.check(raw, today=TODAY)
    assert result.code == code
    assert result.value is None
    assert result.message and result.hint
    with pytest.raises(IdNumberError) as excinfo:
        idn.parse(raw, today=TODAY)
    assert excinfo.value.code == code
    assert excinfo.value.message == result.message
    assert excinfo.value.hint == result.hint
    assert isinstance(excinfo.value, ValueError)
    assert not idn.is_valid(raw, today=TODAY)


def test_messages_name_the_value() -> None:
    for raw in ("42282219900101123", "4228221990010112X1", "992822199001011234", VALID[:-1] + "2"):
        assert raw in idn.check(raw, today=TODAY).message
    assert "19900230" in idn.check(make_id(born="19900230"), today=TODAY).message


def test_birth_date_today_is_allowed() -> None:
    assert idn.is_valid(make_id(born="20240901"), today=TODAY)
    assert not idn.is_valid(make_id(born="20240901"), today=date(2024, 8, 31))


@pytest.mark.parametrize(
    "raw",
    [
        VALID.translate(TO_FULL_WIDTH),
        " " + VALID + " ",
        VALID[:6] + " " + VALID[6:14] + "\u3000" + VALID[14:],
        "\t" + VALID + "\n",
        "'" + VALID,
        "’" + VALID,
        "`" + VALID,
        "\u200b" + VALID,
    ],
)
def test_normalisations(raw: str) -> None:
    assert idn.normalize(raw) == VALID
    assert idn.parse(raw, today=TODAY) == VALID


def test_x_normalisation() -> None:
    assert idn.parse(VALID_X.lower(), today=TODAY) == VALID_X
    assert idn.parse(VALID_X[:-1] + "Ｘ", today=TODAY) == VALID_X
    assert idn.parse(VALID_X[:-1] + "ｘ", today=TODAY) == VALID_X


def test_upgrade15() -> None:
    assert idn.upgrade15("422822900101123") == VALID
    assert idn.parse("422822900101123", today=TODAY) == VALID
    assert idn.upgrade15("４２２８２２９００１０１１２３") == VALID
    with pytest.raises(IdNumberError):
        idn.upgrade15("42282290010112")


def test_birth_date_sex_age() -> None:
    assert idn.birth_date(VALID) == date(1990, 1, 1)
    assert idn.sex(VALID) == "男"
    assert idn.sex(make_id(seq="124")) == "女"
    assert idn.sex("422822900101124") == "女"
    # School entry counts full years on 31 August: born 31 Aug is already six, born 1 Sep is not.
    assert idn.age_on(make_id(born="20130831"), date(2019, 8, 31)) == 6
    assert idn.age_on(make_id(born="20130901"), date(2019, 8, 31)) == 5
    assert idn.age_on(make_id(born="20120229"), date(2013, 2, 28)) == 0
    assert idn.age_on(make_id(born="20120229"), date(2013, 3, 1)) == 1
    with pytest.raises(ValueError):
        idn.age_on(VALID, date(1989, 12, 31))


def test_excel_messages_explain_the_fix() -> None:
    result = idn.check("4.22822E+17", today=TODAY)
    assert result.message == "身份证号被 Excel 存成了数字（科学计数法 4.22822E+17），后几位已经丢失，无法恢复"
    assert "文本" in result.hint and "户口簿" in result.hint
    for raw in (422822199001011234, 4.22822e17, "42282219900101100.0", "422822199001011000"):
        result = idn.check(raw, today=TODAY)
        assert "Excel" in result.message and "无法恢复" in result.message
        assert result.hint == idn.EXCEL_HINT
    # Shown as Excel's General format shows it: the region code, never the birth date or the rest of the number.
    for raw in (422822199001011234, 4.22822199001011e17, 4.22822e17):
        message = idn.check(raw).message
        assert "科学计数法 4.22822E+17" in message and "19900101" not in message and "4228221990" not in message


def test_truncated_but_checksum_ok_is_accepted() -> None:
    # One valid ID in eleven ends in 000: it cannot be told apart from a truncated one and must pass.
    body = next(b for b in (f"42282219900101{n:02d}0" for n in range(100)) if idn.check_char(b) == "0")
    assert idn.is_valid(body + "0", today=TODAY)


def test_mask() -> None:
    assert idn.mask(VALID) == "422822********1231"
    assert idn.mask("422822900101123") == "422822*****1123"
    assert idn.mask("123456789") == "*********"
    assert idn.mask("") == ""


def test_check_never_raises_on_odd_objects() -> None:
    for raw in (True, b"422822199001011231", date(2020, 1, 1), object(), [1, 2], float("inf"), -1):
        assert isinstance(idn.check(raw, today=TODAY), IdCheck)


# --- property tests -----------------------------------------------------------------------------

provinces = st.sampled_from(sorted(idn.PROVINCE_CODES))
bodies = st.builds(
    lambda p, rest, born, seq: f"{p:02d}{rest:04d}{born:%Y%m%d}{seq:03d}",
    provinces,
    st.integers(0, 9999),
    st.dates(date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)
valid_ids = bodies.map(lambda b: b + idn.check_char(b))


@given(valid_ids)
def test_generated_ids_are_valid(value: str) -> None:
    assert idn.check(value, today=TODAY) == IdCheck(value, None, "", "")


@given(valid_ids, st.integers(0, 17), st.integers(1, 10))
def test_any_single_substitution_is_caught(value: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(value[position])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == value[position]:
        return
    changed = value[:position] + new + value[position + 1 :]
    assert idn.check(changed, today=TODAY).code is not None


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = idn.normalize(text)
    assert idn.normalize(once) == once


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_check_never_raises(raw: object) -> None:
    assert isinstance(idn.check(raw, today=TODAY), IdCheck)


def _damage(value: str, how: int) -> str:
    return [
        value,
        value.translate(TO_FULL_WIDTH),
        value.lower(),
        " '" + value,
        value[:-3] + "000",
        value[:-1],
        value[:6] + value[8:17],  # a 15-digit form
        value[:10] + "x" + value[11:],
        f"{int(value[:17]) / 10:.5E}",
        value[:17] + ".0",
        value[:10] + "13" + value[12:],
        value[:-1] + ("1" if value[-1] == "0" else "0"),
        "99" + value[2:],
    ][how]


mixed_cells = st.one_of(
    st.builds(_damage, valid_ids, st.integers(0, 12)),
    st.none(),
    st.just(""),
    st.text(max_size=20),
    st.text(alphabet="0123456789Xx ", min_size=15, max_size=19),
)


@settings(deadline=None)  # the first call imports pyarrow
@given(st.lists(mixed_cells, max_size=40), st.sampled_from(["object", "str", "string[python]"]))
def test_check_many_agrees_with_check(cells: list[str | None], dtype: str) -> None:
    series = pd.Series(cells, dtype=dtype, index=range(100, 100 + len(cells)), name="身份证号")
    normalized, codes = idn.check_many(series, today=TODAY)
    expected = [idn.check(None if pd.isna(c) else c, today=TODAY) for c in series]
    assert list(codes) == [e.code for e in expected]
    assert list(normalized) == [e.value for e in expected]
    assert normalized.index.equals(series.index) and codes.index.equals(series.index)


def test_check_many_mixed_object_column() -> None:
    cells = [VALID, 422822199001011234, None, float("nan"), "4.22822E+17", VALID_X.lower(), " " + VALID]
    normalized, codes = idn.check_many(pd.Series(cells, dtype=object), today=TODAY)
    assert list(codes) == [None, "id_excel_number", "id_missing", "id_missing", "id_excel_number", None, None]
    assert list(normalized) == [VALID, None, None, None, None, VALID_X, VALID]
    assert normalized.dtype == object and codes.dtype == object


def test_check_many_large_batch() -> None:
    rng = np.random.default_rng(7)
    provs = sorted(idn.PROVINCE_CODES)
    cells = [
        make_id(f"{provs[p]:02d}{r:04d}", f"{y}{m:02d}{d:02d}", f"{s:03d}")
        for p, r, y, m, d, s in zip(
            rng.integers(0, len(provs), 20_000), rng.integers(0, 10_000, 20_000), rng.integers(1950, 2020, 20_000),
            rng.integers(1, 13, 20_000), rng.integers(1, 29, 20_000), rng.integers(0, 1000, 20_000), strict=True,
        )
    ]
    cells[::7] = [c[:-1] + "0" if c[-1] != "0" else c[:-1] + "1" for c in cells[::7]]
    normalized, codes = idn.check_many(pd.Series(cells), today=TODAY)
    expected = [idn.check(c, today=TODAY) for c in cells]
    assert codes.tolist() == [e.code for e in expected]
    assert normalized.tolist() == [e.value for e in expected]


def test_check_many_survives_lone_surrogates() -> None:
    # Text decoded with errors="surrogateescape" cannot be encoded to UTF-8 for arrow.
    cells = ["\udcff42282219900101", VALID, None]
    normalized, codes = idn.check_many(pd.Series(cells, dtype=object), today=TODAY)
    assert list(codes) == [idn.check(cells[0]).code, None, "id_missing"]
    assert list(normalized) == [None, VALID, None]


def test_an_impossible_birth_date_is_explained_without_its_digits():
    for born, part in (("19901345", "月份为 13"), ("19900230", "2 月没有 30 日")):
        message = idn.check(make_id(born=born), today=TODAY).message
        assert f"出生日期（第 7–14 位）不是真实存在的日期：{part}" in message
        assert born not in idn.mask(make_id(born=born)) and born not in message.replace(make_id(born=born), "")
