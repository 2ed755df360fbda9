"""Small hand-built county files for the dropout and rates tests: every child written out, so counts are by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers.files import make_id, write_xlsx

SCHOOLS = [
    ["A小学", "小学", "东乡"], ["B中学", "初中", "东乡"], ["C幼儿园", "幼儿园", "东乡"],
    ["D高中", "普通高中", "西乡"], ["E中职", "中职", "西乡"],
]
STAGE_OF_SCHOOL = {"A小学": "小学", "B中学": "初中", "C幼儿园": "学前", "D高中": "普通高中", "E中职": "中职"}


class Child:
    """One child: an ID from the birth date, and where (if anywhere) the child is on the roll."""

    _seq = 0

    def __init__(self, name: str, born: date, township: str | None = None, *, school: str | None = None,
                 grade: str | None = None, status: str = "在校", away: str | None = None, listed: bool = True,
                 poor: bool = False, why: str = ""):
        Child._seq += 2
        self.name, self.born, self.township = name, born, township
        self.id = make_id(born, Child._seq % 1000)
        self.school, self.grade, self.status, self.away = school, grade, status, away
        self.listed, self.poor, self.why = listed, poor, why


def write_county(folder: Path, children: list[Child], *, term: str = "2019秋", schools: list[list] = SCHOOLS,
                 extra_roll: list[list] = ()) -> list[Path]:
    """The files a bureau would import: school list, the term's roll, the away list, population, registry."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [write_xlsx(folder / "学校名单.xlsx", ["学校名称", "学校类型", "所在乡镇"], schools)]
    roll = [[c.name, c.id, c.school, STAGE_OF_SCHOOL.get(c.school, "特殊教育"), c.grade, c.status, term]
            for c in children if c.school] + [list(r) for r in extra_roll]
    if roll:
        files.append(write_xlsx(folder / f"学籍_{term}.xlsx", ["姓名", "身份证件号", "学校名称", "学段", "年级", "学籍状态",
                                                               "学期"], roll, text_columns=(1,)))
    away = [[c.name, c.id, f"外县{c.away}学校", c.away, "县外州内", term] for c in children if c.away]
    if away:
        files.append(write_xlsx(folder / f"县外就读_{term}.xlsx", ["姓名", "身份证号码", "学校全称", "学段", "就读地", "学期"],
                                away, text_columns=(1,)))
    listed = [[c.id, c.name, c.township] for c in children if c.listed]
    if listed:
        files.append(write_xlsx(folder / "户籍适龄儿童.xlsx", ["公民身份号码", "姓名", "乡镇（街道）"], listed, text_columns=(0,)))
    poor = [[c.id, c.name, f"H{i:03d}", c.township, "某村", c.why] for i, c in enumerate(children) if c.poor]
    if poor:
        files.append(write_xlsx(folder / "国扶办.xlsx", ["身份证号", "姓名", "户编号", "乡镇", "村", "义务教育阶段未上学原因"],
                                poor, text_columns=(0, 2)))
    return files


def imported(cli, files: list[Path]) -> None:
    result = cli("import", *files)
    assert result.exit_code == 0, result.output
