"""Bureau leaders, the oversight chain (包保) and the 六个一 log of 2019秋, with planted overdue items and gaps.

Every pairing records all fourteen items of the term (four per term, two a month from September to January)
except the planted ones; every township, school and class with registered poor students has a leader except
the planted gaps. `fupin pair check --term 2019秋` on the imported sample must find exactly those.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.sample import names
from jiaoyu_fupin.sample.facts import COUNTY, COUNTY_CODE, TOWNSHIPS
from jiaoyu_fupin.sample.model import County, Pairing, Teacher, birth_for_age
from jiaoyu_fupin.sample.pairings import _to_pair
from jiaoyu_fupin.sample.schools import School, sub_rng
from jiaoyu_fupin.sample.xlsx import Sheet

BUREAU = f"{COUNTY}教育局"
BUREAU_LEADERS = 5  # 局领导班子成员, two townships each
DEPARTMENT_HEADS = 12  # 股室及二级单位负责人, a share of the schools each
MONTHS = ((2019, 9), (2019, 10), (2019, 11), (2019, 12), (2020, 1))
NOTES = {
    "计划": ("制定本学期帮扶计划：学业辅导与资助政策落实", "制定帮扶规划，明确每月帮扶重点", "与家长商定本学期帮扶计划"),
    "家访": ("入户家访，了解家庭收入和住房情况", "家访宣讲资助政策，核实资助到位", "家访了解学生假期生活和学习情况"),
    "实事": ("为学生购买冬衣一套", "协助办理助学金手续", "为学生添置学习用品", "联系爱心人士资助学费"),
    "总结": ("本学期帮扶总结：学习有进步，出勤正常", "学期帮扶总结，下学期继续加强学业辅导"),
    "帮扶措施": ("每周一次课后学业辅导", "落实营养餐和寄宿生生活补助", "安排学习伙伴结对互助", "心理疏导谈心"),
    "帮扶活动": ("谈心谈话，了解思想动态", "组织参加亲情电话活动", "参加留守儿童关爱中心活动", "电话联系家长沟通学习情况"),
}
ACTIVITY_HEADERS = ("帮扶责任人姓名", "帮扶责任人身份证号", "学生姓名", "学生身份证号", "帮扶类型", "帮扶日期", "帮扶内容")
OVERSIGHT_HEADERS = ("包保层级", "包保责任人姓名", "包保责任人身份证号", "职务", "包保乡镇", "包保学校", "年级", "班级")


@dataclass(eq=False)
class Activity:
    teacher: Teacher
    pairing: Pairing
    item: str  # 计划 / 家访 / 实事 / 总结 / 帮扶措施 / 帮扶活动
    day: date
    note: str


@dataclass(eq=False)
class Link:
    level: str  # 乡镇 / 学校 / 班级
    leader: Teacher
    township: str = ""
    school: School | None = None
    grade: str = ""
    class_name: str = ""


def build_leaders(county: County) -> None:
    """Bureau leaders and department heads: helpers of the bureau, not of a school."""
    rng = sub_rng(county.seed, "leaders")
    for role, n in (("局领导", BUREAU_LEADERS), ("股室负责人", DEPARTMENT_HEADS)):
        for _ in range(n):
            sex = "男" if rng.random() < 0.7 else "女"
            birth = birth_for_age(rng, rng.randint(40, 57))
            leader = Teacher(names.full_name(rng, sex), sex, birth, COUNTY_CODE, None, role, names.phone(rng))
            leader.id_number = county.ids.new(COUNTY_CODE, birth, sex)
            county.leaders.append(leader)


def _needed(county: County) -> tuple[list[str], list[School], list[tuple[School, str, str, str]]]:
    """Townships, schools and classes with registered poor students this autumn, in a stable order."""
    classes: dict[tuple, tuple[School, str, str, str]] = {}
    for p in _to_pair(county):
        pl = p.fall
        classes.setdefault((pl.school.order, pl.grade, pl.class_no),
                           (pl.school, pl.stage, pl.grade_label, f"{pl.class_no}班"))
    schools = sorted({c[0] for c in classes.values()}, key=lambda s: s.order)
    order = [t for t, _ in TOWNSHIPS]
    townships = sorted({s.township for s in schools}, key=order.index)
    return townships, schools, [classes[k] for k in sorted(classes)]


def build_oversight(county: County) -> None:
    rng = sub_rng(county.seed, "oversight")
    bureau = [t for t in county.leaders if t.role == "局领导"]
    heads = [t for t in county.leaders if t.role == "股室负责人"]
    townships, schools, classes = _needed(county)
    all_townships = [t for t, _ in TOWNSHIPS if any(s.township == t for s in county.schools)]
    # Gaps: places the chain forgot. Never a special school's class: its 七年级 reads as grade 1 on import.
    gap_townships = set(rng.sample(townships, min(1, len(townships))))
    gap_schools = set(rng.sample(schools, min(2, len(schools))))
    candidates = [i for i, c in enumerate(classes) if c[0] not in gap_schools and c[1] != "特殊教育"]
    gap_classes = set(rng.sample(candidates, min(3, len(candidates))))
    for i, township in enumerate(all_townships):
        if township in gap_townships:
            _plant(county, "township", township, township)
        else:
            county.oversight.append(Link("乡镇", bureau[i // 2 % len(bureau)], township=township))
    for i, school in enumerate(county.schools):
        if school in gap_schools:
            _plant(county, "school", school.name, school.township, school.name)
        else:
            county.oversight.append(Link("学校", heads[i % len(heads)], school=school))
    principals: dict[School, list[Teacher]] = {}
    for t in county.teachers:
        if t.role == "校领导":
            principals.setdefault(t.school, []).append(t)
    served: dict[School, int] = {}
    for i, (school, stage, label, class_name) in enumerate(classes):
        if i in gap_classes:
            place = f"{school.name}{grade_label(stage, _grade_number(label, stage))}{class_name}"
            _plant(county, "class", place, school.township, school.name, label, class_name)
            continue
        leaders = principals[school]
        n = served.get(school, 0)
        served[school] = n + 1
        county.oversight.append(Link("班级", leaders[n % len(leaders)], school=school, grade=label,
                                     class_name=class_name))


def _grade_number(label: str, stage: str) -> int:
    from jiaoyu_fupin.sample.facts import GRADES

    return GRADES[stage].index(label) + 1


def _plant(county: County, level: str, place: str, township: str, school: str | None = None,
           grade: str | None = None, class_name: str | None = None) -> None:
    what = {"township": "乡镇", "school": "学校", "class": "班级"}[level]
    county.plant("oversight_gap", "包保缺口：有建档立卡学生的乡镇、学校或班级没有包保责任人",
                 {"level": level, "place": place, "township": township, "school": school, "grade": grade,
                  "class_name": class_name, "detail": f"{what}“{place}”有建档立卡学生，包保名单中没有它"})


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _record(rng: random.Random, pr: Pairing) -> list[tuple[str, date]]:
    """The fourteen items of 2019秋 for one pairing, dated as a diligent helper would."""
    begin = max(pr.start, date(2019, 9, 2))
    items = [("计划", _day(rng, begin, begin + timedelta(days=10))),
             ("家访", _day(rng, date(2019, 10, 8), date(2019, 11, 29))),
             ("实事", _day(rng, date(2019, 11, 1), date(2019, 12, 20))),
             ("总结", _day(rng, date(2020, 1, 2), date(2020, 1, 17)))]
    for year, month in MONTHS:
        first = begin if month == 9 else date(year, month, 1)
        last = date(2020, 1, 20) if month == 1 else date(year, month, 28)
        items += [("帮扶措施", _day(rng, first, last)), ("帮扶活动", _day(rng, first, last))]
    return items


# The planted overdue items: (item, month or None, what happened instead).
_OVERDUE = (("家访", None, "本学期没有家访记录"), ("总结", None, "本学期没有总结"),
            ("帮扶措施", "2019-12", "12 月没有帮扶措施记录"),
            ("帮扶活动", "2020-01", "1 月的帮扶活动记在 2020-02-01，算作 2 月"))


def build_activities(county: County) -> None:
    rng = sub_rng(county.seed, "six-ones")
    pairings = sorted(county.pairings, key=lambda pr: (pr.teacher.school.order, pr.teacher.id_number, pr.student.seq))
    fit = [pr for pr in pairings if not pr.student.tags and pr.student.fall.status == "在校"]
    chosen: list[Pairing] = []
    for pr in rng.sample(fit, len(fit)):  # distinct helpers, so each planted item is its own finding
        if all(pr.teacher is not c.teacher for c in chosen):
            chosen.append(pr)
        if len(chosen) == len(_OVERDUE):
            break
    planted = {id(pr): spec for pr, spec in zip(chosen, _OVERDUE, strict=False)}
    for pr in pairings:
        spec = planted.get(id(pr))
        for item, day in _record(rng, pr):
            month = f"{day:%Y-%m}"
            if spec and item == spec[0] and (spec[1] is None or spec[1] == month):
                if spec[1] != "2020-01":
                    continue
                day = date(2020, 2, 1)  # written after the month closed: counts for February
            county.activities.append(Activity(pr.teacher, pr, item, day, rng.choice(NOTES[item])))
        if spec:
            item, month, detail = spec
            pr.student.tags.append("six_ones_overdue")
            deadline = {"2019-12": "2019-12-31", "2020-01": "2020-01-31"}.get(month, "2020-01-31")
            county.plant("six_ones_overdue", "六个一逾期：帮扶责任人没有按时完成六个一中的一项",
                         {"id_number": pr.student.id_number, "name": pr.student.name,
                          "school": pr.student.fall.school.name, "helper_id_number": pr.teacher.id_number,
                          "helper_name": pr.teacher.name, "item": item, "month": month, "deadline": deadline,
                          "detail": f"{pr.teacher.name}对{pr.student.name}：{detail}"})


def activity_sheet(county: County) -> Sheet:
    rows = [[a.teacher.name, a.teacher.id_number, a.pairing.student.name, a.pairing.student.id_number, a.item, a.day,
             a.note] for a in county.activities]
    return Sheet("帮扶记录", ACTIVITY_HEADERS, rows, banner=(f"{COUNTY}2019年秋季学期结对帮扶“六个一”记录",),
                 text_columns=("帮扶责任人身份证号", "学生身份证号"))


def oversight_sheet(county: County) -> Sheet:
    rows = [[link.level, link.leader.name, link.leader.id_number, link.leader.role, link.township,
             link.school.name if link.school else "", link.grade, link.class_name] for link in county.oversight]
    return Sheet("包保责任", OVERSIGHT_HEADERS, rows, text_columns=("包保责任人身份证号",))


def write(county: County, out: Path) -> list:
    from jiaoyu_fupin.sample.writers import _xlsx

    return [_xlsx(out, "结对帮扶记录_2019秋.xlsx", "activities", [activity_sheet(county)]),
            _xlsx(out, "包保责任.xlsx", "oversight", [oversight_sheet(county)])]
