"""Fee waivers as the national student-aid system exports them: 免学费 for 普通高中 and 中职 students, under the
system's shared name, not fupin's program names; and the corrected roster a school sends after a mistake.

The 2019秋 export holds one wrong amount (a 中职 student waived 1000 元 of a 1200 元 fee), planted as a wrong amount;
the corrected export, in the 更正 folder, is the same roster with that amount right. Imported with
`fupin import 更正/… --replaces 国家资助系统_免学费_2019秋.xlsx`, the finding goes and nothing is counted twice.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

from jiaoyu_fupin.sample.facts import FALL, SPRING
from jiaoyu_fupin.sample.model import County
from jiaoyu_fupin.sample.payments import Payment, paid_on
from jiaoyu_fupin.sample.schools import sub_rng

SHARED_NAME = "免学费"  # what the national system writes for both programs
WAIVERS = {"普通高中": ("普通高中免学费", Decimal("755")), "中职": ("中职免学费", Decimal("1200"))}
CORRECTIONS = "更正"
WRONG = Decimal("1000")


def file_name(term: str) -> str:
    return f"国家资助系统_免学费_{term}.xlsx"


def corrected_name(term: str) -> str:
    return f"国家资助系统_免学费_{term}_更正.xlsx"


def build_waivers(county: County) -> tuple[dict[str, list[Payment]], list[Payment]]:
    """Each term's waivers of the registered poor at the county's 普通高中 and 中职 schools, the 2019秋 one with its
    planted mistake; and that term's corrected roster."""
    out = {}
    for term in (SPRING, FALL):
        people = county.students + county.graduates if term == SPRING else county.students
        rows = []
        for p in people:
            pl = p.spring if term == SPRING else p.fall
            if pl is None or pl.school is None or pl.status != "在校" or p.category != "建档立卡" or pl.stage not in WAIVERS:
                continue
            program, amount = WAIVERS[pl.stage]
            rows.append(Payment(p, pl, program, amount, paid_on(term, pl.school.order)))
        rows.sort(key=lambda r: (r.placement.school.order, r.placement.grade, r.placement.class_no, r.person.seq))
        out[term] = rows
    corrected = copy.copy(out[FALL])
    rng = sub_rng(county.seed, "waiver-mistake")
    pool = [i for i, r in enumerate(out[FALL]) if r.placement.stage == "中职" and not r.person.tags]
    if pool:
        i = rng.choice(pool)
        right = out[FALL][i]
        wrong = copy.copy(right)
        wrong.amount = WRONG
        out[FALL][i] = wrong
        right.person.tags.append("payment_wrong_amount")
        county.plant("payment_wrong_amount", "金额错误：发放金额与标准不符", {
            "id_number": right.person.id_number, "name": right.person.name, "school": right.placement.school_name,
            "grade": right.placement.grade_label, "program": right.program, "amount": str(WRONG),
            "detail": f"{right.program}标准{right.amount}元，国家资助系统导出写成{WRONG}元；"
                      f"{CORRECTIONS}/{corrected_name(FALL)} 改正了这一行"})
    return out, corrected


def corrections_folder(out: Path) -> Path:
    folder = out / CORRECTIONS
    folder.mkdir(parents=True, exist_ok=True)
    return folder
