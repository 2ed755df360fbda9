"""Payment rosters per term: one row per entitled student and program, and the mistakes planted in 2019秋."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from jiaoyu_fupin.sample import names
from jiaoyu_fupin.sample.facts import COUNTY_CODE, FALL, SPRING, STANDARDS
from jiaoyu_fupin.sample.model import County, Person, Placement, birth_for_age, fall_age
from jiaoyu_fupin.sample.schools import sub_rng


@dataclass
class Payment:
    person: Person
    placement: Placement
    program: str
    amount: Decimal
    paid_on: date
    amount_as_text: bool = False  # written "1,000" as a clerk would type it


def entitlements(pl: Placement, category: str) -> list[tuple[str, Decimal]]:
    """(program, amount) for a placement and family category under the 2019 standards."""
    out = []
    for program, stage, boarding, grades, categories, amount in STANDARDS:
        if pl.stage != stage or category not in categories:
            continue
        if boarding is not None and pl.boarding != boarding:
            continue
        if grades and pl.grade not in grades:
            continue
        out.append((program, amount))
    return out


def paid_on(term: str, order: int) -> date:
    # Each school's roster is paid on its own day: May for the spring term, November for the autumn.
    return date(2019, 5, 6) + timedelta(days=order % 24) if term == SPRING else \
        date(2019, 11, 4) + timedelta(days=order % 24)


def _roster(county: County, term: str) -> list[Payment]:
    people = county.students + county.away + county.graduates if term == SPRING else county.students
    placed = [(p, p.spring if term == SPRING else p.fall) for p in people]
    placed = [(p, pl) for p, pl in placed if pl is not None and pl.school is not None and pl.status == "在校"]
    placed.sort(key=lambda x: (x[1].school.order, x[1].grade, x[1].class_no, x[0].seq))
    rows = []
    for p, pl in placed:
        for program, amount in entitlements(pl, p.category):
            rows.append(Payment(p, pl, program, amount, paid_on(term, pl.school.order)))
    return rows


def _case(p: Person, pl: Placement, program: str, amount: Decimal | str, detail: str) -> dict:
    return {"id_number": p.id_number, "name": p.name, "school": pl.school_name, "grade": pl.grade_label,
            "program": program, "amount": str(amount), "detail": detail}


def _plant(county: County, rows: list[Payment]) -> list[Payment]:
    rng = sub_rng(county.seed, "payment-plants")
    count: dict[Person, int] = {}
    for r in rows:
        count[r.person] = count.get(r.person, 0) + 1
    used: set[int] = set()

    def take(pred, n: int) -> list[Payment]:
        pool = [r for r in rows if pred(r) and count[r.person] == 1 and id(r.person) not in used]
        picked = rng.sample(pool, min(n, len(pool)))
        for r in picked:
            used.add(id(r.person))
        return picked

    missing = take(lambda r: r.placement.stage in ("学前", "小学", "初中"), 3)
    for r in missing:
        rows.remove(r)
        county.plant("payment_missing", "漏发：符合条件的学生本学期没有发放记录",
                     _case(r.person, r.placement, r.program, r.amount, f"应发{r.program}{r.amount}元，发放名册中没有"))
        r.person.tags.append("payment_missing")
    for r in take(lambda r: True, 2):
        rows.append(Payment(r.person, r.placement, r.program, r.amount, date(2019, 12, 20)))
        county.plant("payment_duplicate", "重复发放：同一学生、同一项目、同一学期发放两次",
                     _case(r.person, r.placement, r.program, r.amount, f"{r.program}{r.amount}元发放了两次"))
        r.person.tags.append("payment_duplicate")
    for amount, wrong in ((Decimal("312.5"), Decimal("312")), (Decimal("625"), Decimal("600"))):
        for r in take(lambda r, a=amount: r.placement.stage == "初中" and r.amount == a, 1):
            r.amount = wrong
            county.plant("payment_wrong_amount", "金额错误：发放金额与标准不符",
                         _case(r.person, r.placement, r.program, wrong, f"{r.program}标准{amount}元，实发{wrong}元"))
            r.person.tags.append("payment_wrong_amount")
    for p in county.students:
        if p.fall.status == "辍学" and p.category == "建档立卡":
            for program, amount in entitlements(p.fall, p.category)[:1]:
                rows.append(Payment(p, p.fall, program, amount, paid_on(FALL, p.fall.school.order)))
                county.plant("payment_to_dropout", "向本学期已辍学的学生发放",
                             _case(p, p.fall, program, amount, f"2019秋学籍状态为辍学，仍发放{program}{amount}元"))
                p.tags.append("payment_to_dropout")
    vocational = [r for r in rows if r.placement.stage == "中职" and r.placement.grade == 3
                  and id(r.person) not in used]
    for r in rng.sample(vocational, min(1, len(vocational))):
        used.add(id(r.person))
        extra = Payment(r.person, r.placement, "中职国家助学金", Decimal("1000"), r.paid_on)
        rows.insert(rows.index(r) + 1, extra)
        county.plant("payment_ineligible", "错助：不符合条件的学生获得资助",
                     _case(r.person, r.placement, extra.program, extra.amount,
                           "中职三年级不享受中职国家助学金，仍发放1000元"))
        r.person.tags.append("payment_ineligible")
    _plant_unknown(county, rng, rows)
    return rows


def _plant_unknown(county: County, rng, rows: list[Payment]) -> None:
    """A payment to a valid ID number that no roll, registry or population list holds."""
    juniors = [r for r in rows if r.placement.stage == "初中"]
    anchor = rng.choice(juniors)
    sex = rng.choice("男女")
    p = county.person(sex, birth_for_age(rng, fall_age("初中", 2)), COUNTY_CODE, name=names.full_name(rng, sex))
    p.id_number = county.ids.new(p.region, p.birth, p.sex)
    p.category = "建档立卡"
    pl = Placement(FALL, "初中", 2, anchor.placement.school, False, class_no=anchor.placement.class_no)
    row = Payment(p, pl, "义务教育非寄宿生生活补助", Decimal("312.5"), anchor.paid_on)
    rows.insert(rows.index(anchor) + 1, row)
    county.plant("payment_unknown_student", "名册外人员：身份证号有效，但不在任何学籍名册中",
                 _case(p, pl, row.program, row.amount, "身份证号校验正确，学籍、建档立卡、户籍名单中都没有此人"))
    p.tags.append("payment_unknown_student")


def build_payments(county: County) -> dict[str, list[Payment]]:
    rng = sub_rng(county.seed, "payment-text")
    out = {SPRING: _roster(county, SPRING), FALL: _plant(county, _roster(county, FALL))}
    for rows in out.values():
        # A few amounts typed as text with a thousands separator, as clerks do; never on a planted row.
        big = [r for r in rows if r.amount >= 1000 and not r.person.tags]
        for r in rng.sample(big, min(len(big), max(1, len(big) // 200))):
            r.amount_as_text = True
    return out
