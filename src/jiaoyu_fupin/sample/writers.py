"""Turns the county in memory into the files clerks exchange, with the headers the real exports carry."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from jiaoyu_fupin.core.files import write_atomic
from jiaoyu_fupin.sample import names
from jiaoyu_fupin.sample.facts import COUNTY, FALL, PROVINCE_PREFECTURE, REGISTRY_DATE, SPRING, TOWNSHIPS
from jiaoyu_fupin.sample.model import County, Person, Placement
from jiaoyu_fupin.sample.payments import Payment
from jiaoyu_fupin.sample.schools import sub_rng
from jiaoyu_fupin.sample.xlsx import Sheet, write_workbook

SCHOOL_HEADERS = ("学校标识码", "学校名称", "学校类型", "所在乡镇", "办别")
ROLL_HEADERS = ("姓名", "性别", "出生日期", "民族", "身份证件类型", "身份证件号", "全国学籍号", "学校名称", "学段", "年级",
                "班级", "入学年月", "就读方式", "学籍状态", "户口所在地", "是否留守儿童", "是否孤儿", "残疾类型",
                "家庭经济困难类别", "学期")
REGISTRY_HEADERS = ("编号", "市区旗", "乡镇", "村", "社、组", "户编号", "人编号", "姓名", "身份证号", "家庭成员数",
                    "与户主关系", "民族", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工状况", "务工时间(月)",
                    "参加大病医疗", "脱贫属性", "贫困户属性", "主要致贫原因", "危房户", "饮水安全", "饮水困难",
                    "人均纯收入", "联系电话", "统计时间", "义务教育阶段未上学原因")
AWAY_HEADERS = ("省市", "区县", "乡镇", "村组（社区）", "姓名", "身份证号码", "户编号", "户主姓名", "联系电话", "学校全称",
                "学段", "年级", "班级", "学籍号", "就读方式", "是否残疾生", "贫困类型", "就读地", "省内/省外", "就读地区",
                "学期")
PAYMENT_HEADERS = ("序号", "学校名称", "姓名", "身份证号码", "年级", "资助项目", "资助金额", "学期", "发放日期", "银行卡号")
HELPER_HEADERS = ("序号", "姓名", "身份证号", "工作单位", "职务", "联系电话")
PAIRING_HEADERS = ("帮扶责任人姓名", "帮扶责任人身份证号", "学生姓名", "学生身份证号", "结对日期", "结束日期")
POPULATION_HEADERS = ("公民身份号码", "姓名", "性别", "出生日期", "乡镇（街道）", "村（社区）", "户籍地址")
DROPOUT_HEADERS = ("学生姓名", "性别", "身份证号码", "就读学校及年级", "辍学年月", "家长(或监护人)姓名", "电话号码", "家庭住址",
                   "户籍所在地", "辍学原因", "已采取的帮扶措施", "劝返次数", "劝返人员姓名", "劝返时间", "劝返就读情况记录")

_TOWNSHIP_ORDER = {t: i for i, (t, _) in enumerate(TOWNSHIPS)}
_REGISTRY_NOTES = (
    "1. 本表为全国扶贫开发信息系统建档立卡贫困人口信息导出表（样例数据，人员均为虚构）。",
    f"2. 统计时间：{REGISTRY_DATE}；每行一名家庭成员，户编号相同者为同一户。",
    "3. 在校生状况按2019年秋季学期填写；学龄前儿童指未入园的学龄前儿童。",
    "4. 义务教育阶段未上学原因仅对义务教育阶段未在校的儿童填写。",
    "5. 身份证号、户编号、人编号为文本，请勿改为数字格式，以免丢失末位数字。",
)


@dataclass
class Written:
    path: Path
    kind: str
    rows: int
    sheet: str
    header_row: int  # 1-based row of the header inside the sheet


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _term_title(term: str) -> str:
    return f"2019年{'春' if term == SPRING else '秋'}季学期"


def _xlsx(out: Path, file: str, kind: str, sheets: list[Sheet]) -> Written:
    path = out / file
    write_workbook(path, sheets)
    data = sheets[-1]
    return Written(path, kind, len(data.rows), data.title, len(data.banner) + 1)


def schools(county: County, out: Path) -> Written:
    rows = [[s.code, s.name, s.type, s.township, s.ownership] for s in county.schools]
    return _xlsx(out, "学校名单.xlsx", "schools", [Sheet("学校名单", SCHOOL_HEADERS, rows, text_columns=("学校标识码",))])


def roll(county: County, out: Path, term: str) -> Written:
    people = county.students if term == FALL else county.students + county.away + county.graduates
    placed: list[tuple[Person, Placement]] = []
    for p in people:
        pl = p.fall if term == FALL else p.spring
        if pl is not None and pl.school is not None:
            placed.append((p, pl))
    placed.sort(key=lambda x: (x[1].school.order, x[1].grade, x[1].class_no, x[0].seq))
    rows = [[p.name, p.sex, f"{p.birth:%Y-%m-%d}", p.ethnicity, "居民身份证", p.id_number, "G" + p.id_number,
             pl.school.name, pl.stage, pl.grade_label, f"{pl.class_no}班", pl.entry_month,
             "住校" if pl.boarding else "走读", pl.status, p.address, _yes(p.left_behind), _yes(p.orphan),
             p.disability, p.category, term] for p, pl in placed]
    sheet = Sheet("学生名册", ROLL_HEADERS, rows, banner=(f"{COUNTY}{_term_title(term)}在校学生名册",),
                  text_columns=("身份证件号", "全国学籍号"))
    return _xlsx(out, f"学籍_{term}.xlsx", "roll", [sheet])


def registry(county: County, out: Path) -> Written:
    rows = []
    # The county's own households first, as its export lists them; other counties' matched households after.
    for hh in sorted(county.households, key=lambda h: (h.county != COUNTY, h.code)):
        a = hh.attrs
        for i, p in enumerate(hh.members, 1):
            r = p.registry
            rows.append([len(rows) + 1, hh.county, hh.township, hh.village, f"{hh.group}组", hh.code,
                         f"{hh.code}{i:02d}", p.name, p.id_number, a["家庭成员数"], p.relation, p.ethnicity,
                         r["文化程度"], r["在校生状况"], r["健康状况"], r["劳动技能"], r["务工状况"], r["务工时间(月)"],
                         a["参加大病医疗"], a["脱贫属性"], a["贫困户属性"], a["主要致贫原因"], a["危房户"], a["饮水安全"],
                         a["饮水困难"], a["人均纯收入"], a["联系电话"], REGISTRY_DATE, r.get("义务教育阶段未上学原因", "")])
    notes = Sheet("填表说明", (), [[line] for line in _REGISTRY_NOTES], banner=("填表说明",))
    data = Sheet("建档立卡人员", REGISTRY_HEADERS, rows, text_columns=("户编号", "人编号", "身份证号", "联系电话"))
    return _xlsx(out, "国扶办_建档立卡人员.xlsx", "registry", [notes, data])


def away(county: County, out: Path) -> Written:
    people = sorted(county.away, key=lambda p: (_TOWNSHIP_ORDER[p.township], p.village, p.household.code, p.seq))
    rows = []
    for p in people:
        pl, hh = p.fall, p.household
        rows.append([PROVINCE_PREFECTURE, COUNTY, p.township, f"{p.village}{p.group}组", p.name, p.id_number, hh.code,
                     hh.head.name, hh.attrs["联系电话"], pl.away.school_name, pl.stage, pl.grade_label,
                     f"{pl.class_no}班", "G" + p.id_number, "住校" if pl.boarding else "走读", _yes(bool(p.disability)),
                     p.category, pl.away.place, pl.away.scope, pl.away.region_label, FALL])
    sheet = Sheet("县外就读学生", AWAY_HEADERS, rows, text_columns=("身份证号码", "户编号", "联系电话", "学籍号"))
    return _xlsx(out, "县外就读_建档立卡学生.xlsx", "away", [sheet])


def payments(county: County, out: Path, term: str, rows_in: list[Payment]) -> Written:
    rng = sub_rng(county.seed, "bank-cards")
    cards: dict[int, str] = {}
    rows = []
    for i, r in enumerate(rows_in, 1):
        card = cards.get(r.person.seq) or cards.setdefault(r.person.seq, names.bank_card(rng))
        amount = f"{int(r.amount):,}" if r.amount_as_text else r.amount
        rows.append([i, r.placement.school_name, r.person.name, r.person.id_number, r.placement.grade_label,
                     r.program, amount, term, r.paid_on, card])
    sheet = Sheet("发放名册", PAYMENT_HEADERS, rows,
                  banner=(f"{COUNTY}{_term_title(term)}学生资助资金发放名册", "单位：元"),
                  text_columns=("身份证号码", "银行卡号"))
    return _xlsx(out, f"资助发放_{term}.xlsx", "payments", [sheet])


# The national student-aid system's export: its own column names, and the shared program name (免学费).
NATIONAL_HEADERS = ("序号", "学校名称", "姓名", "身份证件号", "年级", "资助项目", "资助金额", "学期", "发放日期")


def national_roster(out: Path, file: str, term: str, rows_in: list[Payment], program: str) -> Written:
    rows = [[i, r.placement.school_name, r.person.name, r.person.id_number, r.placement.grade_label, program, r.amount,
             term, r.paid_on] for i, r in enumerate(rows_in, 1)]
    sheet = Sheet("资助发放明细", NATIONAL_HEADERS, rows, banner=(f"全国学生资助管理信息系统导出：{COUNTY}{_term_title(term)}",),
                  text_columns=("身份证件号",))
    return _xlsx(out, file, "payments", [sheet])


def helpers(county: County, out: Path) -> Written:
    rows = [[i, t.name, t.id_number, t.school.name if t.school else f"{COUNTY}教育局", t.role, t.phone]
            for i, t in enumerate(county.teachers + county.leaders, 1)]
    sheet = Sheet("帮扶责任人", HELPER_HEADERS, rows, text_columns=("身份证号", "联系电话"))
    return _xlsx(out, "帮扶责任人.xlsx", "helpers", [sheet])


def pairings(county: County, out: Path) -> Written:
    rows = [[pr.teacher.name, pr.teacher.id_number, pr.student.name, pr.student.id_number, pr.start, pr.end]
            for pr in county.pairings]
    sheet = Sheet("结对关系", PAIRING_HEADERS, rows, text_columns=("帮扶责任人身份证号", "学生身份证号"))
    return _xlsx(out, "结对帮扶.xlsx", "pairings", [sheet])


def population_people(county: County) -> list[Person]:
    """Children aged 3-17 on 31 August 2019 with a household registered in the county."""
    people = [p for p in county.students if p.local]
    people += county.away
    people += [p for hh in county.households if hh.county == COUNTY for p in hh.members
               if p.fall is None and p.spring is None]
    people += county.idle_children
    return [p for p in people if 3 <= p.age <= 17]


def population(county: County, out: Path) -> Written:
    people = population_people(county)
    geo = county.geography
    people.sort(key=lambda p: (_TOWNSHIP_ORDER[p.township], geo[p.township].index(p.village), p.id_number))
    path = out / "户籍适龄儿童.csv"
    # GBK with CRLF, as the police household-registry system exports it.
    def write(target: Path) -> None:
        with target.open("w", encoding="gbk", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(POPULATION_HEADERS)
            for p in people:
                w.writerow([p.id_number, p.name, p.sex, f"{p.birth:%Y-%m-%d}", p.township, p.village,
                            f"{PROVINCE_PREFECTURE}{COUNTY}{p.township}{p.village}{p.group}组{p.seq % 97 + 1}号"])

    write_atomic(path, write, private=True)  # ID numbers and home addresses
    return Written(path, "population", len(people), "", 1)


_DROP_REASONS = ("厌学", "外出务工", "家庭困难", "学习困难", "身体原因")
_MEASURES = ("班主任家访，宣讲义务教育法", "落实资助政策，结对帮扶", "镇村干部与教师联合劝返，签订控辍保学责任书")


def dropouts(county: County, out: Path, returned: list[Person]) -> Written:
    rng = sub_rng(county.seed, "dropouts")
    staff: dict[object, list[str]] = {}
    for t in county.teachers:
        staff.setdefault(t.school, []).append(t.name)
    rows = []
    cases = [(p, p.fall, date(2019, 10, 1) + timedelta(days=rng.randrange(40)), False)
             for p in county.students if p.fall.status == "辍学"]
    cases += [(p, p.spring, date(2019, 3, 4) + timedelta(days=rng.randrange(30)), True) for p in returned]
    for p, pl, left, came_back in cases:
        hh = p.household
        guardian = hh.head.name if hh else names.full_name(rng, rng.choice("男女"), p.name[0])
        phone = hh.attrs["联系电话"] if hh else names.phone(rng)
        visits = rng.randint(1, 3)
        visitors = "、".join(rng.sample(staff.get(pl.school, []), min(2, len(staff.get(pl.school, [])))) +
                            [names.full_name(rng, "男")])
        last = left + timedelta(days=7 * visits + rng.randrange(5))
        record = f"{last:%Y-%m-%d}已返校，现在校就读" if came_back else f"已劝返{visits}次，学生仍未返校，继续劝返"
        rows.append([p.name, p.sex, p.id_number, f"{pl.school.name}{pl.grade_label}", f"{left:%Y-%m}", guardian,
                     phone, f"{p.township}{p.village}{p.group}组", p.address, rng.choice(_DROP_REASONS),
                     rng.choice(_MEASURES), visits, visitors, f"{last:%Y-%m-%d}", record])
    sheet = Sheet("辍学台账", DROPOUT_HEADERS, rows, text_columns=("身份证号码", "电话号码"))
    return _xlsx(out, "辍学台账.xlsx", "dropouts", [sheet])


def statistics(county: County, out: Path, rows: list[list]) -> Written:
    """教育事业统计 by school, school year and grade, as the bureau keeps it for primary and junior schools."""
    from jiaoyu_fupin.sample.statistics import HEADERS

    sheet = Sheet("分学校分年级", HEADERS, rows, banner=(f"{COUNTY}教育事业统计（小学、初中，2009-2020学年）",),
                  text_columns=("学校标识码",))
    return _xlsx(out, "教育事业统计_小学初中.xlsx", "school_stats", [sheet])
