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


def test_a_later_roll_moving_a_student_to_another_school_is_told_by_name_and_can_be_reverted(tmp_path, cli, schools):
    first = _csv(tmp_path / "城关中学.csv", [["双籍", TWO_SCHOOLS, "城关中学", "八年级", "2019秋"],
                                            ["留校", make_id(date(2007, 7, 7), 205), "城关中学", "八年级", "2019秋"]])
    assert cli("import", first).exit_code == 0
    moved = _csv(tmp_path / "城关小学.csv", [["双籍", TWO_SCHOOLS, "城关第一小学", "六年级", "2019秋"]])
    dry = cli("import", moved, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 名学生在台账中同一学期原在另一所学校" in dry.output
    assert "导入后可用 fupin batches revert 本批次编号 撤销" in dry.output
    assert f"双籍（{mask(TWO_SCHOOLS)}）2019秋：城关中学 八年级 → 城关第一小学 六年级" in dry.output
    assert TWO_SCHOOLS not in dry.output

    result = cli("import", moved)
    assert result.exit_code == 0, result.output
    batch = query(cli.db, "SELECT max(id) FROM batches")[0][0]
    assert f"fupin batches revert {batch} 撤销本批次" in result.output
    assert query(cli.db, "SELECT school_name, grade FROM enrollments e JOIN students s ON s.id = e.student_id"
                         " WHERE s.id_number = ?", (TWO_SCHOOLS,)) == [("城关第一小学", 6)]
    assert cli("batches", "revert", str(batch)).exit_code == 0
    assert query(cli.db, "SELECT school_name, grade FROM enrollments e JOIN students s ON s.id = e.student_id"
                         " WHERE s.id_number = ?", (TWO_SCHOOLS,)) == [("城关中学", 2)]


def test_a_later_roll_of_the_same_school_tells_of_no_move(tmp_path, cli, schools):
    assert cli("import", _csv(tmp_path / "a.csv", [["双籍", TWO_SCHOOLS, "城关中学", "八年级", "2019秋"]])).exit_code == 0
    result = cli("import", _csv(tmp_path / "b.csv", [["双籍", TWO_SCHOOLS, "城关中学", "九年级", "2019秋"]]))
    assert result.exit_code == 0, result.output
    assert "变更 1" in result.output and "另一所学校" not in result.output


def test_a_refused_import_lists_the_students_it_would_move_in_the_error_workbook(tmp_path, cli, schools):
    import openpyxl

    assert cli("import", _csv(tmp_path / "a.csv", [["双籍", TWO_SCHOOLS, "城关中学", "八年级", "2019秋"]])).exit_code == 0
    moved = _csv(tmp_path / "moved.csv", [["双籍", TWO_SCHOOLS, "城关第一小学", "六年级", "2019秋"]])
    bad = _csv(tmp_path / "bad.csv", [["无号", "12345", "城关中学", "七年级", "2019秋"]])
    result = cli("import", moved, bad, "--errors", tmp_path / "错误.xlsx")
    assert result.exit_code == 1, result.output
    sheet = openpyxl.load_workbook(tmp_path / "错误.xlsx")["导入说明"]
    cells = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert cells[0][0] == "moved.csv" and "1 名学生在台账中同一学期原在另一所学校" in cells[0][1]
    assert cells[1] == ["moved.csv", f"  双籍（{mask(TWO_SCHOOLS)}）2019秋：城关中学 八年级 → 城关第一小学 六年级"]
    assert query(cli.db, "SELECT school_name FROM enrollments") == [("城关中学",)]
