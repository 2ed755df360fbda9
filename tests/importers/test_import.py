"""`fupin import`: what a clerk sees for good files and for each kind of bad one."""

from __future__ import annotations

import os
from datetime import date

import openpyxl
import pytest

from helpers.files import ROLL_HEADER, make_id, roll_rows, write_xlsx
from helpers.ledger import query


def _refused(cli, result, *expected: str) -> None:
    """Exit 1, nothing written, and the message names what the clerk must fix."""
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"
    assert "本次没有写入任何数据" in result.output


def _counts_without_batches(cli):
    return {k: v for k, v in cli.counts().items()}


# ---- files that must be refused -------------------------------------------------------------------------


def test_ids_stored_as_numbers_are_refused(tmp_path, cli, schools):
    before = cli.counts()
    rows = roll_rows()
    rows[1][2] = int(rows[1][2][:15]) * 1000  # what Excel keeps of an 18-digit number: 15 significant digits
    path = write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows)
    result = cli("import", path, "--term", "2019秋")
    _refused(cli, result, "第 3 行", "“身份证件号”列（C 列）", "Excel 存成了数字", "文本")
    assert cli.counts() == before


def test_scientific_notation_text_is_refused(tmp_path, cli, schools):
    rows = roll_rows()
    rows[0][2] = "4.22822E+17"
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    _refused(cli, result, "第 2 行", "科学计数法")


def test_wrong_check_digit(tmp_path, cli, schools):
    before = cli.counts()
    rows = roll_rows()
    good = rows[2][2]
    rows[2][2] = good[:17] + ("0" if good[17] != "0" else "1")
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    _refused(cli, result, "第 4 行", "C 列", "校验位")
    assert good[:6] + "********" in result.output and good not in result.output  # masked on screen
    assert cli.counts() == before


def test_id_truncated_to_000(tmp_path, cli, schools):
    from jiaoyu_fupin.core.idnumber import is_valid

    rows = roll_rows()
    truncated = rows[0][2][:15] + "000"
    assert not is_valid(truncated)  # what Excel leaves: 15 digits kept, the check fails
    rows[0][2] = truncated
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows, text_columns=(2,)), "--term", "2019秋")
    _refused(cli, result, "第 2 行", "C 列", "截断", "文本")


def test_no_id_column(tmp_path, cli, schools):
    before = cli.counts()
    header = [h for h in ROLL_HEADER if h != "身份证件号"]
    rows = [[v for i, v in enumerate(r) if i != 2] for r in roll_rows()]
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", header, rows), "--kind", "roll", "--term", "2019秋")
    assert result.exit_code == 1, result.output
    assert "身份证件号" in result.output and "表头" in result.output
    assert cli.counts() == before


def test_same_id_twice_with_different_names(tmp_path, cli, schools):
    before = cli.counts()
    rows = roll_rows()
    rows.append(["张晓明", *rows[0][1:]])
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    _refused(cli, result, "第 2 行", "第 5 行", "出现多次且内容不一致")
    assert cli.counts() == before


def test_identical_repeated_row_is_merged(tmp_path, cli, schools):
    rows = roll_rows()
    rows.append(list(rows[0]))
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert "合并 1 行完全相同的重复行" in result.output
    assert cli.counts()["students"] == 3


PAY_HEADER = ["序号", "学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]


def _payment(amount="312.5", program="义务教育非寄宿生生活补助", term="2019秋"):
    return [1, "城关中学", "张小明", make_id(date(2007, 3, 15), 11), program, amount, term, "2019-11-20"]


def test_negative_amount(tmp_path, cli):
    before = cli.counts()
    path = write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment(), _payment(amount="-312.5")])
    result = cli("import", path)
    _refused(cli, result, "第 3 行", "“资助金额”列（F 列）", "不大于 0")
    assert cli.counts() == before


def test_term_2019_winter(tmp_path, cli):
    before = cli.counts()
    result = cli("import", write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment(term="2019冬")]))
    _refused(cli, result, "第 2 行", "G 列", "2019冬")
    assert cli.counts() == before


def test_term_option_2019_winter_is_misuse(tmp_path, cli):
    result = cli("import", write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment()]), "--term", "2019冬")
    assert result.exit_code == 2
    assert "2019冬" in result.output


def test_unknown_program(tmp_path, cli):
    before = cli.counts()
    result = cli("import", write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment(program="爱心午餐")]))
    _refused(cli, result, "第 2 行", "“资助项目”列（E 列）", "爱心午餐", "义务教育非寄宿生生活补助")
    assert cli.counts() == before


