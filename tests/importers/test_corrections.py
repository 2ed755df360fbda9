"""Corrected rosters (--replaces), second rosters without it, top-ups, and taking a batch back out (revert)."""

from __future__ import annotations

import json
import time

import pytest

from helpers.files import write_xlsx
from helpers.subsidy_ledger import PAY, ROLL, check, kinds, ledger, paid, student

BOARD = "义务教育寄宿生生活补助"
PEOPLE = [student("A", "甲", "城关中学", "初中", "七年级", "住校", "建档立卡"),
          student("B", "乙", "城关中学", "初中", "七年级", "住校", "建档立卡")]
WRONG = [paid("A", "甲", BOARD, "500"), paid("B", "乙", BOARD, "625")]
RIGHT = [paid("A", "甲", BOARD, "625"), paid("B", "乙", BOARD, "625")]


def _build_first(cli, folder):
    """Schools, the roll, and a roster (batch #4) paying 甲 500 where the standard is 625."""
    ledger(cli, folder, PEOPLE, [])
    assert cli("import", write_xlsx(folder / "名册.xlsx", PAY, WRONG)).exit_code == 0
    assert kinds(check(cli)[1]) == [("amount_mismatch", "甲", BOARD)]
    return _batches(cli)[-1]["id"]


@pytest.fixture
def first(prebuilt):
    """The batch of the wrong roster above; the ledger built once, copied into each test's."""
    return prebuilt("corrections_first", _build_first)


def _batches(cli) -> list[dict]:
    return sorted(json.loads(cli("batches", "--json").stdout), key=lambda b: b["id"])


def _payments(cli) -> int:
    return cli.counts()["payments"]


@pytest.mark.parametrize("name", ["名册.xlsx", "名册（更正）.xlsx"])
def test_a_correction_replaces_the_roster_under_the_same_name_or_a_new_one(cli, tmp_path, first, name):
    fixed = write_xlsx(tmp_path / "更正" / name, PAY, RIGHT) if (tmp_path / "更正").mkdir() is None else None
    result = cli("import", fixed, "--replaces", first)
    assert result.exit_code == 0, result.output
    assert f"更正批次 #{first}" in result.output
    code, doc = check(cli)
    assert code == 0 and doc["findings"] == [] and _payments(cli) == 2
    batches = {b["id"]: b for b in _batches(cli)}
    assert batches[first]["reverted_by"] is not None
    assert [b for b in batches.values() if b["replaces"] == first][0]["file_name"] == name
    # The history keeps both: the corrected batch is still listed, marked as reverted.
    shown = cli("batches").stdout
    assert "已由批次" in shown and f"更正批次 #{first}" in shown


def test_without_replaces_a_second_roster_is_recorded_and_the_overlap_counted(cli, tmp_path, first):
    again = write_xlsx(tmp_path / "名册（新）.xlsx", PAY, RIGHT)
    result = cli("import", again)
    assert result.exit_code == 0
    assert f"本文件新记入的 2 行（2 人次：同一学生、同一资助项目、同一学期）在批次 #{first}（名册.xlsx）中已有发放" in result.output and f"--replaces {first}" in result.output
    assert _payments(cli) == 4
    # 甲: 500 (wrong) and 625, paid twice; 乙: 625 twice.
    assert sorted(k for k, *_ in kinds(check(cli)[1])) == ["amount_mismatch", "duplicate", "duplicate"]


def test_the_overlap_counts_every_student_and_program_however_the_roster_names_the_program(cli, tmp_path, first):
    """A second roster naming a program by its shared name (一补) beside rows naming it in full: the shared-name
    rows were left out of the count (13 said where 17 were the same), and the count said 行 for 人次."""
    again = write_xlsx(tmp_path / "名册（新）.xlsx", PAY, [
        paid("A", "甲", "一补", "625"), paid("B", "乙", BOARD, "625"), paid("B", "乙", BOARD, "625")])
    result = cli("import", again)
    assert result.exit_code == 0, result.output
    # 3 rows, 2 student-programs (乙 twice), both already paid by batch #first.
    assert (f"本文件新记入的 3 行（2 人次：同一学生、同一资助项目、同一学期）在批次 #{first}（名册.xlsx）中已有发放"
            in result.output)


