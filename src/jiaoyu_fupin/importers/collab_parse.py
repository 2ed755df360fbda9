"""Reading the plan's own way of writing things: "6 月下旬或 7 月上旬", "3-5", "人事股、教研室", a year in a title."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from jiaoyu_fupin.core.names import text_key

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
_MONTH = re.compile(r"(十[一二]?|[一二三四五六七八九]|\d{1,2})\s*月")
_YEAR_IN_TEXT = re.compile(r"(20\d{2})\s*年")
_HALVES = {"全年": (1, 12), "上半年": (1, 6), "下半年": (7, 12), "春季": (3, 6), "秋季": (9, 12),
           "第一季度": (1, 3), "第二季度": (4, 6), "第三季度": (7, 9), "第四季度": (10, 12)}
_RANGE = re.compile(r"^(\d+)\s*(?:-|—|–|~|～|至|到)\s*(\d+)$")


def months(text: str) -> tuple[int, int] | None:
    """(first month, last month) the text names: 3 月 -> (3, 3); 6 月下旬或 7 月上旬 -> (6, 7); 5-6月 -> (5, 6);
    2019年10月 or a date -> (10, 10); 下半年 -> (7, 12). None when it names no month."""
    k = unicodedata.normalize("NFKC", text).strip()
    k = re.sub(r"20\d{2}\s*(?:年|[-/.])\s*(?=\d)", "", k)  # a year before the month
    # 10-15 (a date without the year): month 10; but 5-6 月 is two months, spaced or not.
    k = re.sub(r"^(\d{1,2})[-/.]\d{1,2}(?:\s+(?!月).*)?$", r"\1月", k)
    k = re.sub(r"(\d{1,2})\s*(?:-|—|–|~|～|至|到)\s*(\d{1,2})\s*月", r"\1月\2月", k)  # 5-6月: both months
    for word, span in _HALVES.items():
        if word in k:
            return span
    found = [int(m) if m.isdigit() else _NUMERALS[m] for m in _MONTH.findall(k)]
    if not found:
        bare = _RANGE.match(k.rstrip("月")) or re.match(r"^(\d{1,2})$", k)
        found = [int(g) for g in bare.groups() if g] if bare else []
    if not found or not all(1 <= m <= 12 for m in found):
        return None
    return min(found), max(found)


def head_count(text: str) -> tuple[int, int] | None:
    """(at least, at most): 25 -> (25, 25); 3-5 -> (3, 5); 约30人 -> (30, 30); 30人以上 -> (30, 30)."""
    k = text_key(text).removeprefix("约").removesuffix("以上").removesuffix("左右").removesuffix("人次")
    k = k.removesuffix("人").removesuffix("名")
    if re.fullmatch(r"\d+(?:\.0+)?", k):
        return int(float(k)), int(float(k))
    m = _RANGE.match(k)
    if m and int(m[1]) <= int(m[2]):
        return int(m[1]), int(m[2])
    return None


def offices(text: str | None) -> list[str]:
    """人事股、教育股 / 人事股,教育股 / 人事股 教育股 -> ["人事股", "教育股"], in order, each once."""
    if not text:
        return []
    parts = re.split(r"[、,，;；/\s]+", unicodedata.normalize("NFKC", text).strip())
    return list(dict.fromkeys(p for p in parts if p))


def year_in(text: str | None) -> int | None:
    """The year a title or a file name names: 2019 年建始县…计划表, 东西部协作计划_2019.xlsx."""
    if not text:
        return None
    k = unicodedata.normalize("NFKC", text)
    m = _YEAR_IN_TEXT.search(k) or re.search(r"(?<!\d)(20\d{2})(?!\d)", k)
    return int(m[1]) if m else None


def rows_above(path: Path, sheet: str | None, header_row: int) -> list[list[str]]:
    """The cells of the rows above a table's header (its title, notes, or another table), as text."""
    try:
        if sheet is not None:
            from python_calamine import CalamineWorkbook

            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            return [[str(v) for v in row if v not in (None, "")] for row in rows[: header_row - 1]]
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return [line.split(",") for line in raw.decode(encoding).splitlines()[: header_row - 1]]
            except UnicodeDecodeError:
                continue
    except Exception:  # best effort: what is above a table is a hint, never a reason to refuse reading it
        pass
    return []


def title_year(path: Path, sheet: str | None, header_row: int) -> int | None:
    """The year written above the table (its title), else in the sheet's or the file's name."""
    for row in rows_above(path, sheet, header_row):
        if (year := year_in(" ".join(row))) is not None:
            return year
    return year_in(sheet) or year_in(path.stem)
