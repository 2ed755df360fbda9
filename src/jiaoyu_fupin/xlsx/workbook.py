"""Saving a workbook safely, and the two measures every sheet needs: a column's width and a unique sheet title."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook

from jiaoyu_fupin.core.files import write_atomic
from jiaoyu_fupin.xlsx.safe_cells import make_inert

_MAX_SHEET_TITLE = 31


_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


def unique_sheet_title(wanted: str, taken: set[str]) -> str:
    """A title Excel accepts (≤31 chars, none of []:*?/\\, no edge apostrophe) and not yet in `taken`.

    Excel compares titles without regard to case, so `taken` holds lower-cased titles; the result is added.
    """
    base = _BAD_TITLE_CHARS.sub("_", wanted).strip().strip("'") or "文件"
    title = base[:_MAX_SHEET_TITLE]
    number = 1
    # "History" is reserved by Excel for its change tracking sheet.
    while title.lower() in taken or title.lower() == "history":
        number += 1
        suffix = f"({number})"
        title = base[: _MAX_SHEET_TITLE - len(suffix)] + suffix
    taken.add(title.lower())
    return title



def display_width(text: str) -> int:
    """Excel column width needed for text: CJK and full-width characters take two cells' worth."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def save_workbook(workbook: Workbook, path: Path, *, private: bool = False) -> Path:
    """Save a workbook whole or not at all (files.write_atomic), with no text from the data left as a live formula;
    `private` for workbooks that hold full ID numbers, phones or addresses (0600), the others 0644."""
    make_inert(workbook)
    return write_atomic(path, workbook.save, private=private)