def test_a_second_roster_with_an_unknown_program_is_refused_by_row_not_with_a_crash(cli, tmp_path, first):
    """The overlap count read every kept row's program as an integer: a row whose program is unknown or empty (kept
    to be refused with its message) crashed the import with exit 3."""
    again = write_xlsx(tmp_path / "名册（新）.xlsx", PAY, [
        paid("A", "甲", "不存在的项目", "625"), paid("B", "乙", "", "625"), paid("B", "乙", BOARD, "625")])
    before = _payments(cli)
    result = cli("import", again)
    assert result.exit_code == 1, result.output
    assert "不存在的项目" in result.output and "第 2 行" in result.output and "第 3 行" in result.output
    assert _payments(cli) == before


def test_a_correction_under_the_same_name_without_replaces_is_counted_too(cli, tmp_path, first):
    """The same file name again, one amount corrected: the unchanged row is the same payment (not recorded twice),
    the corrected one is new and is counted against the first roster's row for the same student and program."""
    (tmp_path / "again").mkdir()
    result = cli("import", write_xlsx(tmp_path / "again" / "名册.xlsx", PAY, RIGHT))
    assert result.exit_code == 0 and f"本文件新记入的 1 行（1 人次：同一学生、同一资助项目、同一学期）在批次 #{first}（名册.xlsx）中已有发放" in result.output
    assert _payments(cli) == 3
    assert sorted(k for k, *_ in kinds(check(cli)[1])) == ["amount_mismatch", "duplicate"]


def test_a_top_up_that_makes_the_standard_is_no_finding(cli, tmp_path, first):
    top_up = write_xlsx(tmp_path / "补发.xlsx", PAY, [paid("A", "甲", BOARD, "125")])
    result = cli("import", top_up)
    assert result.exit_code == 0 and f"本文件新记入的 1 行（1 人次：同一学生、同一资助项目、同一学期）在批次 #{first}（名册.xlsx）中已有发放" in result.output
    code, doc = check(cli)
    assert code == 0 and doc["findings"] == []
    # 500 + 125 = 625 paid to 甲: one entitlement paid, in two parts.
    line = next(p for p in doc["summary"]["by_program"] if p["program"] == BOARD)
    assert (line["payments"], line["paid_amount"]) == (3, "1250")


def test_a_correction_of_another_kind_or_term_is_refused_and_nothing_changes(cli, tmp_path, first):
    other_term = write_xlsx(tmp_path / "春.xlsx", PAY, [paid("A", "甲", BOARD, "625", term="2019春")])
    result = cli("import", other_term, "--replaces", first)
    assert result.exit_code == 1 and "更正只能替换同一学期的文件" in result.output
    roll = write_xlsx(tmp_path / "学籍2.xlsx", ROLL, PEOPLE)
    result = cli("import", roll, "--replaces", first)
    assert result.exit_code == 1 and "只能用同一类文件更正" in result.output
    assert kinds(check(cli)[1]) == [("amount_mismatch", "甲", BOARD)] and _payments(cli) == 2
    assert all(b["reverted_by"] is None for b in _batches(cli))


def test_a_dry_run_correction_says_what_it_would_replace_and_changes_nothing(cli, tmp_path, first):
    fixed = write_xlsx(tmp_path / "名册2.xlsx", PAY, RIGHT)
    result = cli("import", fixed, "--replaces", first, "--dry-run")
    assert result.exit_code == 0 and f"更正批次 #{first}" in result.output
    # Nothing was reverted: the clerk is told it would be, never that it has been.
    assert "原批次的内容将被撤销，改以本文件为准（试导入，尚未撤销）" in result.output, result.output
    assert "已撤销" not in result.output
    assert kinds(check(cli)[1]) == [("amount_mismatch", "甲", BOARD)]
    assert all(b["reverted_by"] is None for b in _batches(cli))


def test_replaces_takes_the_file_name_too(cli, tmp_path, first):
    fixed = write_xlsx(tmp_path / "名册2.xlsx", PAY, RIGHT)
    result = cli("import", fixed, "--replaces", "名册.xlsx")
    assert result.exit_code == 0, result.output
    assert check(cli)[0] == 0


