"""Back-filling: a county that starts in December imports September–November with `import --dated`, and gets each
month's report as it would have been then (--as-of and 比上月 cut on the data's date, not on the day of importing)."""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest

from helpers.files import SCHOOL_HEADER, make_id, write_xlsx
from helpers.golden import sheet_values
from helpers.ledger import execute, is_postgres, query

ROLL = ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态", "家庭经济困难类别", "学期"]
PAY = ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]
IDS = {key: make_id(date(2007, 1, 1 + i), 10 + i) for i, key in enumerate("ABCDE")}


def _roll(path, rows):
    return write_xlsx(path, ROLL, [[name, IDS[key], "城关中学", "初中", "七年级", "1班", "走读", status, category,
                                    "2019秋"] for key, name, status, category in rows])


def _build_backfilled(cli, folder):
    """Imported today, dated in 2019: the school list (09-01), September's roll (09-25: A, B registered poor, C on
    subsistence), October's payments (10-20: A 312.5 paid 10-05), November's roll (11-15: B transferred out, D new);
    then today's roll, undated (E new)."""
    steps = [
        ("2019-09-01", write_xlsx(folder / "学校名单.xlsx", SCHOOL_HEADER,
                                  [["3452000002", "城关中学", "初中", "城关镇", "公办"]])),
        ("2019-09-25", _roll(folder / "学籍_9月.xlsx", [("A", "甲", "在校", "建档立卡"), ("B", "乙", "在校", "建档立卡"),
                                                        ("C", "丙", "在校", "低保")])),
        ("2019-10-20", write_xlsx(folder / "发放_10月.xlsx", PAY, [
            ["城关中学", "甲", IDS["A"], "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-10-05"]])),
        ("2019-11-15", _roll(folder / "学籍_11月.xlsx", [("A", "甲", "在校", "建档立卡"), ("B", "乙", "转出", "建档立卡"),
                                                         ("C", "丙", "在校", "低保"), ("D", "丁", "在校", "建档立卡")])),
        (None, _roll(folder / "学籍_现在.xlsx", [("A", "甲", "在校", "建档立卡"), ("B", "乙", "转出", "建档立卡"),
                                                 ("C", "丙", "在校", "低保"), ("D", "丁", "在校", "建档立卡"),
                                                 ("E", "戊", "在校", "建档立卡")])),
    ]
    for dated, path in steps:
        result = cli("import", path, *(["--dated", dated] if dated else []))
        assert result.exit_code == 0, result.output


@pytest.fixture
def backfilled(prebuilt, tmp_path):
    """The ledger above, built once, copied into each test's."""
    prebuilt("backfilled", _build_backfilled)
    return tmp_path


def _monthly(cli, folder, month: str, *as_of: str) -> dict[str, list[list]]:
    out = folder / f"out_{month}_{len(as_of)}"
    out.mkdir()
    result = cli("report", "monthly", "--month", month, "--out", out, *as_of)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out / f"月报_{month}.xlsx")
    return {ws.title: sheet_values(ws) for ws in wb.worksheets}


def _lines(rows: list[list]) -> dict[tuple[str, str], int]:
    header = rows.index(["类别", "项目", "人数（笔数、件数）", "金额（元）", "说明"])
    body = rows[header + 1:]
    body = body[:next((i for i, r in enumerate(body) if not r), len(body))]  # the table, not the sign-off lines
    return {(r[0], r[1]): r[2] for r in body}


def test_batches_record_the_data_date(cli, backfilled):
    doc = json.loads(cli("batches", "--json").output)
    dated = {b["file_name"]: b["effective_at"][:16] for b in doc}
    assert dated["学籍_9月.xlsx"] == "2019-09-25T00:00" and dated["学籍_11月.xlsx"] == "2019-11-15T00:00"
    now = next(b for b in doc if b["file_name"] == "学籍_现在.xlsx")
    assert now["effective_at"] == now["imported_at"]  # without --dated: true when imported
    assert all(b["imported_at"].startswith(f"{datetime.now():%Y}") for b in doc)


