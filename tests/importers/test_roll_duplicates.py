"""A student twice in rolls of one term: two rows of one file, two files of one command, and a later import that
puts the student at another school (转学)."""

from __future__ import annotations

from datetime import date

from helpers.files import make_id, write_xlsx
from helpers.ledger import query

from jiaoyu_fupin.core.idnumber import mask

YANG = make_id(date(2009, 4, 1), 15)
HEADER = ["姓名", "身份证件号", "学校名称", "年级", "就读方式", "家庭经济困难类别", "学期"]


def test_two_rows_of_one_student_that_differ_in_boarding_are_refused_naming_both(tmp_path, cli, schools):
    path = write_xlsx(tmp_path / "学籍.xlsx", HEADER, [
        ["杨十五", YANG, "城关第一小学", "五年级", "住校", "建档立卡", "2019秋"],
        ["杨十五", YANG, "城关第一小学", "五年级", "走读", None, "2019秋"],
    ], text_columns=(1,))
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "完全相同" not in result.output
    assert "同一人重复且内容不一致" in result.output
    assert "第 2 行" in result.output and "第 3 行" in result.output
    assert "不同之处：就读方式、家庭经济困难类别" in result.output, result.output
    assert YANG not in result.output and mask(YANG) in result.output
    assert cli.counts()["enrollments"] == 0


def test_two_rows_equal_in_every_column_are_merged_and_counted(tmp_path, cli, schools):
    row = ["杨十五", YANG, "城关第一小学", "五年级", "住校", "建档立卡", "2019秋"]
    path = write_xlsx(tmp_path / "学籍.xlsx", HEADER, [row, list(row)], text_columns=(1,))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "2 行，新增 1，变更 0，未变 0，合并重复 1" in result.output
    assert "合并 1 行完全相同的重复行（第 3 行同第 2 行）" in result.output
    assert query(cli.db, "SELECT boarding FROM enrollments") == [(1,)]


TWO_SCHOOLS = make_id(date(2007, 6, 6), 201)


def _csv(path, rows):
    path.write_text("姓名,身份证件号,学校名称,年级,学期\n" + "".join(",".join(r) + "\n" for r in rows), encoding="gbk")
    return path


def test_one_student_in_two_schools_rolls_of_one_command_is_refused_naming_both_files(tmp_path, cli, schools):
    a = _csv(tmp_path / "schoolA.csv", [["双籍", TWO_SCHOOLS, "城关中学", "八年级", "2019秋"]])
    b = _csv(tmp_path / "schoolB.csv", [["王五", make_id(date(2012, 2, 2), 203), "城关第一小学", "二年级", "2019秋"],
                                        ["双籍", TWO_SCHOOLS, "城关第一小学", "六年级", "2019秋"]])
    result = cli("import", a, b, "--dry-run")
    assert result.exit_code == 1, result.output
    assert ("文件“schoolA.csv”，第 2 行，“身份证件号”列（B 列）：同一学生（身份证号）同一学期在文件“schoolB.csv”第 3 行也有，"
            "内容不一致（姓名、学校或年级）") in result.output
    assert "文件“schoolB.csv”，第 3 行，“身份证件号”列（B 列）：同一学生（身份证号）同一学期在文件“schoolA.csv”第 2 行也有" \
        in result.output
    assert TWO_SCHOOLS not in result.output
    assert cli("import", a, b).exit_code == 1
    assert cli.counts()["enrollments"] == 0


def test_the_same_student_alike_in_two_files_of_one_command_is_no_conflict(tmp_path, cli, schools):
    row = ["双籍", TWO_SCHOOLS, "城关中学", "八年级", "2019秋"]
    result = cli("import", _csv(tmp_path / "a.csv", [row]), _csv(tmp_path / "b.csv", [row]))
    assert result.exit_code == 0, result.output
    assert cli.counts()["enrollments"] == 1
