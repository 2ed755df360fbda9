"""Small ledgers for the subsidy tests: a roll, payments and the schools of a made-up county, built from files."""

from __future__ import annotations

import json
from datetime import date

from helpers.files import SCHOOL_HEADER, make_id, write_xlsx

ROLL = ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态", "家庭经济困难类别", "学期"]
PAY = ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]
AWAY = ["姓名", "身份证号码", "学校全称", "学段", "年级", "贫困类型", "县内/县外", "省内/省外", "就读地区", "学期"]
NONBOARD, BOARD = "义务教育非寄宿生生活补助", "义务教育寄宿生生活补助"

IDS = {key: make_id(date(2007, 1, 1 + i), 10 + i) for i, key in enumerate("ABCDEFGHIJKLMN")}
UNKNOWN = make_id(date(2007, 6, 6), 99)


def student(key, name, school, stage, grade, boarding, category, status="在校", term="2019秋", klass="1班"):
    return [name, IDS[key], school, stage, grade, klass, boarding, status, category, term]


def paid(key_or_id, name, program, amount, term="2019秋", school="城关中学"):
    id_number = IDS.get(key_or_id, key_or_id)
    return [school, name, id_number, program, amount, term, "2019-11-05" if term.endswith("秋") else "2019-05-06"]


def ledger(cli, tmp_path, roll, payments, *, away=None, registry=None):
    files = [write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, [
        ["3452000001", "城关第一小学", "小学", "城关镇", "公办"],
        ["3452000002", "城关中学", "初中", "城关镇", "公办"],
        ["3452000003", "县第一高级中学", "普通高中", "城关镇", "公办"],
        ["3452000004", "县职业教育中心", "中职", "城关镇", "公办"],
        ["3452000006", "河口中学", "初中", "河口乡", "公办"],
    ])]
    files.append(write_xlsx(tmp_path / "学籍.xlsx", ROLL, roll))
    if registry:
        files.append(write_xlsx(tmp_path / "国扶办.xlsx", ["身份证号", "姓名", "户编号", "乡镇"], registry))
    if away:
        files.append(write_xlsx(tmp_path / "县外就读.xlsx", AWAY, away))
    if payments:
        files.append(write_xlsx(tmp_path / "发放名册.xlsx", PAY, payments))
    result = cli("import", *files)
    assert result.exit_code == 0, result.output


def check(cli, *args):
    result = cli("subsidy", "check", "--term", "2019秋", "--json", *args)
    doc = json.loads(result.stdout) if result.stdout.strip() else None
    # What the clerk's script sees: 1 when there are findings, 0 when there are none (not "0 or 1").
    assert doc is not None and result.exit_code == (1 if doc["findings"] else 0), result.output
    return result.exit_code, doc


def kinds(doc) -> list[tuple[str, str, str | None]]:
    return sorted((f["kind"], f["name"], f["program"]) for f in doc["findings"])
