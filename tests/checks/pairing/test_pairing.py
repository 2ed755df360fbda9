"""`fupin pair check`: each finding on a small county, the 六个一 month boundaries, the JSON contract, exit codes."""

from __future__ import annotations

import json

import openpyxl
import pytest

from helpers.files import write_xlsx
from helpers.pairing_ledger import HELPER_HEADER, LI, QIAN, SUN, WANG, ZHANG, ZHAO, PairingCounty, full_record

AFTER_TERM = "2020-03-01"  # every item of 2019秋 is due by then


def check(cli, *args: str):
    result = cli("pair", "check", "--term", "2019秋", "--json", *args)
    doc = json.loads(result.stdout) if result.stdout.strip() else None
    # What the clerk's script sees: 1 when there are findings, 0 when there are none (not "0 or 1").
    assert doc is not None and result.exit_code == (1 if doc["findings"] else 0), result.output
    return result.exit_code, doc


def kinds(doc) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for f in doc["findings"]:
        found.setdefault(f["kind"], []).append(f)
    return found


@pytest.fixture
def pairing_county() -> PairingCounty:
    return PairingCounty()


def test_complete_county_is_clean(cli, tmp_path, pairing_county):
    pairing_county.load(cli, tmp_path / "in")
    result = cli("pair", "check", "--term", "2019秋", "--as-of", AFTER_TERM)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines == ["结对帮扶检查 2019秋（全县）：未发现问题——5 名建档立卡在籍学生均已结对，六个一已做 70 项、无逾期，包保无缺口。"]
    code, doc = check(cli, "--as-of", AFTER_TERM)
    assert code == 0 and doc["findings"] == []
    s = doc["summary"]
    assert (s["registered_poor_enrolled"], s["paired"], s["unpaired"], s["current_pairings"]) == (5, 5, 0, 5)
    assert s["six_ones"]["due"] == 5 * 14 and s["six_ones"]["done"] == 70 and s["six_ones"]["overdue"] == 0
    assert s["six_ones"]["by_month"]["2019-10"]["帮扶措施"] == {"due": 5, "done": 5, "overdue": 0, "pending": 0}


def test_json_contract(cli, tmp_path, pairing_county):
    pairing_county.pairs = [p for p in pairing_county.pairs if p[1] != "李二"]  # 李二 unpaired
    pairing_county.activities = [r for r in pairing_county.activities if r[1] != LI]
    pairing_county.load(cli, tmp_path / "in")
    code, doc = check(cli, "--as-of", AFTER_TERM)
    assert code == 1
    assert set(doc) == {"summary", "findings"}
    assert doc["findings"] == [{"kind": "unpaired", "id_number": LI, "name": "李二", "school": "城关中学",
                                "grade": "七年级", "class_name": "1班", "status": "在校"}]
    assert doc["summary"]["findings"] == {"unpaired": 1, "helper_left_school": 0, "overloaded": 0,
                                          "six_ones_overdue": 0, "oversight_gap": 0}


def test_unpaired_on_screen_shows_masked_ids(cli, tmp_path, pairing_county):
    pairing_county.pairs = [p for p in pairing_county.pairs if p[1] != "李二"]
    pairing_county.activities = [r for r in pairing_county.activities if r[1] != LI]
    pairing_county.load(cli, tmp_path / "in")
    result = cli("pair", "check", "--term", "2019秋", "--as-of", AFTER_TERM)
    assert result.exit_code == 1
    assert "未结对 1" in result.stdout and "李二" in result.stdout
    assert LI not in result.output and f"{LI[:6]}********{LI[-4:]}" in result.stdout


def test_ended_or_future_pairing_is_not_current(cli, tmp_path, pairing_county):
    pairing_county.pairs[0][3] = "2019-10-31"  # 张一's pairing ended in October
    pairing_county.pairs[1][2] = "2019-12-01"  # 李二's starts in December
    pairing_county.activities = [r for r in pairing_county.activities if r[1] not in (ZHANG, LI)]
    pairing_county.load(cli, tmp_path / "in")
    _, doc = check(cli, "--as-of", "2019-11-15")
    assert sorted(f["id_number"] for f in kinds(doc)["unpaired"]) == sorted([ZHANG, LI])
    # Judged on the term's last day when the as-of date is past it: 李二 is paired by then, 张一 is not.
    _, doc = check(cli, "--as-of", AFTER_TERM)
    assert [f["id_number"] for f in kinds(doc)["unpaired"]] == [ZHANG]
    assert doc["summary"]["reference_date"] == "2020-01-31"


