"""How names are compared: a school, a township or a word in a file matches whatever its spaces and widths."""

from __future__ import annotations

import difflib
import re
import unicodedata


def text_key(text: str) -> str:
    """Names compared without spaces and width differences (全角/半角)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))



def close_names(given: str, names) -> list[str]:
    """Up to three names a clerk probably meant (城关小学 → 城关第一小学), for every "no such school" message."""
    return difflib.get_close_matches(given, list(names), n=3, cutoff=0.4)
