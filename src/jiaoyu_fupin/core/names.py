"""How names are compared: a school, a township or a word in a file matches whatever its spaces and widths.

A name a clerk types (--school, --township) is resolved here, once, against the names the ledger holds: equal after
text_key, else refused with the closest names the ledger has. Every command that takes one says the same thing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from jiaoyu_fupin.core.problems import ClerkError

NAME_HINT = "请写学校名单中的名称（空格、全角半角不计）"


def text_key(text: str) -> str:
    """Names compared without spaces and width differences (全角/半角)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def close_names(given: str, names) -> list[str]:
    """Up to three names a clerk probably meant (城关小学 → 城关第一小学), for every "no such school" message."""
    return difflib.get_close_matches(given, list(names), n=3, cutoff=0.4)


def matching_name(given: str, names: Iterable[str]) -> str | None:
    """The ledger's spelling of `given` (城关 第一小学, 城关第一小学 full-width), or None."""
    key = text_key(given)
    return next((name for name in names if name and text_key(name) == key), None)


def _close(given: str, names: list[str]) -> str:
    close = close_names(text_key(given), names)
    return f"；相近的有：{'、'.join(close)}" if close else ""


def unknown_school(given: str, names: Iterable[str]) -> str:
    """The one sentence for a school the ledger does not know, with the closest names it does."""
    return f"学校“{given}”不在台账的学校名单中" + _close(given, [n for n in names if n])


def resolve_school(given: str, names: Iterable[str], error: type[ClerkError] = ClerkError) -> str:
    """The ledger's name for a school a clerk typed; `error` (a ClerkError) naming it and the closest names when the
    ledger's school list has no such school. `error` lets a command's own refusal class carry the message."""
    names = list(names)
    found = matching_name(given, names)
    if found is None:
        raise error(unknown_school(given, names), NAME_HINT)
    return found


def resolve_township(given: str, names: Iterable[str], error: type[ClerkError] = ClerkError,
                     hint: str = "乡镇名称须与学校名单中的写法一致（空格、全角半角不计）") -> str:
    """As resolve_school, for a township the ledger's lists name."""
    names = list(names)
    found = matching_name(given, names)
    if found is None:
        raise error(f"台账中没有乡镇“{given}”" + _close(given, [n for n in names if n]), hint)
    return found