def test_household_in_registry_counts_as_registered_poor(cli, tmp_path, pairing_county):
    pairing_county.students["孙六"] = pairing_county.students["孙六"][:5] + ("低保",)
    pairing_county.load(cli, tmp_path / "in")
    assert check(cli, "--as-of", AFTER_TERM)[0] == 0
    registry = tmp_path / "registry.xlsx"
    write_xlsx(registry, ["身份证号", "姓名", "户编号"], [[SUN, "孙六", "4228220001"]])
    assert cli("import", registry).exit_code == 0
    _, doc = check(cli, "--as-of", AFTER_TERM)
    assert [f["id_number"] for f in kinds(doc)["unpaired"]] == [SUN]


def test_helper_who_moved_school(cli, tmp_path, pairing_county):
    pairing_county.load(cli, tmp_path / "in")
    pairing_county.helpers["T0002"] = ("刘老师", "城关第一小学", "教师")  # transferred; the pairing with 王三 never redone
    moved = write_xlsx(tmp_path / "moved.xlsx", HELPER_HEADER, [["刘老师", "T0002", "城关第一小学", "教师"]])
    assert cli("import", moved).exit_code == 0
    code, doc = check(cli, "--as-of", AFTER_TERM)
    assert code == 1
    assert doc["findings"] == [{"kind": "helper_left_school", "helper_id": "T0002", "name": "刘老师",
                                "helper_school": "城关第一小学", "id_number": WANG, "student_name": "王三",
                                "school": "城关中学", "start_date": "2019-09-01"}]
    # The student is still paired: a helper who left is not the same as no helper.
    assert doc["summary"]["unpaired"] == 0


def test_bureau_helper_has_not_left_a_school(cli, tmp_path, pairing_county):
    pairing_county.pairs[2][0] = "J0001"  # 王三 paired with a bureau leader
    pairing_county.activities = [r for h, s, _ in [("T0001", "张一", 0), ("T0001", "李二", 0), ("J0001", "王三", 0),
                                           ("T0003", "赵四", 0), ("T0004", "钱五", 0)] for r in full_record(h, s)]
    pairing_county.load(cli, tmp_path / "in")
    code, doc = check(cli, "--as-of", AFTER_TERM)
    assert code == 0, doc["findings"]


def test_overloaded_against_the_limit(cli, tmp_path, pairing_county):
    pairing_county.load(cli, tmp_path / "in")
    assert check(cli, "--as-of", AFTER_TERM)[0] == 0  # 王老师 has 2, the default limit is 5
    code, doc = check(cli, "--as-of", AFTER_TERM, "--max-per-helper", "1")
    assert code == 1
    assert doc["findings"] == [{"kind": "overloaded", "helper_id": "T0001", "name": "王老师", "school": "城关中学",
                                "pairings": 2, "limit": 1}]


def test_per_term_item_overdue_only_after_the_term_ends(cli, tmp_path, pairing_county):
    pairing_county.activities = [r for r in pairing_county.activities if not (r[1] == ZHAO and r[2] == "家访")]
    pairing_county.load(cli, tmp_path / "in")
    code, doc = check(cli, "--as-of", "2020-01-31")  # the term's last day: still time
    assert code == 0 and doc["summary"]["six_ones"]["by_item"]["家访"]["pending"] == 1
    code, doc = check(cli, "--as-of", "2020-02-01")
    assert code == 1
    assert doc["findings"] == [{"kind": "six_ones_overdue", "helper_id": "T0003", "name": "陈老师",
                                "school": "城关第一小学", "overdue": 1,
                                "items": [{"id_number": ZHAO, "student_name": "赵四", "item": "家访", "month": None,
                                           "deadline": "2020-01-31"}]}]


def test_monthly_item_belongs_to_the_month_of_its_date(cli, tmp_path, pairing_county):
    # 钱五's October measure was written on 1 November: it counts for November, October stays undone.
    pairing_county.activities = [r for r in pairing_county.activities if not (r[1] == QIAN and r[2] == "帮扶措施" and r[3] == "2019-10-05")]
    pairing_county.activities.append(["T0004", QIAN, "帮扶措施", "2019-11-01", "迟交的十月措施"])
    pairing_county.load(cli, tmp_path / "in")
    code, doc = check(cli, "--as-of", "2019-10-31")  # the month's last day: not overdue yet
    assert code == 0
    assert doc["summary"]["six_ones"]["by_month"]["2019-10"]["帮扶措施"] == {"due": 5, "done": 4, "overdue": 0,
                                                                               "pending": 1}
    code, doc = check(cli, "--as-of", "2019-11-01")
    assert code == 1
    [finding] = kinds(doc)["six_ones_overdue"]
    assert finding["items"] == [{"id_number": QIAN, "student_name": "钱五", "item": "帮扶措施", "month": "2019-10",
                                 "deadline": "2019-10-31"}]