def test_random_bytes_named_xlsx(tmp_path, cli):
    before = cli.counts()
    path = tmp_path / "名单.xlsx"
    path.write_bytes(os.urandom(4096))
    result = cli("import", path)
    _refused(cli, result, "名单.xlsx", "无法读取")
    assert cli.counts() == before


def test_empty_workbook(tmp_path, cli):
    before = cli.counts()
    path = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(path)
    result = cli("import", path)
    _refused(cli, result, "空.xlsx", "没有任何数据")
    assert cli.counts() == before


def test_error_workbook_marks_the_bad_cell(tmp_path, cli):
    path = write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment(), _payment(amount="-5")])
    out = tmp_path / "错误.xlsx"
    result = cli("import", path, "--errors", out)
    assert result.exit_code == 1
    wb = openpyxl.load_workbook(out)
    summary = wb.worksheets[0]
    texts = [c.value for row in summary.iter_rows() for c in row if c.value]
    assert any("不大于 0" in str(t) for t in texts)
    detail = wb.worksheets[1]
    rows = [[c.value for c in row] for row in detail.iter_rows()]
    at = next(i for i, r in enumerate(rows) if r[0] == "原行号")
    assert rows[at][-1] == "错误说明"
    assert rows[at + 1][0] == "3" and "不大于 0" in rows[at + 1][-1]
    assert len(rows) == at + 2  # only the row with a problem


def test_several_files_are_one_transaction(tmp_path, cli, schools):
    before = cli.counts()
    good = write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows())
    bad = write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment(amount="0")])
    result = cli("import", good, bad, "--term", "2019秋")
    assert result.exit_code == 1
    assert cli.counts() == before


# ---- files that must import ------------------------------------------------------------------------------


def test_gbk_csv(tmp_path, cli):
    kid = make_id(date(2012, 5, 1), 7)
    text = "公民身份号码,姓名,性别,出生日期,乡镇（街道）,村（社区）,户籍地址\n" f"{kid},陈小兰,男,2012-05-01,城关镇,东门村,城关镇东门村3组\n"
    path = tmp_path / "户籍.csv"
    path.write_bytes(text.encode("gbk"))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "户籍适龄儿童" in result.output and "新增 1" in result.output
    assert "户籍地址" in result.output  # named once as a column we do not keep
    assert cli.counts()["population"] == 1


def test_utf8_bom_csv(tmp_path, cli):
    kid = make_id(date(2012, 5, 1), 7)
    path = tmp_path / "户籍.csv"
    path.write_bytes(("公民身份号码,姓名\n" f"{kid},陈小兰\n").encode("utf-8-sig"))
    result = cli("import", path, "--kind", "population")
    assert result.exit_code == 0, result.output


def test_full_width_and_lower_x_are_stored_normalized(tmp_path, cli, schools, db):
    rows = roll_rows()
    x_id = next(make_id(date(2007, 3, 15), s) for s in range(100, 999) if make_id(date(2007, 3, 15), s)[-1] == "X")
    rows[0][2] = x_id[:-1] + "x"
    full = rows[1][2]
    rows[1][2] = full.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    assert result.exit_code == 0, result.output
    stored = {r[0] for r in query(db, "SELECT id_number FROM students")}
    assert x_id in stored and full in stored


def test_title_and_units_rows_above_header(tmp_path, cli):
    path = write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment()],
                      above=[["某某县2019年秋季学期资助发放名册"], ["单位：元"]])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "第 3 行为表头" in result.output
    assert cli.counts()["payments"] == 1


def test_data_on_second_sheet(tmp_path, cli):
    path = write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment()], sheet="发放名册", before_sheets=["说明"])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "工作表“发放名册”" in result.output


def test_legacy_xls(tmp_path, cli, schools):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("学籍")
    for c, h in enumerate(ROLL_HEADER):
        sheet.write(0, c, h)
    for r, row in enumerate(roll_rows(), start=1):
        for c, v in enumerate(row):
            sheet.write(r, c, v)
    path = tmp_path / "roll.xls"
    book.save(str(path))
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert cli.counts()["enrollments"] == 3


def test_payment_for_unknown_student_is_recorded(tmp_path, cli):
    result = cli("import", write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment()]))
    assert result.exit_code == 0, result.output
    assert cli.counts()["payments"] == 1


def test_312_5_stays_312_5(tmp_path, cli, db):
    cli("import", write_xlsx(tmp_path / "pay.xlsx", PAY_HEADER, [_payment(amount="312.5"), _payment(amount="1,000元")]))
    from decimal import Decimal

    from sqlmodel import Session, select

    from jiaoyu_fupin.store.ledger import Ledger
    from jiaoyu_fupin.store.models import Payment

    with Session(Ledger(db).engine) as session:
        amounts = sorted(p.amount for p in session.exec(select(Payment)))
    assert amounts == [Decimal("312.5"), Decimal("1000")]
    assert [str(a) for a in amounts] == ["312.5", "1000"]


