"""A small county for the pairing tests, built from the files a clerk would import.

Two townships, three schools, five registered poor students and one other student, three teachers, three
leaders. `PairingCounty()` starts complete: every poor student paired, every 六个一 item of 2019秋 recorded, the oversight
chain whole, so `fupin pair check --term 2019秋` is clean; each test breaks one thing and looks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from helpers.files import SCHOOL_HEADER, SCHOOL_ROWS, make_id, write_xlsx

SCHOOLS = [*SCHOOL_ROWS, ["3452000006", "河口乡中心小学", "小学", "河口乡", "公办"]]

ROLL_HEADER = ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "家庭经济困难类别", "学籍状态", "学期"]
HELPER_HEADER = ["姓名", "教职工号", "工作单位", "职务"]
PAIR_HEADER = ["帮扶责任人姓名", "帮扶责任人教职工号", "学生姓名", "学生身份证号", "结对日期", "结束日期"]
ACTIVITY_HEADER = ["帮扶责任人教职工号", "学生身份证号", "帮扶类型", "帮扶日期", "帮扶内容"]
OVERSIGHT_HEADER = ["包保责任人教职工号", "包保层级", "包保乡镇", "包保学校", "年级", "班级", "学期"]

# Students: name -> (ID number, school, stage, grade, class, category)
ZHANG = make_id(date(2007, 3, 15), 11)
LI = make_id(date(2007, 5, 2), 21)
WANG = make_id(date(2006, 4, 9), 31)
ZHAO = make_id(date(2012, 1, 9), 41)
QIAN = make_id(date(2011, 6, 1), 51)
SUN = make_id(date(2007, 8, 8), 61)  # not poor
STUDENTS = {
    "张一": (ZHANG, "城关中学", "初中", "七年级", "1班", "建档立卡"),
    "李二": (LI, "城关中学", "初中", "七年级", "1班", "建档立卡"),
    "王三": (WANG, "城关中学", "初中", "八年级", "2班", "建档立卡"),
    "赵四": (ZHAO, "城关第一小学", "小学", "二年级", "1班", "建档立卡"),
    "钱五": (QIAN, "河口乡中心小学", "小学", "三年级", "1班", "建档立卡"),
    "孙六": (SUN, "城关中学", "初中", "七年级", "1班", ""),
}
HELPERS = {
    "T0001": ("王老师", "城关中学", "教师"),
    "T0002": ("刘老师", "城关中学", "班主任"),
    "T0003": ("陈老师", "城关第一小学", "教师"),
    "T0004": ("周老师", "河口乡中心小学", "教师"),
    "J0001": ("刘局长", "县教育局", "局领导"),
    "J0002": ("何股长", "县教育局", "股室负责人"),
    "L0001": ("吴校长", "城关中学", "校领导"),
}
# (helper, student, start date)
PAIRS = [("T0001", "张一", "2019-09-01"), ("T0001", "李二", "2019-09-01"), ("T0002", "王三", "2019-09-01"),
         ("T0003", "赵四", "2019-09-01"), ("T0004", "钱五", "2019-09-01")]
OVERSIGHT = [
    ["J0001", "乡镇", "城关镇", None, None, None, None], ["J0001", "乡镇", "河口乡", None, None, None, None],
    ["J0002", "学校", None, "城关中学", None, None, None], ["J0002", "学校", None, "城关第一小学", None, None, None],
    ["J0002", "学校", None, "河口乡中心小学", None, None, None],
    ["L0001", "班级", None, "城关中学", "七年级", "1班", None], ["L0001", "班级", None, "城关中学", "八年级", "2班", None],
    ["J0002", "班级", None, "城关第一小学", "二年级", None, None],  # a whole grade
    ["J0002", "班级", None, "河口乡中心小学", "三年级", "(1)班", None],
]

# The dates a diligent helper records the 六个一 of 2019秋 on.
TERM_ITEMS = [("计划", "2019-09-10"), ("家访", "2019-10-15"), ("实事", "2019-11-20"), ("总结", "2020-01-10")]
MONTHS = ["2019-09", "2019-10", "2019-11", "2019-12", "2020-01"]


def full_record(helper: str, student: str, *, skip: tuple = ()) -> list[list]:
    """Every 六个一 item of 2019秋 for one pairing; skip holds (item, month-or-None) pairs to leave out."""
    rows = [[helper, STUDENTS[student][0], item, day, f"{item}记录"] for item, day in TERM_ITEMS if (item, None) not in skip]
    for month in MONTHS:
        for item, day in (("帮扶措施", "05"), ("帮扶活动", "20")):
            if (item, month) not in skip:
                rows.append([helper, STUDENTS[student][0], item, f"{month}-{day}", f"{month}{item}"])
    return rows


@dataclass
class PairingCounty:
    students: dict = field(default_factory=lambda: dict(STUDENTS))
    helpers: dict = field(default_factory=lambda: dict(HELPERS))
    pairs: list = field(default_factory=lambda: [[h, s, d, None] for h, s, d in PAIRS])
    activities: list = field(default_factory=lambda: [r for h, s, _ in PAIRS for r in full_record(h, s)])
    oversight: list = field(default_factory=lambda: [list(r) for r in OVERSIGHT])

    def files(self, folder: Path) -> list[Path]:
        roll = [[name, i, school, stage, grade, cls, cat, "在校", "2019秋"]
                for name, (i, school, stage, grade, cls, cat) in self.students.items()]
        files = [
            write_xlsx(folder / "学校名单.xlsx", SCHOOL_HEADER, SCHOOLS),
            write_xlsx(folder / "学籍.xlsx", ROLL_HEADER, roll),
            write_xlsx(folder / "帮扶责任人.xlsx", HELPER_HEADER, [[n, code, unit, role] for code, (n, unit, role)
                                                                 in self.helpers.items()]),
            write_xlsx(folder / "结对.xlsx", PAIR_HEADER, [[self.helpers[h][0], h, s, self.students[s][0], d, e]
                                                          for h, s, d, e in self.pairs]),
        ]
        if self.activities:
            files.append(write_xlsx(folder / "帮扶记录.xlsx", ACTIVITY_HEADER, self.activities))
        if self.oversight:
            files.append(write_xlsx(folder / "包保.xlsx", OVERSIGHT_HEADER, self.oversight))
        return files

    def load(self, cli, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        result = cli("import", *self.files(folder))
        assert result.exit_code == 0, result.output


County = PairingCounty  # the name it had before: kept for code written against it
