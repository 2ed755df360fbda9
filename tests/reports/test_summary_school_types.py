"""The 总结 counts a school by the stage its type implies, the one rule the import applies (core/stages.py): a
county's own type words (高级中学, 完全小学, 村小 …) land in the stage's row of the workbook and of the text, a type
that spans stages (九年一贯制学校, 完全中学) keeps a row of its own, and the text names every school counted."""

from __future__ import annotations

import re
from datetime import date

import openpyxl
import pytest
from docx import Document

from conftest import make_id, sheet_values, write_xlsx

SCHOOL_HEADER = ["学校标识码", "学校名称", "学校类型", "所在乡镇", "办别"]
# Eleven schools, counted by hand: 中职 1 (职业高级中学), 普通高中 1 (高级中学), 初中 1 (初级中学),
# 小学 4 (完全小学, 村小, 教学点, 小学教学点; 2 of them 教学点), 幼儿园 2 (1 公办), 特殊教育 1,
# 九年一贯制学校 1 and 完全中学 1 in rows of their own.
SCHOOLS = [
    ["3452000001", "县第一高级中学", "高级中学", "城关镇", "公办"],
    ["3452000002", "城关完全小学", "完全小学", "城关镇", "公办"],
    ["3452000003", "河口九年一贯制学校", "九年一贯制学校", "河口乡", "公办"],
    ["3452000004", "河口村小", "村小", "河口乡", "公办"],
    ["3452000005", "高坪教学点", "教学点", "高坪镇", "公办"],
    ["3452000006", "高坪小学教学点", "小学教学点", "高坪镇", "公办"],
    ["3452000007", "城关初级中学", "初级中学", "城关镇", "公办"],
    ["3452000008", "县职业高级中学", "职业高级中学", "城关镇", "公办"],
    ["3452000009", "城关幼儿园", "公办幼儿园", "城关镇", "公办"],
    ["3452000010", "河口阳光幼儿园", "幼儿园", "河口乡", "民办"],
    ["3452000011", "县特殊教育学校", "特殊教育学校", "城关镇", "公办"],
    ["3452000012", "县民族中学", "完全中学", "城关镇", "公办"],
]
ROLL = ["姓名", "身份证件号", "学校名称", "年级", "班级", "就读方式", "学籍状态", "家庭经济困难类别", "学期"]
# No 学段 column: the stage comes from the school's type (or, at a 九年一贯制学校, from the grade).
STUDENTS = [
    ["甲", make_id(date(2004, 3, 1), 11), "县第一高级中学", "高一", "1班", "住校", "在校", "建档立卡", "2019秋"],
    ["乙", make_id(date(2011, 3, 1), 12), "城关完全小学", "三年级", "1班", "走读", "在校", "建档立卡", "2019秋"],
    ["丙", make_id(date(2007, 3, 1), 13), "河口九年一贯制学校", "七年级", "1班", "走读", "在校", "", "2019秋"],
    ["丁", make_id(date(2013, 3, 1), 14), "河口村小", "一年级", "1班", "走读", "在校", "", "2019秋"],
]


@pytest.fixture
def county(cli, tmp_path):
    files = [write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, SCHOOLS),
             write_xlsx(tmp_path / "学籍.xlsx", ROLL, STUDENTS)]
    result = cli("import", *files)
    assert result.exit_code == 0, result.output
    (tmp_path / "明细").mkdir()
    result = cli("report", "summary", "--year", "2019", "--out", "总结.xlsx", "--narrative", "总结.md",
                 "--details", "明细", "-q")
    assert result.exit_code == 0, result.output
    return tmp_path


def _table(ws) -> dict[str, list]:
    """The rows of a summary sheet's table, by their first cell (the sign-off lines below it left out)."""
    rows = sheet_values(ws)
    start = next(i for i, r in enumerate(rows) if r and r[0] in ("类型", "学段")) + 1
    end = next(i for i in range(start, len(rows)) if not rows[i] or rows[i][0] is None)
    return {r[0]: r[1:] for r in rows[start:end]}


def test_workbook_counts_each_school_in_the_row_of_its_stage(county):
    wb = openpyxl.load_workbook(county / "总结.xlsx")
    schools = _table(wb["学校"])
    assert schools["中等职业学校"][0] == 1
    assert schools["普通高中"][0] == 1  # 高级中学
    assert schools["初中"][0] == 1
    assert schools["小学"][:2] == [4, "含教学点 2 所"]  # 完全小学, 村小 and two 教学点
    assert schools["幼儿园"][:2] == [2, "含公办 1 所"]
    assert schools["特殊教育学校"][0] == 1
    assert schools["九年一贯制学校"][0] == 1 and schools["完全中学"][0] == 1
    assert "完全小学" not in schools and "高级中学" not in schools
    assert schools["合计"][0] == 12
    # The students: the stage the import gave them from the same rule.
    students = _table(wb["学生"])
    assert {k: v[0] for k, v in students.items()} == {"小学": 2, "初中": 1, "普通高中": 1, "合计": 4}


def test_details_name_the_row_each_school_is_counted_in(county):
    wb = openpyxl.load_workbook(next((county / "明细").glob("*.xlsx")))
    rows = sheet_values(wb["学校明细"])
    header = next(r for r in rows if r and r[0] == "学校")
    where = {r[0]: r[header.index("总结中的类型")] for r in rows[rows.index(header) + 1:] if r and r[0] in
             {s[1] for s in SCHOOLS}}
    assert where["县第一高级中学"] == "普通高中" and where["城关完全小学"] == "小学" and where["河口村小"] == "小学"
    assert where["县职业高级中学"] == "中等职业学校" and where["城关幼儿园"] == "幼儿园"
    assert where["河口九年一贯制学校"] == "九年一贯制学校" and where["县民族中学"] == "完全中学"


def test_narrative_names_every_school_counted(county):
    text = (county / "总结.md").read_text(encoding="utf-8")
    sentence = next(line for line in text.splitlines() if line.startswith("目前全县共有"))
    assert sentence == ("目前全县共有12所学校（园）：1所中等职业技术学校，1所普通高中，1所初中，4所小学（含教学点2所），"
                        "幼儿园2所（含公办1所），1所特殊教育学校，1所九年一贯制学校，1所完全中学。")
    # Every school the sentence counts, once: the parts add up to the whole (教学点 and 公办 are within 小学, 幼儿园).
    parts = re.sub(r"（[^）]*）", "", sentence.split("：", 1)[1])
    assert sum(int(n) for n in re.findall(r"\d+", parts)) == 12


def test_word_draft_says_the_same(cli, county):
    assert cli("report", "summary", "--year", "2019", "--narrative", "总结.docx", "-q").exit_code == 0
    paragraphs = [p.text for p in Document(str(county / "总结.docx")).paragraphs]
    assert any(p.startswith("目前全县共有12所学校（园）") and p.endswith("1所九年一贯制学校，1所完全中学。") for p in paragraphs)