def test_revert_takes_a_roster_out_and_is_recorded(cli, tmp_path, first):
    dry = cli("batches", "revert", first, "--dry-run")
    assert dry.exit_code == 0 and "删除 2 行" in dry.output and _payments(cli) == 2
    result = cli("batches", "revert", first)
    assert result.exit_code == 0, result.output
    assert _payments(cli) == 0
    revert = _batches(cli)[-1]
    assert revert["kind"] == "revert" and revert["file_name"] == "名册.xlsx"
    assert f"撤销批次 #{first}" in cli("batches").stdout
    # Once is enough.
    again = cli("batches", "revert", first)
    assert again.exit_code == 1 and "已由批次" in again.output
    # Re-importing the same file, under another name too, records it again, as if never imported.
    import shutil

    shutil.copy(tmp_path / "名册.xlsx", tmp_path / "名册(1).xlsx")
    result = cli("import", tmp_path / "名册(1).xlsx")
    assert result.exit_code == 0 and "内容完全相同" not in result.output and _payments(cli) == 2


def test_reverting_a_correction_puts_the_roster_it_replaced_back(cli, tmp_path, first):
    """Reverting a --replaces correction left the term with no roster at all (the original stayed revoked) and said
    nothing: the original's payments go back in, as a batch of their own, and the screen says so."""
    fixed = write_xlsx(tmp_path / "名册（更正）.xlsx", PAY, RIGHT)
    assert cli("import", fixed, "--replaces", first).exit_code == 0
    correction = _batches(cli)[-1]["id"]
    dry = cli("batches", "revert", correction, "--dry-run")
    assert dry.exit_code == 0 and f"将放回批次 #{first}（名册.xlsx）被更正时撤销的 2 行" in dry.output
    assert kinds(check(cli)[1]) == [] and _payments(cli) == 2  # nothing changed
    result = cli("batches", "revert", correction)
    assert result.exit_code == 0, result.output
    back = _batches(cli)[-1]
    assert (back["kind"], back["file_name"], back["new"]) == ("payments", "名册.xlsx", 2)
    assert (f"已放回批次 #{first}（名册.xlsx）被更正时撤销的 2 行，记为批次 #{back['id']}；2019秋 的发放以它为准"
            in result.output)
    # The original roster again: 甲 500 for 625, 乙 625.
    assert kinds(check(cli)[1]) == [("amount_mismatch", "甲", BOARD)] and _payments(cli) == 2
    assert cli("db", "verify").exit_code == 0
    # The put-back batch is an import like any other: it can be corrected or reverted in turn; a correction of it
    # puts nothing back (the new file stands instead).
    again = write_xlsx(tmp_path / "名册（再更正）.xlsx", PAY, RIGHT)
    result = cli("import", again, "--replaces", back["id"])
    assert result.exit_code == 0 and "放回" not in result.output and _payments(cli) == 2
    result = cli("batches", "revert", _batches(cli)[-1]["id"])
    assert result.exit_code == 0 and f"已放回批次 #{back['id']}（名册.xlsx）被更正时撤销的 2 行" in result.output
    assert kinds(check(cli)[1]) == [("amount_mismatch", "甲", BOARD)] and _payments(cli) == 2


def test_a_correction_on_two_sheets_puts_the_roster_back_only_when_both_are_reverted(cli, tmp_path, first):
    """A correction workbook of two sheets is two batches, each replacing the original: reverting one put the whole
    original back while the other stayed in effect, and 乙 was paid twice."""
    import openpyxl

    book = openpyxl.Workbook()
    for title, row in (("甲", RIGHT[0]), ("乙", RIGHT[1])):
        sheet = book.create_sheet(title)
        sheet.append(PAY)
        sheet.append(row)
    book.remove(book["Sheet"])
    book.save(tmp_path / "更正.xlsx")
    assert cli("import", tmp_path / "更正.xlsx", "--replaces", first).exit_code == 0
    one, two = [b["id"] for b in _batches(cli) if b["replaces"] == first]
    result = cli("batches", "revert", one)
    assert result.exit_code == 0, result.output
    assert f"批次 #{first}（名册.xlsx）还由批次 #{two} 更正着" in result.output and "原名册没有放回" in result.output
    assert _payments(cli) == 1  # 乙's corrected payment only, not 乙 twice
    result = cli("batches", "revert", two)
    assert result.exit_code == 0, result.output
    assert f"已放回批次 #{first}（名册.xlsx）被更正时撤销的 2 行" in result.output
    assert kinds(check(cli)[1]) == [("amount_mismatch", "甲", BOARD)] and _payments(cli) == 2


