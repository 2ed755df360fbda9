"""Valid, unique resident ID numbers (GB 11643-1999) for synthetic people."""

from __future__ import annotations

import random
from datetime import date

from jiaoyu_fupin.core.idnumber import check_char


class IdAllocator:
    """Hands out ID numbers with the person's region, birth date and sex; never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: dict[tuple[str, date], set[int]] = {}

    def new(self, region: str, birth: date, sex: str) -> str:
        used = self._used.setdefault((region, birth), set())
        # The last digit of the sequence is odd for men and even for women.
        parity = 1 if sex == "男" else 0
        if len(used) >= 499:  # more than the day can hold: impossible at the sizes we generate
            raise ValueError(f"too many people born {birth} in {region}")
        while True:
            seq = self._rng.randrange(0, 500) * 2 + parity
            if 0 < seq < 1000 and seq not in used:
                used.add(seq)
                body = f"{region}{birth:%Y%m%d}{seq:03d}"
                return body + check_char(body)