def test_each_back_filled_month_is_reported_as_it_was(cli, backfilled):
    october = _monthly(cli, backfilled, "2019-10", "--as-of", "2019-10-20")
    lines = _lines(october["全县"])
    assert lines[("建档立卡学生", "在籍人数")] == 2  # A, B: September's roll
    assert lines[("建档立卡学生", "比上月新增")] == 2  # on 09-20 the roll was not there yet
    assert lines[("本月资助发放", "合计")] == 1

    november = _monthly(cli, backfilled, "2019-11", "--as-of", "2019-11-20")
    lines = _lines(november["全县"])
    assert lines[("建档立卡学生", "在籍人数")] == 2  # A, D
    assert lines[("建档立卡学生", "比上月新增")] == 1  # D, against October's roll
    assert lines[("建档立卡学生", "比上月减少")] == 1  # B transferred out
    cut = [r[0] for r in november["全县"] if r and str(r[0]).startswith("数据截至")]
    assert cut == ["数据截至 2019-11-20 23:59；学期 2019秋"]  # the month's cut, not the day of importing
    source = november["数据来源"]
    assert ["数据截至：2019-11-20 23:59:59"] in source
    files = [r[1] for r in source if r and isinstance(r[0], int)]
    assert files == ["学校名单.xlsx", "学籍_9月.xlsx", "发放_10月.xlsx", "学籍_11月.xlsx"]  # not today's roll
    row = next(r for r in source if r and isinstance(r[0], int) and r[1] == "学籍_11月.xlsx")
    assert row[5] == "2019-11-15 00:00:00" and row[6].startswith(f"{datetime.now():%Y}")

    result = cli("report", "monthly", "--month", "2019-10", "--out", backfilled)
    assert result.exit_code == 0 and "要得到2019年10月当时的月报，请加 --as-of 2019-10-20" in result.stderr
    result = cli("report", "monthly", "--month", "2019-11", "--out", backfilled, "--as-of", "2019-11-20")
    assert result.exit_code == 0 and "注意" not in result.stderr
    now = _lines(_monthly(cli, backfilled, "2019-11")["全县"])
    assert now[("建档立卡学生", "在籍人数")] == 3  # today's roll adds E: the cuts above did leave it out
    assert now[("建档立卡学生", "比上月新增")] == 1  # a month ago the ledger held November's data already


def test_a_file_dated_before_data_already_imported_is_refused(cli, backfilled):
    before = cli.counts()
    late = write_xlsx(backfilled / "发放_9月.xlsx", PAY, [
        ["城关中学", "乙", IDS["B"], "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-09-28"]])
    result = cli("import", late, "--dated", "2019-09-30")
    assert result.exit_code == 1
    assert "数据日期 2019-09-30 00:00 早于台账中已有的批次" in result.stderr and "学籍_现在.xlsx" in result.stderr
    assert "从早到晚" in result.stderr and "Traceback" not in result.output
    assert cli.counts() == before


@pytest.mark.parametrize(("value", "message"), [("2999-01-01", "在现在之后"), ("10月20日", "无法识别")])
def test_a_date_in_the_future_or_unreadable_is_misuse(cli, tmp_path, value, message):
    path = write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, [["3452000002", "城关中学", "初中", "城关镇", "公办"]])
    result = cli("import", path, "--dated", value)
    assert result.exit_code == 2 and message in result.stderr
    if is_postgres(cli.db):  # a server's database exists beforehand: nothing was written to it
        assert query(cli.db, "SELECT count(*) FROM batches") == [(0,)]
    else:
        assert not cli.db.exists()  # refused before the ledger was even opened


def test_older_ledgers_take_their_batches_as_true_when_imported(cli, schools):
    from jiaoyu_fupin.store.ledger import Ledger

    assert cli("import", schools).exit_code == 0
    execute(cli.db, "DROP INDEX ix_batches_effective_at",
            "ALTER TABLE batches DROP COLUMN effective_at",  # as a ledger made before the step
            "DELETE FROM schema_migrations WHERE name = 'm010_effective_time'")
    assert Ledger(cli.db).applied_now == ["m010_effective_time"]
    row = query(cli.db, "SELECT imported_at, effective_at FROM batches")[0]
    assert row[0] == row[1] and row[0] is not None


def test_a_past_month_without_as_of_is_hinted_even_when_no_batch_is_dated_after_it(cli, tmp_path):
    """Every batch back-dated to September and October: a report of October run today without --as-of compares with
    the ledger of a month ago, which already held all of it (比上月 0/0); the README promises the hint."""
    steps = [("2019-09-01", write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER,
                                       [["3452000002", "城关中学", "初中", "城关镇", "公办"]])),
             ("2019-09-20", _roll(tmp_path / "学籍_9月.xlsx", [("A", "甲", "在校", "建档立卡")])),
             ("2019-10-20", _roll(tmp_path / "学籍_10月.xlsx", [("B", "乙", "在校", "建档立卡")]))]
    for dated, path in steps:
        assert cli("import", path, "--dated", dated).exit_code == 0
    result = cli("report", "monthly", "--month", "2019-10")
    assert result.exit_code == 0, result.output
    assert "要得到2019年10月当时的月报，请加 --as-of 2019-10-20" in result.stderr
    result = cli("report", "monthly", "--month", "2019-10", "--as-of", "2019-10-20")
    assert result.exit_code == 0 and "注意" not in result.stderr
