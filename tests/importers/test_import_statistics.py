"""Importing the tables without ID numbers: population by birth year, annual statistics by school and year."""

from __future__ import annotations

from helpers.files import write_xlsx
from helpers.ledger import query

COUNTS_HEADER = ["统计年度", "乡镇（街道）", "出生年份", "人数"]
STATS_HEADER = ["学年", "学校名称", "所在乡镇", "学段", "年级", "招生数", "在校生数", "毕业生数", "转入", "转出"]


def _rows(db, sql):
    return query(db, sql)


def test_population_counts_in_the_forms_clerks_write(cli, tmp_path):
    path = write_xlsx(tmp_path / "户籍人口汇总.xlsx", COUNTS_HEADER, [
        [2019, "城关镇", 2013, 120], ["2019年", "城关镇", "2013-09", "1,050"], [2019, "青岭镇", "2012年", "88人"],
        [None, "青岭镇", "2011年9月", 7], ["合计", None, None, 1265],
    ], above=[["样例县户籍人口分年龄统计"]])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "户籍人口分年龄汇总：4 行，新增 4" in result.output and "跳过 1 行合计" in result.output
    assert _rows(cli.db, "SELECT year, township, birth_year, birth_month, count FROM population_counts ORDER BY id") == [
        (2019, "城关镇", 2013, None, 120), (2019, "城关镇", 2013, 9, 1050), (2019, "青岭镇", 2012, None, 88),
        (None, "青岭镇", 2011, 9, 7)]
    again = cli("import", path)
    assert "新增 0，变更 0，未变 4" in again.output
    fixed = write_xlsx(tmp_path / "更正.xlsx", COUNTS_HEADER, [[2019, "城关镇", 2013, 121]])
    assert "新增 0，变更 1" in cli("import", fixed).output
    assert _rows(cli.db, "SELECT count FROM population_counts WHERE birth_month IS NULL AND birth_year = 2013") == [
        (121,)]


def test_population_counts_refused_cells_are_named(cli, tmp_path):
    path = write_xlsx(tmp_path / "汇总.xlsx", COUNTS_HEADER, [
        [2019, "城关镇", "二〇一三", 120], [2019, "城关镇", 2014, -5], [2019, "城关镇", 2015, 10],
        [2019, "城关镇", 2015, 11],
    ])
    result = cli("import", path)
    assert result.exit_code == 1
    assert "第 2 行，“出生年份”列（C 列）：出生年份“二〇一三”无法识别" in result.output
    assert "第 3 行，“人数”列（D 列）：人数“-5”不是非负整数" in result.output
    assert "第 4 行" in result.output and "出现多次且内容不一致" in result.output
    assert cli.counts()["population_counts"] == 0


def test_school_stats_school_years_grades_and_townships(cli, tmp_path, schools):
    path = write_xlsx(tmp_path / "教育事业统计.xlsx", STATS_HEADER, [
        ["2010-2011学年", "城关第一小学", None, "小学", "一年级", 100, 100, None, 2, 3],
        ["2018", "城关中学", None, None, "九年级", None, 96, 97, 0, 1],  # stage from the school list
        ["2015—2016学年度", "已撤并的村小", "石桥镇", "小学", "三年级", None, 12, None, 0, 12],  # closed since
    ])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "教育事业统计：3 行，新增 3" in result.output
    assert _rows(cli.db, "SELECT school_year, school_name, school_id IS NOT NULL, township, stage, grade, entrants,"
                         " enrolled, graduates, transfers_in, transfers_out FROM school_stats ORDER BY id") == [
        (2010, "城关第一小学", 1, "城关镇", "小学", 1, 100, 100, None, 2, 3),
        (2018, "城关中学", 1, "城关镇", "初中", 3, None, 96, 97, 0, 1),
        (2015, "已撤并的村小", 0, "石桥镇", "小学", 3, None, 12, None, 0, 12)]
    assert "新增 0，变更 0，未变 3" in cli("import", path).output


def test_school_stats_grade_numbers_restart_in_each_stage(cli, tmp_path, schools):
    # A 完全中学: 七年级 and 高一 are both grade 1 of their stage; they are two rows, and re-import changes nothing.
    path = write_xlsx(tmp_path / "完全中学.xlsx", STATS_HEADER, [
        ["2018", "城关中学", None, "初中", "七年级", 50, 50, None, 0, 0],
        ["2018", "城关中学", None, "普通高中", "高一", 40, 40, None, 0, 0],
    ])
    assert "新增 2" in cli("import", path).output
    assert _rows(cli.db, "SELECT stage, grade, entrants FROM school_stats ORDER BY id") == [
        ("初中", 1, 50), ("普通高中", 1, 40)]
    again = cli("import", path)
    assert again.exit_code == 0, again.output
    assert "新增 0，变更 0，未变 2" in again.output


def test_school_stats_refused(cli, tmp_path, schools):
    path = write_xlsx(tmp_path / "统计.xlsx", STATS_HEADER, [
        ["2018-2020学年", "城关第一小学", None, "小学", "一年级", 1, 1, None, 0, 0],
        ["2018", "城关第一小学", None, "小学", "八年级", 1, 1, None, 0, 0],
        ["2018", "城关中学", None, "初中", "七年级", "x", 1, None, 0, 0],
    ])
    result = cli("import", path)
    assert result.exit_code == 1
    assert "学年“2018-2020学年”无法识别" in result.output
    assert "第 3 行" in result.output and "年级“八年级”无法识别，或与学段不一致" in result.output
    assert "招生数“x”不是非负整数" in result.output
    no_numbers = write_xlsx(tmp_path / "无人数.xlsx", ["学年", "学校名称", "学段"], [["2018", "城关中学", "初中"]])
    result = cli("import", no_numbers, "--kind", "school_stats")
    assert result.exit_code == 1 and "招生数、在校生数、毕业生数、转入、转出至少要有一列" in result.output
