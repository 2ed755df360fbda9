"""Nothing is erased by omission: a column a file does not have never changes what the ledger holds for it.

An empty cell in a column the file has means empty, for every kind alike: the stored value is cleared and its old
version kept in row_versions.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from helpers.files import ROLL_HEADER, SCHOOL_HEADER, SCHOOL_ROWS, roll_rows, write_xlsx


def _rows(db, sql: str) -> list[tuple]:
    from jiaoyu_fupin.store.ledger import Ledger

    ledger = Ledger(db)
    try:
        with ledger.engine.connect() as conn:
            # Dates as ISO text, as SQLite keeps them, so the same assertions read on any database.
            return [tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in r) for r in conn.execute(text(sql))]
    finally:
        ledger.close()


def _versions(db, table: str, field: str) -> list:
    return [json.loads(d)[field] for (d,) in _rows(db, f"SELECT data FROM row_versions WHERE table_name = '{table}'"
                                                         " ORDER BY id")]


def _schools(db) -> list[tuple]:
    return _rows(db, "SELECT name, school_code, school_type, township, ownership FROM schools ORDER BY name")


def _only(header: list[str], rows: list[list], keep: list[str]) -> tuple[list[str], list[list]]:
    at = [header.index(h) for h in keep]
    return keep, [[r[i] for i in at] for r in rows]


def test_a_school_list_without_township_keeps_every_township(tmp_path, cli, schools, db):
    before = _schools(db)
    assert all(row[3] == "城关镇" for row in before)
    header, rows = _only(SCHOOL_HEADER, SCHOOL_ROWS, ["学校名称", "学校类型"])
    result = cli("import", write_xlsx(tmp_path / "学校名单2.xlsx", header, rows))
    assert result.exit_code == 0, result.output
    assert "新增 0，变更 0，未变 5" in result.output
    assert _schools(db) == before
    assert _rows(db, "SELECT count(*) FROM row_versions") == [(0,)]


def test_an_empty_cell_in_a_present_column_clears_it_and_keeps_the_old_version(tmp_path, cli, schools, db):
    header, rows = _only(SCHOOL_HEADER, SCHOOL_ROWS, ["学校名称", "学校类型", "所在乡镇"])
    rows[1][2] = None  # 城关中学's township left empty
    rows[2][2] = "新城镇"
    result = cli("import", write_xlsx(tmp_path / "学校名单2.xlsx", header, rows))
    assert result.exit_code == 0, result.output
    assert "新增 0，变更 2，未变 3" in result.output
    after = {r[0]: r for r in _schools(db)}
    assert after["城关中学"][3] is None and after["县第一高级中学"][3] == "新城镇"
    assert after["城关中学"][1] == "3452000002" and after["城关中学"][4] == "公办"  # columns not in the file: kept
    assert _versions(db, "schools", "township") == ["城关镇", "城关镇"]


def test_a_roll_without_boarding_and_status_keeps_them(tmp_path, cli, schools, db):
    rows = roll_rows()
    rows[1][8] = "辍学"
    assert cli("import", write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows), "--term", "2019秋").exit_code == 0
    stored = "SELECT class_name, boarding, status FROM enrollments ORDER BY class_name, status"
    before = _rows(db, stored)
    assert ("2班", 1, "辍学") in before
    header, rows = _only(ROLL_HEADER, roll_rows(), ["姓名", "身份证件号", "学校名称", "学段", "年级"])
    result = cli("import", write_xlsx(tmp_path / "学籍2.xlsx", header, rows), "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert "新增 0，变更 0，未变 3" in result.output
    assert _rows(db, stored) == before


def test_helpers_and_pairings_without_optional_columns_keep_them(tmp_path, cli, schools, db):
    cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows()), "--term", "2019秋")
    student = roll_rows()[0]
    helpers = write_xlsx(tmp_path / "helpers.xlsx", ["姓名", "教职工号", "工作单位", "职务"],
                         [["王老师", "T0001", "城关中学", "班主任"]])
    pairs = write_xlsx(tmp_path / "pairs.xlsx", ["帮扶责任人姓名", "帮扶责任人教职工号", "学生姓名", "学生身份证号",
                                                 "结对日期", "结束日期"],
                       [["王老师", "T0001", student[0], student[2], "2019-09-01", "2020-07-15"]])
    assert cli("import", helpers, pairs).exit_code == 0
    helper = "SELECT h.name, s.name, h.role FROM helpers h LEFT JOIN schools s ON s.id = h.school_id"
    pairing = "SELECT start_date, end_date FROM pairings"
    before = (_rows(db, helper), _rows(db, pairing))
    assert before == ([("王老师", "城关中学", "班主任")], [("2019-09-01", "2020-07-15")])
    helpers = write_xlsx(tmp_path / "helpers2.xlsx", ["姓名", "教职工号"], [["王老师", "T0001"]])
    pairs = write_xlsx(tmp_path / "pairs2.xlsx", ["帮扶责任人姓名", "帮扶责任人教职工号", "学生姓名", "学生身份证号", "结对日期"],
                       [["王老师", "T0001", student[0], student[2], "2019-09-01"]])
    result = cli("import", helpers, pairs)
    assert result.exit_code == 0, result.output
    assert (_rows(db, helper), _rows(db, pairing)) == before


def test_a_registry_export_without_places_keeps_them_and_an_empty_end_date_reopens_a_pairing(tmp_path, cli, schools, db):
    from datetime import date

    from helpers.files import make_id

    kid = make_id(date(2010, 4, 1), 7)
    header = ["户编号", "姓名", "证件号码", "与户主关系", "县", "乡镇", "村", "贫困户属性"]
    full = write_xlsx(tmp_path / "国扶办.xlsx", header, [["H001", "赵一", kid, "之子", "建始县", "城关镇", "东门村", "一般贫困户"]],
                      text_columns=(2,))
    assert cli("import", full).exit_code == 0
    places = ("SELECT h.county, h.township, h.village, h.poverty_attribute, p.township, p.village"
              " FROM households h JOIN registry_people p ON p.household_code = h.household_code")
    before = _rows(db, places)
    assert before == [("建始县", "城关镇", "东门村", "一般贫困户", "城关镇", "东门村")]
    header, rows = ["户编号", "姓名", "证件号码"], [["H001", "赵一", kid]]
    result = cli("import", write_xlsx(tmp_path / "国扶办2.xlsx", header, rows, text_columns=(2,)))
    assert result.exit_code == 0, result.output
    assert _rows(db, places) == before

    cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows()), "--term", "2019秋")
    student = roll_rows()[0]
    pair_header = ["帮扶责任人姓名", "帮扶责任人教职工号", "学生姓名", "学生身份证号", "结对日期", "结束日期"]
    helpers = write_xlsx(tmp_path / "helpers.xlsx", ["姓名", "教职工号"], [["王老师", "T0001"]])
    ended = write_xlsx(tmp_path / "pairs.xlsx", pair_header, [["王老师", "T0001", student[0], student[2], "2019-09-01",
                                                               "2020-07-15"]])
    assert cli("import", helpers, ended).exit_code == 0
    going_on = write_xlsx(tmp_path / "pairs2.xlsx", pair_header, [["王老师", "T0001", student[0], student[2],
                                                                   "2019-09-01", None]])
    result = cli("import", going_on)
    assert result.exit_code == 0, result.output
    assert "变更 1" in result.output
    assert _rows(db, "SELECT end_date FROM pairings") == [(None,)]
    assert _versions(db, "pairings", "end_date") == ["2020-07-15"]