# ---- idempotent and reviewable ---------------------------------------------------------------------------


def test_same_file_twice_changes_nothing(tmp_path, cli, schools):
    path = write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows())
    first = cli("import", path, "--term", "2019秋")
    assert "新增 3" in first.output
    after_first = cli.counts()
    second = cli("import", path, "--term", "2019秋")
    assert second.exit_code == 0
    assert "新增 0，变更 0，未变 3" in second.output and "未产生新批次" in second.output
    assert cli.counts() == after_first


def test_corrected_roll_reports_changes(tmp_path, cli, schools):
    cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows()), "--term", "2019秋")
    rows = roll_rows()
    rows[0][6] = "3班"  # class corrected
    rows.append(["赵小六", "男", make_id(date(2011, 2, 2), 41), "城关第一小学", "小学", "三年级", "1班", "走读", "在校"])
    result = cli("import", write_xlsx(tmp_path / "roll2.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    assert result.exit_code == 0, result.output
    assert "新增 1，变更 1，未变 2" in result.output


def test_dry_run_writes_nothing(tmp_path, cli, schools):
    before = cli.counts()
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows()), "--term", "2019秋", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "--dry-run" in result.output and "新增 3" in result.output
    assert cli.counts() == before


def test_unknown_school_in_roll(tmp_path, cli, schools):
    rows = roll_rows()
    rows[0][3] = "不存在的学校"
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    _refused(cli, result, "第 2 行", "D 列", "不存在的学校", "学校名单")


def test_stage_and_grade_disagree(tmp_path, cli, schools):
    rows = roll_rows()
    rows[0][5] = "三年级"  # 初中 has no 三年级 of primary
    rows[1][5] = "高一"
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    _refused(cli, result, "第 3 行", "F 列", "高一")


def test_missing_term(tmp_path, cli, schools):
    result = cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows()))
    assert result.exit_code == 1
    assert "学期" in result.output and "--term" in result.output


def test_batches_lists_imports(tmp_path, cli, schools):
    result = cli("batches", "--json")
    import json

    batches = json.loads(result.stdout)
    assert batches[0]["file_name"] == "学校名单.xlsx" and batches[0]["kind"] == "schools"
    assert len(batches[0]["sha256"]) == 64 and batches[0]["rows"] == 5


def test_helpers_by_staff_number_and_pairings(tmp_path, cli, schools):
    cli("import", write_xlsx(tmp_path / "roll.xlsx", ROLL_HEADER, roll_rows()), "--term", "2019秋")
    helpers = write_xlsx(tmp_path / "helpers.xlsx", ["序号", "姓名", "教职工号", "工作单位", "职务"],
                         [[1, "王老师", "T0001", "城关中学", "教师"], [2, "刘局长", "J0001", "县教育局", "局领导"]])
    student = roll_rows()[0]
    pairs = write_xlsx(tmp_path / "pairs.xlsx", ["帮扶责任人姓名", "帮扶责任人教职工号", "学生姓名", "学生身份证号", "结对日期"],
                       [["王老师", "T0001", student[0], student[2], "2019-09-01"]])
    result = cli("import", helpers, pairs)
    assert result.exit_code == 0, result.output
    assert cli.counts()["helpers"] == 2 and cli.counts()["pairings"] == 1


def test_pairing_with_unknown_helper_and_student(tmp_path, cli, schools):
    before = cli.counts()
    pairs = write_xlsx(tmp_path / "pairs.xlsx", ["帮扶责任人姓名", "帮扶责任人教职工号", "学生姓名", "学生身份证号", "结对日期"],
                       [["王老师", "T9999", "张小明", make_id(date(2007, 3, 15), 11), "2019-09-01"]])
    result = cli("import", pairs)
    _refused(cli, result, "第 2 行", "“帮扶责任人教职工号”列（B 列）", "T9999", "该学生不在台账中")
    assert cli.counts() == before


def test_unknown_helper_by_id_number_is_masked_in_messages(tmp_path, cli, schools):
    helper_id = make_id(date(1980, 5, 6), 21)
    pairs = write_xlsx(tmp_path / "pairs.xlsx", ["帮扶责任人姓名", "帮扶责任人身份证号", "学生姓名", "学生身份证号", "结对日期"],
                       [["王老师", helper_id, "张小明", make_id(date(2007, 3, 15), 11), "2019-09-01"]])
    result = cli("import", pairs)
    _refused(cli, result, "第 2 行", f"{helper_id[:6]}********{helper_id[-4:]}")
    assert helper_id not in result.output