def test_reverting_a_correction_after_the_original_was_imported_again_puts_nothing_back_twice(cli, tmp_path, first):
    fixed = write_xlsx(tmp_path / "名册（更正）.xlsx", PAY, RIGHT)
    assert cli("import", fixed, "--replaces", first).exit_code == 0
    correction = _batches(cli)[-1]["id"]
    assert cli("import", tmp_path / "名册.xlsx").exit_code == 0  # the original again, without --replaces
    assert _payments(cli) == 4
    result = cli("batches", "revert", correction)
    assert result.exit_code == 0, result.output
    assert f"批次 #{first}（名册.xlsx）被更正时撤销的 2 行已在台账中（后来又导入过），没有重复放回" in result.output
    assert _payments(cli) == 2 and kinds(check(cli)[1]) == [("amount_mismatch", "甲", BOARD)]


def test_reverting_a_roll_correction_is_refused_with_the_way_to_get_the_original_back(cli, tmp_path):
    """A roll's rows are pointed at by others, so they cannot be put back row by row: the revert is refused and the
    clerk told how to have the original roll again, rather than leaving the term with neither."""
    ledger(cli, tmp_path, PEOPLE, [])
    (original,) = [b["id"] for b in _batches(cli) if b["file_name"] == "学籍.xlsx"]
    fixed = write_xlsx(tmp_path / "学籍（更正）.xlsx", ROLL, [student("A", "甲", "城关中学", "初中", "八年级", "住校", "建档立卡"),
                                                           PEOPLE[1]])
    assert cli("import", fixed, "--replaces", original).exit_code == 0
    correction = _batches(cli)[-1]["id"]
    result = cli("batches", "revert", correction)
    assert result.exit_code == 1
    assert "撤销它会让 2019秋 的学籍名册两份都不在台账中" in result.output
    assert f"请重新导入原文件：fupin import 学籍.xlsx --replaces {correction}" in result.output
    assert _batches(cli)[-1]["id"] == correction  # nothing written
    # The way it names works: the original roll corrects the correction.
    result = cli("import", tmp_path / "学籍.xlsx", "--replaces", correction)
    assert result.exit_code == 0 and f"更正批次 #{correction}" in result.output


def test_revert_of_a_roll_restores_the_versions_it_replaced(cli, tmp_path, first):
    moved = [student("A", "甲", "城关中学", "初中", "七年级", "走读", "建档立卡"), PEOPLE[1]]
    assert cli("import", write_xlsx(tmp_path / "学籍（改）.xlsx", ROLL, moved)).exit_code == 0
    roll_batch = _batches(cli)[-1]["id"]
    # Now 甲 is a day pupil: the boarding roster is wrong for 甲.
    assert ("ineligible", "甲", BOARD) in kinds(check(cli)[1])
    assert cli("batches", "revert", roll_batch).exit_code == 0
    assert kinds(check(cli)[1]) == [("amount_mismatch", "甲", BOARD)]


def test_revert_is_refused_when_a_later_batch_builds_on_it(cli, tmp_path, first):
    roll_batch = [b for b in _batches(cli) if b["kind"] == "roll"][0]["id"]
    moved = [student("A", "甲", "城关中学", "初中", "八年级", "住校", "建档立卡"), PEOPLE[1]]
    assert cli("import", write_xlsx(tmp_path / "学籍（改）.xlsx", ROLL, moved)).exit_code == 0
    later = _batches(cli)[-1]["id"]
    result = cli("batches", "revert", roll_batch)
    assert result.exit_code == 1
    assert f"批次 #{later}（学籍（改）.xlsx）改动了它写入的行" in result.output and "从最新的开始" in result.output
    # Undone in order, it goes.
    assert cli("batches", "revert", later).exit_code == 0
    assert cli("batches", "revert", roll_batch).exit_code == 0


def test_revert_is_refused_when_a_later_roll_points_at_its_students(cli, tmp_path, first):
    roll_batch = [b for b in _batches(cli) if b["kind"] == "roll"][0]["id"]
    spring = [student("A", "甲", "城关中学", "初中", "七年级", "住校", "建档立卡", term="2020春")]
    assert cli("import", write_xlsx(tmp_path / "学籍春.xlsx", ROLL, spring)).exit_code == 0
    result = cli("batches", "revert", roll_batch)
    assert result.exit_code == 1 and "学籍春.xlsx" in result.output and "用到了它新增的记录" in result.output


