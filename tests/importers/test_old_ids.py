"""Old 15-digit ID numbers: upgraded for adults, refused for a pupil whom the upgrade would make a century old."""

from __future__ import annotations

from helpers.files import SCHOOL_HEADER, SCHOOL_ROWS, write_xlsx

OLD_FOR_2006 = "422822060315123"  # a 2006 child's number typed short: upgraded, a 1906 birth


def _roll_csv(tmp_path, rows):
    path = tmp_path / "学籍.csv"
    lines = ["姓名,身份证件号,学校名称,年级,学期", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    return path


def test_a_15_digit_id_that_makes_a_pupil_113_is_refused(cli, schools, tmp_path):
    before = cli.counts()
    result = cli("import", _roll_csv(tmp_path, [["老号", OLD_FOR_2006, "城关中学", "八年级", "2019秋"]]))
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "15 位旧身份证号" in x and "岁" in x)
    assert "文件“学籍.csv”" in line and "第 2 行" in line and "“身份证件号”列（B 列）" in line, line
    assert "到 2019 年 8 月 31 日已满 113 岁，不可能是在校学生" in line, line
    assert "请对照户口簿或学籍系统填写学生的 18 位身份证号" in result.output
    assert OLD_FOR_2006 not in result.output and "422822*****5123" in result.output
    assert cli.counts() == before


def test_a_15_digit_id_of_a_plausible_age_is_upgraded_for_a_pupil(cli, schools, tmp_path):
    # Born 1999-10-01: 19 on 31 August 2019, a 中职 student with the number issued before 2000.
    result = cli("import", _roll_csv(tmp_path, [["旧号生", "422822991001123", "县职业教育中心", "二年级", "2019秋"]]))
    assert result.exit_code == 0, result.output


def test_an_adults_15_digit_id_stays_accepted(cli, tmp_path):
    helpers = write_xlsx(tmp_path / "帮扶责任人.xlsx", ["身份证号", "姓名", "工作单位", "职务"],
                         [["422822750315123", "王老师", "城关中学", "教师"]])
    assert cli("import", write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, SCHOOL_ROWS)).exit_code == 0
    result = cli("import", helpers)
    assert result.exit_code == 0, result.output
