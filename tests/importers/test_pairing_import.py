"""Importing the 六个一 record (activities) and the oversight chain: recognised by header, refused with the cell named,
re-imported without duplicates."""

from __future__ import annotations

import pytest

from helpers.files import write_xlsx
from helpers.ledger import query
from helpers.pairing_ledger import ACTIVITY_HEADER, LI, OVERSIGHT_HEADER, ZHANG, PairingCounty


def _refused(result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"
    assert "本次没有写入任何数据" in result.output


def _rows(db, sql: str) -> list[tuple]:
    return query(db, sql)


def test_both_kinds_recognised_from_headers_and_reimported_unchanged(cli, tmp_path):
    pairing_county = PairingCounty()
    pairing_county.load(cli, tmp_path / "in")
    counts = cli.counts()
    assert counts["help_activities"] == 5 * 14 and counts["oversight"] == 9
    again = cli("import", tmp_path / "in" / "帮扶记录.xlsx", tmp_path / "in" / "包保.xlsx")
    assert again.exit_code == 0, again.output
    assert "帮扶记录.xlsx（工作表“Sheet1”，第 1 行为表头）→ 结对帮扶记录，学期 2019秋：70 行，新增 0，变更 0，未变 70" in again.output
    assert "包保.xlsx（工作表“Sheet1”，第 1 行为表头）→ 包保责任：9 行，新增 0，变更 0，未变 9" in again.output
    assert cli.counts() == counts
    assert _rows(cli.db, "SELECT level, grade, class_name FROM oversight WHERE level = 'class' ORDER BY id")[-2:] == [
        ("class", 2, None), ("class", 3, "(1)班")]


def test_activity_rows_are_stored_with_their_provenance(cli, tmp_path):
    pairing_county = PairingCounty()
    pairing_county.activities = [["T0001", ZHANG, "入户家访", "2019年10月15日", "了解家庭情况"],
                         ["T0001", ZHANG, "措施", "2019/10/5", None]]
    pairing_county.load(cli, tmp_path / "in")
    rows = _rows(cli.db, "SELECT a.activity_type, a.activity_date, a.note, a.source_row, b.file_name, b.term "
                         "FROM help_activities a JOIN batches b ON b.id = a.batch_id ORDER BY a.source_row")
    assert rows == [("home_visit", "2019-10-15", "了解家庭情况", 2, "帮扶记录.xlsx", "2019秋"),
                    ("measure", "2019-10-05", None, 3, "帮扶记录.xlsx", "2019秋")]


def test_changed_note_updates_the_record(cli, tmp_path):
    PairingCounty().load(cli, tmp_path / "in")
    path = write_xlsx(tmp_path / "fix.xlsx", ACTIVITY_HEADER, [["T0001", ZHANG, "家访", "2019-10-15", "补充：家长在外务工"]])
    result = cli("import", path)
    assert result.exit_code == 0 and "新增 0，变更 1，未变 0" in result.output
    assert _rows(cli.db, "SELECT note FROM help_activities WHERE activity_type = 'home_visit' AND activity_date = "
                         "'2019-10-15' AND helper_id = (SELECT id FROM helpers WHERE helper_code = 'T0001') AND "
                         "student_id = (SELECT id FROM students WHERE id_number = '" + ZHANG + "')") == [
        ("补充：家长在外务工",)]


def test_same_day_records_are_merged_not_dropped(cli, tmp_path):
    pairing_county = PairingCounty()
    pairing_county.activities = [["T0001", ZHANG, "帮扶活动", "2019-10-20", "辅导数学"],
                         ["T0001", ZHANG, "帮扶活动", "2019-10-20", "谈心"]]
    pairing_county.load(cli, tmp_path / "in")
    assert _rows(cli.db, "SELECT note FROM help_activities") == [("辅导数学；谈心",)]


def test_bad_activity_rows_are_refused_naming_the_cell(cli, tmp_path):
    PairingCounty(activities=[]).load(cli, tmp_path / "in")
    before = cli.counts()
    path = write_xlsx(tmp_path / "bad.xlsx", ACTIVITY_HEADER, [
        ["T0001", ZHANG, "座谈", "2019-10-01", None],
        ["T0001", ZHANG, "家访", "2019-13-01", None],
        ["T9999", ZHANG, "家访", "2019-10-01", None],
        ["T0002", LI, "家访", "2019-10-01", None],  # 刘老师 is not paired with 李二
    ])
    result = cli("import", path)
    _refused(result, "第 2 行，“帮扶类型”列（C 列）：帮扶类型“座谈”无法识别",
             "第 3 行，“帮扶日期”列（D 列）：帮扶日期“2019-13-01”无法识别",
             "第 4 行，“帮扶责任人教职工号”列（A 列）：责任人“T9999”不在台账中",
             "第 5 行，“学生身份证号”列（B 列）：该帮扶责任人与该学生没有结对关系")
    assert LI not in result.output
    assert cli.counts() == before


def test_bad_oversight_rows_are_refused_naming_the_cell(cli, tmp_path):
    PairingCounty(oversight=[]).load(cli, tmp_path / "in")
    before = cli.counts()
    path = write_xlsx(tmp_path / "bad.xlsx", OVERSIGHT_HEADER, [
        ["J0001", "乡镇", "不存在乡", None, None, None, None],
        ["J0002", "学校", None, "不存在学校", None, None, None],
        ["L0001", "班级", None, "城关中学", "高一", "1班", None],
        ["L0001", "片区", None, "城关中学", None, None, None],
        ["L0001", None, None, None, None, None, None],
        ["J0001", "乡镇", "城关镇", None, None, None, "2019冬"],
    ])
    result = cli("import", path)
    _refused(result, "第 2 行，“包保乡镇”列（C 列）：乡镇“不存在乡”不在学校名单的乡镇中",
             "第 3 行，“包保学校”列（D 列）：学校“不存在学校”不在台账的学校名单中",
             "第 4 行，“年级”列（E 列）：年级“高一”无法识别，或与学校的学段不一致",
             "第 5 行，“包保层级”列（B 列）：包保层级“片区”无法识别",
             "第 6 行：没有写包保的乡镇、学校或班级",
             "第 7 行，“学期”列（G 列）：无法识别的学期“2019冬”")
    assert cli.counts() == before


def test_oversight_level_inferred_and_term_from_the_command(cli, tmp_path):
    PairingCounty(oversight=[]).load(cli, tmp_path / "in")
    path = write_xlsx(tmp_path / "包保.xlsx", ["包保责任人教职工号", "包保乡镇", "包保学校", "年级", "班级"], [
        ["J0001", "城关镇", None, None, None], ["J0002", None, "城关中学", None, None],
        ["L0001", None, "城关中学", "七年级", "1班"]])
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert _rows(cli.db, "SELECT level, township, school_id IS NOT NULL, grade, term FROM oversight ORDER BY id") == [
        ("township", "城关镇", 0, None, "2019秋"), ("school", None, 1, None, "2019秋"), ("class", None, 1, 1, "2019秋")]


@pytest.mark.empty_ledger
def test_a_ledger_made_before_m003_gains_the_tables(db, monkeypatch):
    from jiaoyu_fupin.store import migrations
    from jiaoyu_fupin.store.ledger import Ledger

    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
        Ledger(db).close()
    from sqlalchemy import create_engine, inspect

    engine = create_engine(Ledger(db, migrate=False).url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert "help_activities" not in tables and "helpers" in tables
    ledger = Ledger(db)
    assert "m003_pairing_records" in ledger.applied_now
    assert ledger.counts()["help_activities"] == 0 and ledger.counts()["oversight"] == 0