def test_as_of_before_the_revert_reports_what_it_said_then(cli, tmp_path, first):
    from datetime import datetime

    time.sleep(1.1)
    before = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    time.sleep(1.1)
    assert cli("batches", "revert", first).exit_code == 0
    now = cli("report", "monthly", "--month", "2019-11", "--out", tmp_path, "--quiet")
    assert now.exit_code == 0
    then = cli("report", "monthly", "--month", "2019-11", "--out", tmp_path / "then", "--as-of", before, "--quiet") \
        if (tmp_path / "then").mkdir() is None else None
    assert then.exit_code == 0, then.output
    from openpyxl import load_workbook

    def paid_line(folder):
        sheet = load_workbook(next(folder.glob("月报_2019-11*.xlsx"))).worksheets[0]
        return [r for r in sheet.iter_rows(values_only=True) if r[0] == "本月资助发放" and r[1] == "合计"][0][2:4]

    assert paid_line(tmp_path / "then") == (2, 1125)
    assert paid_line(tmp_path) == (0, 0)

    def sources(folder):
        sheet = load_workbook(next(folder.glob("月报_2019-11*.xlsx")))["数据来源"]
        return [r[1] for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]

    # The data-source page lists the roster while it counted, and neither it nor the revert after.
    assert "名册.xlsx" in sources(tmp_path / "then")
    assert "名册.xlsx" not in sources(tmp_path) and not [f for f in sources(tmp_path) if f.startswith("撤销")]


def test_reverting_the_registry_takes_its_households_out_and_the_students_links_with_them(cli, tmp_path):
    from helpers.subsidy_ledger import IDS

    ledger(cli, tmp_path, [student("J", "癸", "县第一高级中学", "普通高中", "高一", "住校", "")], [],
           registry=[[IDS["J"], "癸", "4228220001", "城关镇"]])
    assert {f["program"] for f in check(cli)[1]["findings"]} == {"普通高中国家助学金", "普通高中免学费"}
    registry = [b["id"] for b in _batches(cli) if b["kind"] == "registry"][0]
    result = cli("batches", "revert", registry)
    assert result.exit_code == 0, result.output
    counts = cli.counts()
    assert counts["households"] == 0 and counts["registry_people"] == 0
    # 癸 is no longer registered poor: nothing is owed.
    code, doc = check(cli)
    assert code == 0 and doc["findings"] == []


def test_after_reverting_the_later_batches_an_earlier_dated_file_may_be_imported(cli, tmp_path, first):
    """import --dated refuses a file dated before data already imported, and says to revert the later batches
    first: once reverted, they (and the revert itself) no longer stand in the way."""
    october = write_xlsx(tmp_path / "名册（10月）.xlsx", PAY, RIGHT)
    refused = cli("import", october, "--dated", "2019-10-20")
    assert refused.exit_code == 1 and "早于台账中已有的批次" in refused.output
    for batch in sorted((b["id"] for b in _batches(cli)), reverse=True):
        assert cli("batches", "revert", batch).exit_code == 0
    result = cli("import", october, "--dated", "2019-10-20")
    assert result.exit_code == 0, result.output
    assert _payments(cli) == 2


def test_as_of_before_a_correction_is_reverted_still_has_the_correction(cli, tmp_path, first):
    """The roster put back is in effect from the revert on: a report as of before it has the correction's payments
    (625 + 625), after it the original's (500 + 625)."""
    from datetime import datetime

    from openpyxl import load_workbook

    assert cli("import", write_xlsx(tmp_path / "名册（更正）.xlsx", PAY, RIGHT), "--replaces", first).exit_code == 0
    correction = _batches(cli)[-1]["id"]
    time.sleep(1.1)
    before = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    time.sleep(1.1)
    assert cli("batches", "revert", correction).exit_code == 0

    def paid_line(*args) -> tuple:
        folder = tmp_path / str(len(args))
        folder.mkdir()
        assert cli("report", "monthly", "--month", "2019-11", "--out", folder, "--quiet", *args).exit_code == 0
        sheet = load_workbook(next(folder.glob("月报_2019-11*.xlsx"))).worksheets[0]
        return [r for r in sheet.iter_rows(values_only=True) if r[0] == "本月资助发放" and r[1] == "合计"][0][2:4]

    assert paid_line("--as-of", before) == (2, 1250)
    assert paid_line() == (2, 1125)
