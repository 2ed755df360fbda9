"""Chinese resident identity numbers (GB 11643-1999).

The numbers come from hand-typed school spreadsheets, so every refusal carries a Chinese
message saying what is wrong and a hint saying how a clerk can fix it.  Numbers damaged by
Excel (stored as a number, which keeps only 15 significant digits) are refused, never
"repaired": the lost digits cannot be guessed and a plausible-looking wrong ID is worse
than a missing one.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

# Masking lives in idmask (no numpy, for commands that only print); callers may reach it through this module too.
from jiaoyu_fupin.core.idmask import ID_SHAPED, has_id, mask, mask_text  # noqa: F401
from jiaoyu_fupin.core.problems import ClerkError

if TYPE_CHECKING:
    import pandas as pd

WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCE_CODES = frozenset([*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55),
                            *range(61, 66), 71, 81, 82])
MIN_BIRTH_YEAR = 1900

ID_MISSING = "id_missing"
ID_EXCEL_NUMBER = "id_excel_number"
ID_EXCEL_TRUNCATED = "id_excel_truncated"
ID_LENGTH = "id_length"
ID_CHARS = "id_chars"
ID_REGION = "id_region"
ID_BIRTH_DATE = "id_birth_date"
ID_CHECKSUM = "id_checksum"

EXCEL_HINT = "请把该列设置为“文本”格式，再从原始资料（户口簿、学籍系统导出）重新录入或粘贴该身份证号"
_RETYPE_HINT = "请对照户口簿或学籍系统逐位核对后重新录入"


class IdNumberError(ClerkError, ValueError):
    """Raised by :func:`parse`; carries the same code/message/hint as :class:`IdCheck` (a misuse: a number typed)."""

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.args = (f"{message}。{hint}" if hint else message,)  # str() reads whole where it is logged or shown
        self.code = code


@dataclass(frozen=True)
class IdCheck:
    value: str | None
    code: str | None
    message: str = ""
    hint: str = ""

    @property
    def ok(self) -> bool:
        return self.code is None


# Zero-width characters are not whitespace to Python but arrive with text pasted from web pages.
_INVISIBLE_RE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
# Excel's "store as text" prefix, plus the typographic quotes Chinese input methods substitute for it.
_APOSTROPHES = "'’‘`"
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SCIENTIFIC_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)E[+-]?\d+")
_DOT_ZERO_RE = re.compile(r"\d+\.0+")


def _normalize_once(s: str) -> str:
    if s.isascii():
        return _INVISIBLE_RE.sub("", s).lstrip(_APOSTROPHES).upper()
    s = unicodedata.normalize("NFKC", s)
    # Only ASCII letters are upper-cased so that Chinese text in a wrong cell is shown unchanged.
    return _INVISIBLE_RE.sub("", s).lstrip(_APOSTROPHES).translate(_ASCII_UPPER)


def normalize(raw: str) -> str:
    """NFKC, drop all whitespace, drop a leading apostrophe, upper-case x."""
    s = raw if isinstance(raw, str) else str(raw)
    # Removing a space can bring a combining mark next to a letter that NFKC then composes,
    # so repeat until nothing changes; in practice one or two rounds.
    for _ in range(8):
        t = _normalize_once(s)
        if t == s:
            break
        s = t
    return s


def check_char(body17: str) -> str:
    if len(body17) != 17 or not (body17.isascii() and body17.isdigit()):
        raise IdNumberError(ID_CHARS, f"“{body17}”不是 17 位数字，无法计算校验位")
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True)) % 11]


def upgrade15(id15: str) -> str:
    s = normalize(id15)
    if len(s) != 15 or not (s.isascii() and s.isdigit()):
        raise IdNumberError(ID_LENGTH, f"“{s}”不是 15 位数字的旧式身份证号，无法升位", _RETYPE_HINT)
    body = s[:6] + "19" + s[6:]
    return body + check_char(body)


def _is_missing(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float | np.floating):
        return math.isnan(raw)
    # pd.NA / pd.NaT without importing pandas for every call.
    if type(raw).__module__.startswith("pandas"):
        import pandas as pd

        return bool(pd.isna(raw))
    return False


def _problem(code: str, message: str, hint: str) -> IdCheck:
    return IdCheck(None, code, message, hint)


def _number_problem(raw: object) -> IdCheck:
    # Shown as Excel's General format shows a long number (4.22822E+17): what the clerk sees in the cell, and no
    # more of a child's ID than its region code (the 15 digits Excel kept would include the birth date).
    try:
        number = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is not None and abs(number) >= 1e11:
        shown = f"{number:.6G}"
    elif isinstance(raw, numbers.Integral):
        shown = str(int(raw))
    elif number is not None:
        shown = f"{number:.15G}"
    else:
        shown = str(raw)
    if "E" in shown:
        shown = f"科学计数法 {shown}"
    message = (
        f"身份证号被 Excel 存成了数字（{shown}）：Excel 的数字只保留 15 位有效数字，"
        "18 位身份证号的后几位已经丢失，无法恢复"
    )
    return _problem(ID_EXCEL_NUMBER, message, EXCEL_HINT)


def _date_problem(s: str, ymd: str, today: date) -> IdCheck | None:
    y, m, d = int(ymd[:4]), int(ymd[4:6]), int(ymd[6:])
    try:
        born = date(y, m, d)
    except ValueError:
        reason = _impossible(m, d)
    else:
        if y < MIN_BIRTH_YEAR:
            reason = f"早于 {MIN_BIRTH_YEAR} 年"
        elif born > today:
            reason = f"晚于今天（{today.isoformat()}）"
        else:
            return None
    # The date's digits are not quoted: they are the child's birth date, which a masked ID hides.
    return _problem(ID_BIRTH_DATE, f"身份证号“{s}”中的出生日期（第 7–14 位）{reason}",
                    "请核对第 7–14 位出生日期（年月日）是否录错")


def _impossible(month: int, day: int) -> str:
    """Which part of a date that does not exist is wrong, without the date itself."""
    if not 1 <= month <= 12:
        return f"不是真实存在的日期：月份为 {month}"
    return f"不是真实存在的日期：{month} 月没有 {day} 日"


def _check_text(s: str, today: date) -> IdCheck:
    if not s:
        return _problem(ID_MISSING, "身份证号为空", "请补录该学生的 18 位身份证号；确实没有的，请在备注中说明原因")
    if _SCIENTIFIC_RE.fullmatch(s):
        message = f"身份证号被 Excel 存成了数字（科学计数法 {s}），后几位已经丢失，无法恢复"
        return _problem(ID_EXCEL_NUMBER, message, EXCEL_HINT)
    if _DOT_ZERO_RE.fullmatch(s):
        message = f"身份证号“{s}”末尾带“.0”，说明它被 Excel 存成过数字，后几位已经丢失，无法恢复"
        return _problem(ID_EXCEL_NUMBER, message, EXCEL_HINT)
    bad = next((c for c in s if c not in "0123456789X"), None)
    if bad is not None:
        if not any(c.isascii() and c.isdigit() for c in s):
            message = f"“{s}”不是身份证号：身份证号由数字组成，18 位号码的最后一位可以是 X"
        else:
            message = f"身份证号“{s}”含有不该出现的字符“{bad}”：只能是数字，18 位号码的最后一位可以是 X"
        return _problem(ID_CHARS, message, _RETYPE_HINT)
    n = len(s)
    if n not in (15, 18):
        message = f"身份证号“{s}”有 {n} 位，应为 18 位（或旧式 15 位）"
        return _problem(ID_LENGTH, message, "请核对是否多录或漏录了数字，对照户口簿或学籍系统逐位核对后重新录入")
    if "X" in s[:17] or (n == 15 and "X" in s):
        if n == 15:
            message = f"旧式 15 位身份证号“{s}”只能由数字组成，不能含 X"
        else:
            message = f"身份证号“{s}”中的 X 只能出现在最后一位"
        return _problem(ID_CHARS, message, _RETYPE_HINT)
    if int(s[:2]) not in PROVINCE_CODES:
        message = f"身份证号“{s}”的地区代码“{s[:6]}”无效：前两位“{s[:2]}”不是任何省级行政区的代码"
        return _problem(ID_REGION, message, "请核对前 6 位地区代码是否录错")
    body17 = s[:17] if n == 18 else s[:6] + "19" + s[6:]
    date_problem = _date_problem(s, body17[6:14], today)
    if date_problem is not None:
        return date_problem
    expected = check_char(body17)
    if n == 18 and s[17] != expected:
        # Excel keeps the first 15 digits, so a truncated ID still has a sound region and birth
        # date; only then is "000" at the end evidence of truncation rather than a typo.
        if s.endswith("000"):
            message = (f"身份证号“{s}”末三位是 000 且校验位不符：它被 Excel 当作数字截断成了 15 位有效数字，"
                       "后几位已经丢失，无法恢复")
            return _problem(ID_EXCEL_TRUNCATED, message, EXCEL_HINT)
        message = f"身份证号“{s}”校验位（最后一位）不符，号码中至少有一位录错了"
        return _problem(ID_CHECKSUM, message, _RETYPE_HINT + "，不要只改最后一位")
    return IdCheck(body17 + expected, None)


def check(raw: object, *, today: date | None = None) -> IdCheck:
    """Validate one cell value; never raises."""
    if _is_missing(raw):
        return _check_text("", today or date.today())
    if isinstance(raw, numbers.Number) and not isinstance(raw, bool):
        return _number_problem(raw)
    if isinstance(raw, bytes | bytearray):
        raw = bytes(raw).decode("utf-8", errors="replace")
    return _check_text(normalize(raw if isinstance(raw, str) else str(raw)), today or date.today())


def parse(raw: object, *, today: date | None = None) -> str:
    result = check(raw, today=today)
    if result.code is not None:
        raise IdNumberError(result.code, result.message, result.hint)
    assert result.value is not None
    return result.value


def is_valid(raw: object, *, today: date | None = None) -> bool:
    return check(raw, today=today).code is None


def _as18(id_number: str) -> str:
    # Lenient on purpose: callers usually pass IDs that parse() already accepted, and the
    # birth date of an ID with a bad checksum is still useful for a report.
    s = normalize(id_number)
    if len(s) == 15 and s.isascii() and s.isdigit():
        return upgrade15(s)
    if len(s) != 18 or not (s[:17].isascii() and s[:17].isdigit()):
        raise IdNumberError(ID_LENGTH, f"“{s}”不是 18 位或 15 位身份证号", _RETYPE_HINT)
    return s


def birth_date(id18: str) -> date:
    s = _as18(id18)
    try:
        return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        message = f"身份证号“{s}”中的出生日期（第 7–14 位）{_impossible(int(s[10:12]), int(s[12:14]))}"
        raise IdNumberError(ID_BIRTH_DATE, message, _RETYPE_HINT) from None


def sex(id18: str) -> str:
    return "男" if int(_as18(id18)[16]) % 2 == 1 else "女"


def age_on(id18: str, on: date) -> int:
    """Full years on `on`; someone born on 29 Feb turns a year older on 1 Mar in common years."""
    born = birth_date(id18)
    if on < born:
        raise ValueError(f"日期 {on.isoformat()} 早于出生日期 {born.isoformat()}，无法计算年龄")
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# Vectorised path.  Only rows that are exactly 18 ASCII digits (last may be X/x) are checked in
# numpy; everything else (full-width text, spaces, 15-digit IDs, junk) goes through check(), so
# both paths agree by construction and the slow path is paid only for unusual rows.

_FAST_CODES = np.array([None, ID_REGION, ID_BIRTH_DATE, ID_EXCEL_TRUNCATED, ID_CHECKSUM], dtype=object)
_PROVINCE_TABLE = np.zeros(100, dtype=bool)
_PROVINCE_TABLE[sorted(PROVINCE_CODES)] = True
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
_CHECK_BYTES = np.frombuffer(CHECK_CHARS.encode("ascii"), dtype=np.uint8)


def _fast_codes(b: np.ndarray, today: date) -> np.ndarray:
    """Problem index into _FAST_CODES for (m, 18) ASCII rows already known to be digits + digit/X."""
    # One contiguous row per digit position: the per-position sums below then run at memory speed.
    col = b[:, :17].T.astype(np.int32, order="C") - 48
    total = np.zeros(len(b), dtype=np.int32)
    for i, w in enumerate(WEIGHTS):
        total += col[i] * w
    last = b[:, 17].copy()
    last[last == ord("x")] = ord("X")
    checksum_ok = _CHECK_BYTES[total % 11] == last

    year = col[6] * 1000 + col[7] * 100 + col[8] * 10 + col[9]
    month = col[10] * 10 + col[11]
    day = col[12] * 10 + col[13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = _DAYS_IN_MONTH[np.clip(month, 0, 12)] + (leap & (month == 2))
    today_key = today.year * 10000 + today.month * 100 + today.day
    date_ok = (year >= MIN_BIRTH_YEAR) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
    date_ok &= year * 10000 + month * 100 + day <= today_key
    region_ok = _PROVINCE_TABLE[col[0] * 10 + col[1]]
    truncated = (b[:, 15] == 48) & (b[:, 16] == 48) & (b[:, 17] == 48)

    # Same precedence as _check_text: region, then birth date, then the check character.
    out = np.zeros(len(b), dtype=np.int8)
    out[~checksum_ok] = 4
    out[~checksum_ok & truncated] = 3
    out[~date_ok] = 2
    out[~region_ok] = 1
    return out


def _fixed18(arr) -> np.ndarray:
    """View an arrow large_string array of 18-byte values as an (m, 18) uint8 array, without copying."""
    m = len(arr)
    if m == 0:
        return np.zeros((0, 18), dtype=np.uint8)
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[arr.offset : arr.offset + m + 1]
    start = int(offsets[0])
    if int(offsets[-1]) - start != 18 * m:
        raise AssertionError("arrow offsets do not describe fixed 18-byte values")
    return np.frombuffer(data_buf, dtype=np.uint8)[start : start + 18 * m].reshape(m, 18)


def check_many(values: pd.Series, *, today: date | None = None) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`check`: (normalized ID or None, problem code or None), object dtype, same index."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    today = today or date.today()
    if not isinstance(values, pd.Series):
        values = pd.Series(list(values), dtype=object)
    n = len(values)
    normalized = np.full(n, None, dtype=object)
    codes = np.full(n, None, dtype=object)
    objs: np.ndarray | None = None
    others = np.zeros(n, dtype=bool)  # non-null cells kept out of arrow: numbers, odd strings

    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        arr = pa.array(values)
    else:
        objs = values.to_numpy(dtype=object)
        arr = None
        if pd.api.types.infer_dtype(objs, skipna=True) in ("string", "empty"):
            try:
                arr = pa.array(objs, type=pa.large_string(), from_pandas=True)
            except (UnicodeEncodeError, pa.ArrowInvalid):  # lone surrogates from a surrogateescape decode
                arr = None
        if arr is None:
            # Only plain ASCII strings can take the fast path anyway; the rest go through check().
            plain = np.fromiter((isinstance(v, str) and v.isascii() for v in objs), dtype=bool, count=n)
            others = ~plain & ~pd.isna(objs)
            arr = pa.array(np.where(plain, objs, None), type=pa.large_string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())

    byte_len = pc.fill_null(pc.binary_length(arr), -1).to_numpy()
    codes[byte_len <= 0] = ID_MISSING
    fast = byte_len == 18
    fast_idx = np.flatnonzero(fast)
    b = _fixed18(arr.filter(pa.array(fast)))
    digit = (b - 48) <= 9  # uint8 wrap-around turns everything below '0' into a large value
    last = b[:, 17]
    simple = digit[:, :17].all(axis=1) & (digit[:, 17] | (last == ord("X")) | (last == ord("x")))
    ok_idx = fast_idx[simple]
    b = b[simple]
    fast_code = _fast_codes(b, today)
    codes[ok_idx] = _FAST_CODES[fast_code]

    valid = fast_code == 0
    valid_idx = ok_idx[valid]
    if objs is not None:
        normalized[valid_idx] = objs[valid_idx]
    else:
        normalized[valid_idx] = arr.take(pa.array(valid_idx)).to_numpy(zero_copy_only=False)
    lower_x = valid_idx[b[valid, 17] == ord("x")]
    normalized[lower_x] = [v.upper() for v in normalized[lower_x]]

    slow = (byte_len > 0) & ~fast
    slow[fast_idx[~simple]] = True
    slow |= others
    slow_idx = np.flatnonzero(slow)
    if len(slow_idx):
        slow_values = objs[slow_idx] if objs is not None else arr.take(pa.array(slow_idx)).to_pylist()
        for i, raw in zip(slow_idx, slow_values, strict=True):
            result = check(raw, today=today)
            codes[i] = result.code
            normalized[i] = result.value

    return (
        pd.Series(normalized, index=values.index, dtype=object, name=values.name),
        pd.Series(codes, index=values.index, dtype=object, name=values.name),
    )


def birth_dates_iso(ids: pd.Series) -> pd.Series:
    """Birth dates as ISO text of already-valid 18-character IDs (None where the ID is None), vectorised.

    Formatted once per distinct date, not once per person: a county's million IDs share a few thousand birthdays.
    """
    import pandas as pd
    codes, uniques = pd.factorize(pd.Series(ids, dtype="str").str.slice(6, 14))
    table = np.array([f"{d[:4]}-{d[4:6]}-{d[6:8]}" for d in uniques] + [None], dtype=object)
    return pd.Series(table[codes], index=ids.index, dtype=object)


def sexes(ids: pd.Series) -> pd.Series:
    """男 / 女 from the sequence digit of already-valid 18-character IDs (None where the ID is None)."""
    import pandas as pd
    digit = pd.Series(ids, dtype="str").str.get(16)
    codes, uniques = pd.factorize(digit)
    table = np.array([("男" if int(d) % 2 else "女") for d in uniques] + [None], dtype=object)
    return pd.Series(table[codes], index=ids.index, dtype=object)
