"""Reading a task list as the bureau writes it: merged indicator cells, offices joined by 、, deadlines in words,
and a schools' list whose cell holds numbered points."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.importers import values

# Deadlines that are no date: the task runs on (常态化) rather than falling due.
STANDING = ("长期", "持续", "常态", "每年", "每学期", "每月", "全年", "经常", "随时")
_YEAR_END = re.compile(r"^(\d{4})年?(?:底|末|年底|年末|12月底)$")
_MONTH_END = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:底|末)?$")
_ITEM_NUMBER = re.compile(r"(?:^|(?<=[\s。；;：:>]))(\d{1,2})\s*[.．、]\s*(?!\d)")


def level_name(text: str | None) -> str | None:
    """一级指标 as written in a narrow merged cell (重 点 项 目): its spaces are layout, not part of the name."""
    if text is None:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) or None


def deadline(text: str) -> date | str | None:
    """A date; the last day of a month or year written alone (2019年12月, 2019年底); "standing" for 长期/持续…;
    None when unreadable."""
    k = text_key(text)
    if any(word in k for word in STANDING):
        return "standing"
    found = values._one_date(unicodedata.normalize("NFKC", text).strip())
    if found is not None:
        return found
    m = _YEAR_END.match(k)
    if m:
        return date(int(m[1]), 12, 31)
    m = _MONTH_END.match(k)
    if m and 1 <= int(m[2]) <= 12:
        year, month = int(m[1]), int(m[2])
        return date(year, month, calendar.monthrange(year, month)[1])
    return None


def numbered_items(text: str) -> list[str]:
    """The points of a cell numbered 1. 2. 3. (in order; a number out of sequence is part of the text, as in
    "达到 85%以上" or "2016年"); a cell without numbering is one item."""
    cleaned = re.sub(r"<[^>]+>", " ", text).strip()  # tags of a list pasted from a web page
    starts = []
    expected = 1
    for m in _ITEM_NUMBER.finditer(cleaned):
        if int(m[1]) == expected:
            starts.append(m)
            expected += 1
    if len(starts) < 2 and not (starts and starts[0].start() == 0):
        return [_tidy(cleaned)] if cleaned else []
    items = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(cleaned)
        item = _tidy(cleaned[m.end():end])
        if item:
            items.append(item)
    return items


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fill_down(area: list[str | None], item: list[str | None]) -> tuple[list[str | None], list[str | None]]:
    """一级指标 and 二级指标 merged down over their tasks: an empty cell repeats the one above. A new 一级指标 starts a
    new block (its 二级指标 does not come from the block before); the same 一级指标 written again (a table carried
    over a page) goes on with the 二级指标 above."""
    out1, out2 = [], []
    current1 = current2 = None
    for a, b in zip(area, item, strict=True):
        if a is not None and a != current1:
            current1, current2 = a, None
        if b is not None:
            current2 = b
        out1.append(current1)
        out2.append(current2)
    return out1, out2