def test_january_record_written_in_february_leaves_january_overdue(cli, tmp_path, pairing_county):
    pairing_county.activities = [r for r in pairing_county.activities if not (r[1] == ZHANG and r[2] == "帮扶活动" and r[3] == "2020-01-20")]
    pairing_county.activities.append(["T0001", ZHANG, "帮扶活动", "2020-02-01", "寒假补记"])
    pairing_county.load(cli, tmp_path / "in")
    _, doc = check(cli, "--as-of", AFTER_TERM)
    [finding] = kinds(doc)["six_ones_overdue"]
    assert [(i["item"], i["month"]) for i in finding["items"]] == [("帮扶活动", "2020-01")]


def test_month_is_owed_by_the_pairing_in_effect_on_its_last_day(cli, tmp_path, pairing_county):
    # 李二 paired on 30 September owes September; 张一's pairing ended 15 October owes nothing from October on.
    pairing_county.pairs[1][2] = "2019-09-30"
    pairing_county.pairs[0][3] = "2019-10-15"
    pairing_county.activities = [r for r in pairing_county.activities if r[1] not in (ZHANG, LI)]
    pairing_county.activities += [r for r in full_record("T0001", "李二") if r[3] >= "2019-09-30" or r[2] != "帮扶措施"]
    pairing_county.activities += [r for r in full_record("T0001", "张一") if r[3] < "2019-10-01"]
    pairing_county.load(cli, tmp_path / "in")
    code, doc = check(cli, "--as-of", AFTER_TERM)
    [finding] = kinds(doc)["six_ones_overdue"]
    assert [(i["student_name"], i["item"], i["month"]) for i in finding["items"]] == [("李二", "帮扶措施", "2019-09")]
    assert [f["id_number"] for f in kinds(doc)["unpaired"]] == [ZHANG]


def test_oversight_gaps_at_each_level(cli, tmp_path, pairing_county):
    pairing_county.oversight = [r for r in pairing_county.oversight if r[2] != "河口乡" and r[3] != "城关第一小学"
                        and r[4] != "八年级"]
    pairing_county.load(cli, tmp_path / "in")
    code, doc = check(cli, "--as-of", AFTER_TERM)
    assert code == 1
    assert [(f["level"], f["place"]) for f in doc["findings"]] == [
        ("township", "河口乡"), ("school", "城关第一小学"), ("class", "城关中学八年级2班"), ("class", "城关第一小学二年级1班")]
    assert doc["findings"][0] == {"kind": "oversight_gap", "level": "township", "level_name": "乡镇", "place": "河口乡",
                                  "township": "河口乡", "school": None, "grade": None, "class_name": None}
    assert doc["summary"]["oversight_gaps"] == {"township": 1, "school": 1, "class": 2}


def test_oversight_links_for_another_term_do_not_count(cli, tmp_path, pairing_county):
    pairing_county.oversight = [r[:6] + ["2020春"] if r[2] == "城关镇" else r for r in pairing_county.oversight]
    pairing_county.load(cli, tmp_path / "in")
    _, doc = check(cli, "--as-of", AFTER_TERM)
    assert [(f["level"], f["place"]) for f in doc["findings"]] == [("township", "城关镇")]


def test_school_option_narrows_every_finding(cli, tmp_path, pairing_county):
    pairing_county.pairs = [p for p in pairing_county.pairs if p[1] not in ("李二", "钱五")]
    pairing_county.activities = [r for r in pairing_county.activities if r[1] not in (LI, QIAN)]
    pairing_county.oversight = [r for r in pairing_county.oversight if r[2] != "河口乡"]
    pairing_county.load(cli, tmp_path / "in")
    _, doc = check(cli, "--as-of", AFTER_TERM)
    assert [f.get("id_number") or f["place"] for f in doc["findings"]] == [LI, QIAN, "河口乡"]
    _, doc = check(cli, "--as-of", AFTER_TERM, "--school", "城关中学")
    assert [f["id_number"] for f in doc["findings"]] == [LI]
    assert doc["summary"]["school"] == "城关中学" and doc["summary"]["registered_poor_enrolled"] == 3
    assert [r["school"] for r in doc["summary"]["schools"]] == ["城关中学"]


