"""ID numbers masked for the eye: first 6 and last 4 characters shown, the birth date and sequence hidden.

Kept apart from idnumber (which needs numpy for its vectorised checks) because every command that prints anything
masks: the screen's tables and refusals, problems, audit records and public notices, and `fupin status` starts
without loading numpy.
"""

from __future__ import annotations

import re


def mask(id_number: str) -> str:
    s = "" if id_number is None else str(id_number)
    if len(s) < 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


# An ID number's shape inside any text: 18 characters (17 digits and a digit or X) or 15 digits, not part of a
# longer run of digits. Full-width digits count (a cell typed with a Chinese input method); letters around the
# run do not stop it ("身份证422822…" is still an ID), only more digits do.
_DIGIT = "0-9\uff10-\uff19"
ID_SHAPED = re.compile(f"(?<![{_DIGIT}])(?:[{_DIGIT}]{{17}}[{_DIGIT}Xx\uff38\uff58]|[{_DIGIT}]{{15}})(?![{_DIGIT}Xx\uff38\uff58])")


def has_id(text: object) -> bool:
    """Whether `text` holds something shaped like an ID number anywhere in it."""
    return isinstance(text, str) and ID_SHAPED.search(text) is not None


def mask_text(text: str) -> str:
    """`text` with every ID-number-shaped run masked: the one rule for any text a user typed that fupin shows on
    screen, writes to a log or puts in a workbook others may read, whichever column or option it came from."""
    if not isinstance(text, str) or len(text) < 15:
        return text
    return ID_SHAPED.sub(lambda m: mask(m.group()), text)
