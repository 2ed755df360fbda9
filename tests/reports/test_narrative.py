"""The 总结 draft: Markdown and Word (.docx, read back with python-docx), figures from the ledger, each program told
once, the 【…】 gaps highlighted for the clerk."""

from __future__ import annotations

import re
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from helpers.files import make_id, write_xlsx

ROLL = ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态", "家庭经济困难类别", "学期"]
PAY = ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]
A, B = make_id(date(2004, 3, 1), 11), make_id(date(2007, 1, 2), 12)


@pytest.fixture
def aid_ledger(cli, schools, tmp_path):
    """A senior-high student (A: 国家助学金 1000 and 免学费 800) and a junior one (B: 非寄宿生生活补助 312.5)."""
    files = [
        write_xlsx(tmp_path / "学籍.xlsx", ROLL, [
            ["甲", A, "县第一高级中学", "普通高中", "高一", "1班", "住校", "在校", "建档立卡", "2019秋"],
            ["乙", B, "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"]]),
        write_xlsx(tmp_path / "发放名册.xlsx", PAY, [
            ["县第一高级中学", "甲", A, "普通高中国家助学金", "1000", "2019秋", "2019-11-05"],
            ["县第一高级中学", "甲", A, "普通高中免学费", "800", "2019秋", "2019-11-05"],
            ["城关中学", "乙", B, "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-11-05"]]),
    ]
    result = cli("import", *files)
    assert result.exit_code == 0, result.output
    return cli


def test_tuition_waiver_is_told_once(cli, aid_ledger, tmp_path):
    result = cli("report", "summary", "--year", "2019", "--narrative", "总结.md", "-q")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "总结.md").read_text(encoding="utf-8")
    assert text.count("普通高中免学费") == 1  # it was in the programs' sentence and again in the one after it
    assert "其中，义务教育非寄宿生生活补助0.0313万元、1人次；普通高中国家助学金0.1000万元、1人次。普通高中免学费" in text
    assert "普通高中免学费0.0800万元，惠及1人次。" in text
    assert "累计发放学生资助资金0.2113万元，惠及贫困家庭学生3人次（2人）" in text


def test_word_draft_reads_back_with_its_headings_fonts_and_gaps(cli, aid_ledger, tmp_path):
    result = cli("report", "summary", "--year", "2019", "--out", "总结.xlsx", "--narrative", "总结.docx")
    assert result.exit_code == 0, result.output
    assert "已写入 总结.docx" in result.stderr
    doc = Document(str(tmp_path / "总结.docx"))
    paragraphs = [p for p in doc.paragraphs if p.text]
    title = paragraphs[0]
    assert title.text == "本县2019年教育扶贫工作总结（初稿）"  # no registry: the county's name is not known
    assert title.alignment == 1 and title.runs[0].font.bold and title.runs[0].font.size.pt == 22
    texts = [p.text for p in paragraphs]
    assert "一、全县教育扶贫基本情况" in texts and "（四）控辍保学工作情况" in texts
    assert not any(t.startswith("#") or t.startswith(">") for t in texts)
    body = next(p for p in paragraphs if p.text.startswith("1. 及时发放资金"))
    assert "累计发放学生资助资金0.2113万元，惠及贫困家庭学生3人次（2人）" in body.text  # from the ledger
    run = body.runs[0]
    assert run.font.size.pt == 16 and run.font.name == "仿宋"
    assert run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    heading = next(p for p in paragraphs if p.text == "一、全县教育扶贫基本情况")
    assert heading.runs[0].font.name == "黑体"
    gaps = [r.text for p in paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert "【台账不记录，请据实补写。】" in gaps and "【请补写。】" in gaps
    assert all(g.startswith("【") and g.endswith("】") for g in gaps)
    unmarked = [r.text for p in paragraphs for r in p.runs if r.font.highlight_color is None]
    assert not any("【" in t for t in unmarked)  # every gap is marked
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert (tmp_path / "总结.xlsx").exists()


def test_markdown_stays_available_and_says_the_same(cli, aid_ledger, tmp_path):
    assert cli("report", "summary", "--year", "2019", "--narrative", "总结.md", "-q").exit_code == 0
    assert cli("report", "summary", "--year", "2019", "--narrative", "总结.docx", "-q").exit_code == 0
    # The two runs may fall in two different minutes: "数据截至 …" is the time each was made.
    made = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    markdown = [made.sub("<时间>", line.lstrip("#> ").strip())
                for line in (tmp_path / "总结.md").read_text(encoding="utf-8").splitlines()]
    word = [made.sub("<时间>", p.text) for p in Document(str(tmp_path / "总结.docx")).paragraphs if p.text]
    assert word == [line for line in markdown if line]