def test_workbook_cells(cli, tmp_path, pairing_county):
    pairing_county.pairs = [p for p in pairing_county.pairs if p[1] != "李二"]
    pairing_county.activities = [r for r in pairing_county.activities if r[1] != LI and not (r[1] == ZHAO and r[2] == "总结")]
    pairing_county.load(cli, tmp_path / "in")
    out = tmp_path / "检查.xlsx"
    result = cli("pair", "check", "--term", "2019秋", "--as-of", AFTER_TERM, "--out", out)
    assert result.exit_code == 1 and f"检查工作簿：{out}" in result.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "问题清单", "六个一逾期明细", "按学校", "按责任人", "按月份"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert summary["建档立卡在籍学生"] == 5 and summary["未结对"] == 1 and summary["六个一应做（项）"] == 56
    assert summary["六个一逾期"] == 1 and summary["六个一完成率"] == "98.2%"
    rows = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("未结对", None, "城关中学", "李二（七年级1班）", LI, "建档立卡学生，学籍状态“在校”，本学期没有帮扶责任人")
    assert rows[1][0] == "六个一逾期未做" and rows[1][4] == "T0003"
    assert list(wb["六个一逾期明细"].iter_rows(min_row=2, values_only=True)) == [
        ("陈老师", "T0003", "城关第一小学", "赵四", ZHAO, "总结", "2019秋", "2020-01-31")]
    by_school = {r[1]: r for r in wb["按学校"].iter_rows(min_row=2, values_only=True)}
    assert by_school["城关中学"][2:6] == (3, 2, 1, 2)
    helper = next(r for r in wb["按责任人"].iter_rows(min_row=2, values_only=True) if r[2] == "T0003")
    assert helper[4:9] == (1, 14, 13, 1, 0) and helper[12] == "0/1"
    months = [r for r in wb["按月份"].iter_rows(min_row=2, values_only=True) if r[0] == "城关中学"]
    assert months[0] == ("城关中学", "2019-09", 2, 2, 0, 0, 2, 2, 0, 0)


@pytest.mark.parametrize("args, message", [
    (["--term", "2019冬"], "学期只有春季和秋季"),
    (["--term", "2020春"], "台账中没有 2020春 的学籍记录"),
    (["--term", "2019秋", "--school", "不存在的学校"], "学校“不存在的学校”不在台账的学校名单中"),
    (["--term", "2019秋", "--max-per-helper", "0"], "--max-per-helper 须为正整数"),
    (["--term", "2019秋", "--as-of", "明天"], "截至日期“明天”无法识别"),
    (["--term", "2019秋", "--out", "x.csv"], "须以 .xlsx 结尾"),
    ([], "--term"),
])
def test_misuse_exits_2(cli, tmp_path, pairing_county, args, message):
    pairing_county.load(cli, tmp_path / "in")
    result = cli("pair", "check", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize("command", [["check"], ["assign", "--dry-run"], ["handbook", "--out", "手册.xlsx"]])
def test_unknown_school_suggests_the_closest_names(cli, tmp_path, pairing_county, command):
    pairing_county.load(cli, tmp_path / "in")
    result = cli("pair", *command, "--term", "2019秋", "--school", "城关小学")
    assert result.exit_code == 2
    assert "学校“城关小学”不在台账的学校名单中；相近的有：城关第一小学" in result.output


def test_every_pair_command_has_chinese_help():
    import typer.main

    from jiaoyu_fupin.cli.main import app

    group = typer.main.get_command(app).commands["pair"]
    assert set(group.commands) == {"check", "assign", "handbook", "letters"}
    for name, command in group.commands.items():
        assert command.help and any("\u4e00" <= ch <= "\u9fff" for ch in command.help), name
        for param in command.params:
            if param.name != "help":
                assert param.help and any("\u4e00" <= ch <= "\u9fff" for ch in param.help), f"{name} {param.name}"


def test_roll_without_poor_or_paired_students_is_still_a_roll(cli, tmp_path, pairing_county):
    # The check reads only the registered poor and the paired of a roll: a roll holding neither is checked, not
    # refused as a term without a roll.
    pairing_county.students = {n: (*s[:5], "") for n, s in pairing_county.students.items()}
    pairing_county.activities = []
    (tmp_path / "in").mkdir()
    files = [f for f in pairing_county.files(tmp_path / "in") if f.name != "结对.xlsx"]
    assert cli("import", *files).exit_code == 0
    result = cli("pair", "check", "--term", "2019秋", "--as-of", AFTER_TERM)
    assert result.exit_code == 0, result.output
    assert "0 名建档立卡在籍学生均已结对" in result.stdout
