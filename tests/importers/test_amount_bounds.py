"""Bounds on money: an amount beyond any payment of its program is refused at import, and no amount already in a
ledger, however large, can crash or corrupt a check or a report."""

from __future__ import annotations

import json

import pytest

from helpers.files import write_xlsx
from helpers.ledger import execute
from helpers.subsidy_ledger import NONBOARD, PAY, ledger, paid, student


def _county(cli, tmp_path):
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡"),
                           student("B", "乙", "城关中学", "初中", "八年级", "走读", "建档立卡")],
           [paid("A", "甲", NONBOARD, "312.5")])


@pytest.mark.parametrize("amount", [100000000000, 1e17, "6228483519635143643", "3125.01"])
def test_an_amount_above_the_programs_ceiling_is_refused_by_row_and_column(cli, tmp_path, amount):
    _county(cli, tmp_path)
    before = cli.counts()
    path = write_xlsx(tmp_path / "补发.xlsx", PAY, [paid("B", "乙", NONBOARD, "312.5"), paid("B", "乙", NONBOARD, amount)])
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    # The largest standard of 非寄宿生生活补助 is 312.5 (初中): the ceiling is ten times that.
    assert "第 3 行，“资助金额”列（E 列）：资助金额超过“义务教育非寄宿生生活补助”单笔发放的上限 3,125 元" in result.output
    assert "6228483519635143643" not in result.output  # a bank card number is quoted masked
    assert "Traceback" not in result.output
    assert cli.counts() == before


def test_the_ceiling_is_set_in_the_policy_file(cli, tmp_path):
    _county(cli, tmp_path)
    path = write_xlsx(tmp_path / "补发.xlsx", PAY, [paid("B", "乙", NONBOARD, "5000")])
    assert cli("import", path).exit_code == 1
    policy = tmp_path / "本县标准.toml"
    policy.write_text('extends = "default"\n\n[[program]]\ncode = "nonboarding_living"\nname = "义务教育非寄宿生生活补助"\n'
                      'ceiling = "6000"\n', encoding="utf-8")
    assert cli("--policy", policy, "import", path).exit_code == 0
    times = tmp_path / "倍数.toml"
    times.write_text('extends = "default"\nceiling_times = 2\n', encoding="utf-8")
    again = write_xlsx(tmp_path / "再补发.xlsx", PAY, [paid("A", "甲", NONBOARD, "700")])
    result = cli("--policy", times, "import", again)
    assert result.exit_code == 1 and "上限 625 元" in result.output, result.output
    bad = tmp_path / "坏.toml"
    bad.write_text('extends = "default"\nceiling_times = "很多"\n', encoding="utf-8")
    result = cli("--policy", bad, "import", again)
    assert result.exit_code == 2 and "ceiling_times" in result.output


@pytest.mark.parametrize("fen", [10_000_000_000_000, 9_223_372_036_854_775_807])
def test_no_stored_amount_crashes_the_check_or_the_reports(cli, tmp_path, fen):
    """1e11 元 (a bank card number in 金额) imported by an older fupin stopped every check and report with
    OverflowError; two of the largest integers overflowed the database's SUM."""
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡"),
                           student("B", "乙", "城关中学", "初中", "八年级", "走读", "建档立卡")],
           [paid("A", "甲", NONBOARD, "312.5"), paid("B", "乙", NONBOARD, "312.5")])
    execute(cli.db, ("UPDATE payments SET amount = ? WHERE name = '乙'", (fen,)),
            "INSERT INTO payments (batch_id, source_row, payment_key, student_id, id_number, name, program_id,"
            " term, amount, paid_on, school_name, source_file) SELECT batch_id, source_row + 1, payment_key || 'x',"
            " student_id, id_number, name, program_id, term, amount, paid_on, school_name, source_file"
            " FROM payments WHERE name = '乙'")
    result = cli("subsidy", "check", "--term", "2019秋", "--json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    # Counted as payments, left out of the amounts; each listed with its amount as recorded.
    assert doc["summary"]["paid_amount"] == "312.5"
    wrong = [f for f in doc["findings"] if f["kind"] == "amount_mismatch"]
    assert {f["paid"] for f in wrong} == {str(fen // 100) + (f".{fen % 100:02d}" if fen % 100 else "")}
    for args in (("report", "monthly", "--month", "2019-11", "--out", tmp_path),
                 ("report", "summary", "--year", "2019", "--out", tmp_path / "总结.xlsx")):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    monthly = json.dumps([[c.value for c in row] for row in
                          __import__("openpyxl").load_workbook(tmp_path / "月报_2019-11.xlsx").worksheets[0].iter_rows()],
                         ensure_ascii=False, default=str)
    assert "超过单笔上限" in monthly
