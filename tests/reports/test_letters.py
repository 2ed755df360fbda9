"""`fupin pair letters`: the four layers of 责任书 as Word documents, names from the oversight chain and pairings."""

from __future__ import annotations

from datetime import date

from docx import Document

from helpers.files import make_id
from helpers.pairing_ledger import County


def _texts(path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_four_layers_one_file_per_school_plus_the_bureau(cli, tmp_path):
    County().load(cli, tmp_path / "in")
    out = tmp_path / "责任书"
    out.mkdir()
    result = cli("pair", "letters", "--out", out, "--term", "2019秋", "--as-of", "2019-11-30")
    assert result.exit_code == 0, result.output
    assert "局领导联系乡镇 1 份、股室负责人联系学校 1 份、学校领导帮扶班级 3 份、教师帮扶学生 4 份" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(["城关第一小学_帮扶责任书.docx", "城关中学_帮扶责任书.docx",
                                                            "教育局_帮扶责任书.docx", "河口乡中心小学_帮扶责任书.docx"])
    bureau = _texts(out / "教育局_帮扶责任书.docx")
    assert bureau[0].endswith("教育局领导班子成员联系责任辖区 责任书")
    assert "二、联系对象：城关镇、河口乡（县教育局文件明确的“包保”责任对象）。" in bureau
    assert any(t.startswith("局领导班子成员（签字）：") and t.endswith("（刘局长）") for t in bureau)
    assert "二、联系对象：城关中学、城关第一小学、河口乡中心小学（县教育局文件明确的“包保”责任对象）。" in bureau
    assert any(t.startswith("局机关股室及二级单位负责人（签字）：") and t.endswith("（何股长）") for t in bureau)
    assert bureau.count("年    月    日") == 2 and any(t.endswith("教育局（盖章）") for t in bureau)
    school = _texts(out / "城关中学_帮扶责任书.docx")
    assert school[0].endswith("城关中学领导班子成员帮扶班级 责任书")
    assert "二、包保对象：七年级1班、八年级2班（学校分解的帮扶班级）。" in school
    assert any(t.endswith("（吴校长）") for t in school)
    teacher = school.index("二、包保对象：张一（七年级1班）、李二（七年级1班）（学校分解的“包保”责任对象）。")
    assert school[teacher + 1] == "三、工作要求："
    assert any(t.startswith("学校教师（签字）：") and t.endswith("（王老师）") for t in school)
    assert "5. 负责帮扶对象的控辍保学工作。" in school
    assert school.count("年    月    日") == 3  # 吴校长, 王老师, 刘老师


def test_one_school_only_and_an_unknown_school(cli, tmp_path):
    County().load(cli, tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    result = cli("pair", "letters", "--out", out, "--school", "河口乡中心小学", "--term", "2019秋", "--as-of", "2019-11-30")
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["河口乡中心小学_帮扶责任书.docx"]
    texts = _texts(out / "河口乡中心小学_帮扶责任书.docx")
    assert "二、包保对象：三年级(1)班（学校分解的帮扶班级）。" in texts and "二、包保对象：钱五（三年级1班）（学校分解的“包保”责任对象）。" in texts
    unknown = cli("pair", "letters", "--out", out, "--school", "河口小学", "--term", "2019秋")
    assert unknown.exit_code == 2 and "河口小学" in unknown.stderr
    missing = cli("pair", "letters", "--out", tmp_path / "nowhere" / "deeper")
    assert missing.exit_code == 2 and "不存在" in missing.stderr and not (tmp_path / "nowhere").exists()


def test_the_readme_example_makes_its_folder(cli, tmp_path):
    County().load(cli, tmp_path / "in")
    result = cli("pair", "letters", "--out", "责任书", "--term", "2019秋")  # as README.md writes it
    assert result.exit_code == 0, result.output
    assert "已新建文件夹“责任书”" in result.stderr and (tmp_path / "责任书" / "教育局_帮扶责任书.docx").is_file()


def test_a_bureau_helper_and_a_teacher_of_another_school(cli, tmp_path):
    """A bureau officer's pairing letter is not a school teacher's (no 校长 or 学校盖章 line, in the bureau's file);
    a school's file lists only its own students: a pupil of another school is in that school's file."""
    county = County()
    county.students["李三"] = (make_id(date(2009, 4, 1), 71), "城关第一小学", "小学", "四年级", "1班", "建档立卡")
    county.students["周七"] = (make_id(date(2007, 6, 1), 81), "城关中学", "初中", "七年级", "1班", "建档立卡")
    county.helpers["J0003"] = ("郑干部", "县教育局", "干部")
    county.pairs += [["T0001", "李三", "2019-09-01", None], ["J0003", "周七", "2019-09-01", None]]
    county.load(cli, tmp_path / "in")
    out = tmp_path / "责任书"
    out.mkdir()
    result = cli("pair", "letters", "--out", out, "--term", "2019秋", "--as-of", "2019-11-30")
    assert result.exit_code == 0, result.output
    assert "教师帮扶学生 4 份、其他帮扶责任人帮扶学生 2 份" in result.stdout
    bureau = _texts(out / "教育局_帮扶责任书.docx")
    start = next(i for i, t in enumerate(bureau) if t.endswith("教育局帮扶责任人帮扶学生 责任书"))
    mine = bureau[start:]
    assert "二、包保对象：周七（七年级1班）（县教育局分解的“包保”责任对象）。" in mine
    assert not any("教师帮扶学生" in t or t.startswith("校长") or t.startswith("学校（盖章）") for t in bureau)
    assert any(t.startswith("帮扶责任人（签字）：") and t.endswith("（郑干部）") for t in mine)
    middle = _texts(out / "城关中学_帮扶责任书.docx")
    assert not any("李三" in t for t in middle)
    assert "二、包保对象：张一（七年级1班）、李二（七年级1班）（学校分解的“包保”责任对象）。" in middle
    primary = _texts(out / "城关第一小学_帮扶责任书.docx")
    start = next(i for i, t in enumerate(primary) if t.endswith("城关第一小学帮扶责任人帮扶学生 责任书"))
    assert "二、包保对象：李三（四年级1班）（学校分解的“包保”责任对象）。" in primary[start:]
    assert any(t.startswith("帮扶责任人（签字）：") and t.endswith("（王老师，城关中学）") for t in primary[start:])
