"""The task board: the bureau's 2019 task list (附件1) imported as its table lays it out, the schools' list (附件2),
动态销号 and reopening, the overdue list on a date, ties to ledger checks, and the wall chart."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import openpyxl
import pytest

from helpers.files import SCHOOL_HEADER, make_id, write_xlsx
from helpers.task_files import school_tasks_workbook, task_rows, tasks_workbook
from jiaoyu_fupin.xlsx import pages

# Counted by hand from 附件1: tasks per 牵头股室 and per 一级指标, and their 完成时限.
BY_OFFICE = {"教育股": 13, "招办": 11, "人事股": 9, "局扶贫办": 5, "经费中心": 3, "项目办": 3, "监察室": 3, "电教站": 2,
             "资助中心": 1, "督导办": 1, "局办公室": 1}
BY_LEVEL1 = {"重点项目": 27, "改革举措": 11, "组织领导": 14}
BY_DUE = {"2019-12-31": 38, "2020-12-31": 13, None: 1}


def _list(cli, *args) -> list[dict]:
    result = cli("task", "list", "--json", *args)
    rows = json.loads(result.stdout)
    # Exit 1 only for --overdue with something overdue (all it lists), else 0: what a cron line tests.
    assert result.exit_code == (1 if "--overdue" in args and rows else 0), result.output
    return rows


def _build_seed_tasks(cli, folder):
    result = cli("import", tasks_workbook(folder / "任务清单.xlsx"))
    assert result.exit_code == 0, result.output
    assert "工作任务清单：52 行，新增 52" in result.stdout


@pytest.fixture
def seed_tasks(prebuilt, tmp_path):
    """The ledger above, built once, copied into each test's."""
    prebuilt("tasks_seed", _build_seed_tasks)
    return tmp_path


def test_the_seed_list_merged_and_under_a_two_row_header(cli, seed_tasks):
    rows = _list(cli, "--as-of", "2019-06-01")
    assert len(rows) == 52
    assert Counter(r["lead_office"] for r in rows) == BY_OFFICE
    assert Counter(r["area"] for r in rows) == BY_LEVEL1
    assert Counter(r["deadline"] for r in rows) == BY_DUE
    first = rows[0]
    assert first["item"] == "1. 家庭经济困难学生资助" and first["supporting_offices"] == "经费中心"
    # 二级指标 10 sits in a row whose 一级指标 is merged from the page before; the 组织领导 block has no 配合股室.
    informatisation = next(r for r in rows if r["content"].startswith("继续加强中小学信息技术基础设施建设"))
    assert informatisation["area"] == "重点项目" and informatisation["item"] == "10. 贫困地区教育信息化建设"
    assert informatisation["supporting_offices"] == "教育股、教研室"
    special = next(r for r in rows if r["content"].startswith("加强特殊教育经费保障"))
    assert special["supporting_offices"] == "计财股、资助中心" and special["deadline"] == "2020-12-31"
    rules = next(r for r in rows if r["content"].startswith("建立健全教育精准扶贫规章制度"))
    assert rules["item"] == "4. 强化县抓落实" and rules["deadline"] is None and rules["supporting_offices"] is None
    assert all(r["state"] == "未完成" for r in rows)


def test_the_two_row_header_may_say_just_牵头_and_配合(cli, tmp_path):
    result = cli("import", tasks_workbook(tmp_path / "清单.xlsx", offices=("牵头", "配合")))
    assert result.exit_code == 0, result.output
    rows = _list(cli, "--as-of", "2019-06-01")
    assert len(rows) == 52 and Counter(r["lead_office"] for r in rows) == BY_OFFICE


def test_office_filter_counts_leading_and_helping(cli, seed_tasks):
    # 电教站 leads 2 tasks and helps with 7.
    assert len(_list(cli, "--office", "电教站", "--as-of", "2019-06-01")) == 9
    assert len(_list(cli, "--office", "督导办", "--as-of", "2019-06-01")) == 1


def test_done_reopen_and_the_overdue_list_on_a_date(cli, seed_tasks):
    rows = _list(cli, "--as-of", "2019-06-01")
    number = next(r["number"] for r in rows if r["content"].startswith("设立特困学生救助基金"))
    result = cli("task", "list", "--overdue", "--as-of", "2020-01-15")
    assert result.exit_code == 1 and "逾期 38" in result.stdout
    done = cli("task", "done", number, "--date", "2019-12-20", "--evidence", "建教文〔2019〕60号设立救助基金")
    assert done.exit_code == 0, done.output
    assert len(_list(cli, "--overdue", "--as-of", "2020-01-15")) == 37
    again = cli("task", "done", number, "--date", "2019-12-21", "--evidence", "x")
    # The data refuses (like closing a closed case): exit 1, naming the day it was finished, not the one typed.
    assert again.exit_code == 1 and "已于 2019-12-20 销号" in again.stderr and "2019-12-21" not in again.stderr
    reopened = cli("task", "reopen", number, "--date", "2020-01-10", "--reason", "救助基金未到位")
    assert reopened.exit_code == 0 and "现状：逾期" in reopened.stdout
    twice = cli("task", "reopen", number, "--date", "2020-01-11", "--reason", "x")
    assert twice.exit_code == 1 and "并未销号" in twice.stderr
    assert len(_list(cli, "--overdue", "--as-of", "2020-01-15")) == 38
    # Nothing is deleted: on 5 January the task was still struck off, with its date and evidence.
    before = next(r for r in _list(cli, "--as-of", "2020-01-05") if r["number"] == number)
    assert before["state"] == "已完成" and before["done_on"] == "2019-12-20" and "救助基金" in before["evidence"]
    after = next(r for r in _list(cli, "--as-of", "2020-01-15") if r["number"] == number)
    assert after["state"] == "逾期" and after["reopened"] == 1
    assert cli.counts()["task_events"] == 2
    future = cli("task", "done", number, "--date", "2999-01-01", "--evidence", "x")
    assert future.exit_code == 2 and "在今天之后" in future.stderr and cli.counts()["task_events"] == 2


def test_due_within_lists_open_tasks_falling_due(cli, seed_tasks):
    assert len(_list(cli, "--due-within", "30", "--as-of", "2019-12-10")) == 38
    assert len(_list(cli, "--due-within", "10", "--as-of", "2019-12-10")) == 0


def test_reimport_is_unchanged_and_a_corrected_deadline_is_a_change(cli, seed_tasks, tmp_path):
    again = cli("import", tasks_workbook(tmp_path / "again.xlsx"))
    assert "未变 52" in again.stdout and cli.counts()["tasks"] == 52
    _, rows = task_rows()
    rows[0][5] = "2019年底"
    changed = cli("import", tasks_workbook(tmp_path / "changed.xlsx", rows))
    assert "变更 1" in changed.stdout
    assert _list(cli, "--as-of", "2019-06-01")[0]["deadline"] == "2019-12-31"


def test_a_list_in_another_shape(cli, tmp_path):
    """One 责任股室 column, 完成时间 instead of 完成时限, an extra 备注, a title, deadlines in words, no 一级指标 merge."""
    path = write_xlsx(tmp_path / "清单.xlsx", ["序号", "一级指标", "二级指标", "工作任务", "责任股室", "完成时间", "备注"], [
        [1, "控辍保学", "劝返复学", "对辍学学生逐一劝返", "教育股、 资助中心", "2019年11月", None],
        [2, None, None, "建立重度残障学生台账", "教育股", "长期", "送教上门"],
        [3, None, "资助", "春季学期资助发放", "资助中心", "2019-04-30", None],
    ], above=[["2019 年度任务清单"]])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "按没有时限处理" in result.stdout
    rows = _list(cli, "--as-of", "2019-12-01")
    assert [(r["area"], r["item"], r["lead_office"], r["deadline"], r["state"]) for r in rows] == [
        ("控辍保学", "劝返复学", "教育股、资助中心", "2019-11-30", "逾期"),
        ("控辍保学", "劝返复学", "教育股", None, "未完成"),
        ("控辍保学", "资助", "资助中心", "2019-04-30", "逾期"),
    ]
    assert [r["number"] for r in _list(cli, "--office", "资助中心", "--as-of", "2019-12-01")] == [1, 3]


def test_a_task_without_its_lead_office_is_refused_by_row(cli, tmp_path):
    path = write_xlsx(tmp_path / "清单.xlsx", ["一级指标", "工作任务", "牵头股室", "完成时限"], [
        ["组织领导", "成立领导小组", "局扶贫办", "2019-03-31"],
        [None, "召开专题会议", None, "下个月"],
    ])
    result = cli("import", path)
    assert result.exit_code == 1
    assert "第 3 行" in result.output and "“牵头股室”为空" in result.output
    assert "完成时限“下个月”无法识别" in result.output
    assert cli.counts()["tasks"] == 0


def test_a_header_one_column_short_is_not_a_task_list(cli, tmp_path):
    path = write_xlsx(tmp_path / "清单.xlsx", ["一级指标", "二级指标", "工作任务", "完成时限"], [
        ["组织领导", "1. 强化组织领导", "成立领导小组", "2019-03-31"]])
    result = cli("import", "--kind", "tasks", path)
    assert result.exit_code == 1 and "牵头股室" in result.output


def _build_school_county(cli, folder):
    """Two schools; 甲 (registered poor, 城关中学) is paid, 乙 (registered poor, 河口中学) is not."""
    files = [
        write_xlsx(folder / "学校名单.xlsx", SCHOOL_HEADER, [["3452000002", "城关中学", "初中", "城关镇", "公办"],
                                                            ["3452000006", "河口中学", "初中", "河口乡", "公办"]]),
        write_xlsx(folder / "学籍.xlsx", ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态",
                                           "家庭经济困难类别", "学期"], [
            ["甲", make_id(date(2007, 1, 1), 11), "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"],
            ["乙", make_id(date(2007, 1, 2), 12), "河口中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"]]),
        write_xlsx(folder / "发放.xlsx", ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"], [
            ["城关中学", "甲", make_id(date(2007, 1, 1), 11), "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-11-05"]]),
        school_tasks_workbook(folder / "学校任务清单.xlsx"),
    ]
    result = cli("import", *files)
    assert result.exit_code == 0, result.output
    assert "学校工作任务清单：10 行，新增 40" in result.stdout
    assert "10 行共 40 项（一格中 1. 2. 3. 各为一项，每项记一条）" in result.stdout  # why 40 ≠ 10


@pytest.fixture
def school_county(prebuilt, tmp_path):
    """The ledger above, built once, copied into each test's."""
    prebuilt("tasks_school_county", _build_school_county)
    return tmp_path


def test_school_items_one_per_numbered_point_for_every_school(cli, school_county):
    rows = _list(cli, "--school", "河口中学", "--as-of", "2019-12-01")
    assert len(rows) == 40
    assert Counter(r["area"] for r in rows) == {"组织保障": 5, "控辍保学": 3, "教学质量": 5, "学生资助": 6, "全面关爱": 4,
                                                 "学校建设": 5, "教师队伍": 5, "扶贫协作": 2, "宣传工作": 4, "档案建设": 1}
    assert rows[0]["content"] == "成立领导小组、工作专班。" and rows[0]["school"] == "河口中学"
    number = rows[0]["number"]
    assert cli("task", "done", number, "--date", "2019-11-01", "--evidence", "x").exit_code == 2  # which school?
    assert cli("task", "done", number, "--school", "河口中学", "--date", "2019-11-01", "--evidence", "校发〔2019〕1号"
               ).exit_code == 0
    assert _list(cli, "--school", "河口中学", "--as-of", "2019-12-01")[0]["state"] == "已完成"
    assert _list(cli, "--school", "城关中学", "--as-of", "2019-12-01")[0]["state"] == "未完成"


def test_a_task_tied_to_the_subsidy_check_stays_open_while_payments_are_missing(cli, school_county):
    rows = _list(cli, "--school", "河口中学", "--as-of", "2019-12-01")
    tied = next(r for r in rows if "资助全覆盖无遗漏" in r["content"])
    assert tied["check"] == "subsidy"
    refused = cli("task", "done", tied["number"], "--school", "河口中学", "--date", "2019-12-01", "--evidence", "已发放")
    assert refused.exit_code == 1
    assert "不能销号：2019秋河口中学仍有 1 人次应助未助" in refused.stderr
    accepted = cli("task", "done", tied["number"], "--school", "城关中学", "--date", "2019-12-01", "--evidence", "已发放")
    assert accepted.exit_code == 0 and "台账核对：2019秋城关中学应助尽助" in accepted.stdout
    # Untied, the clerk's word is enough.
    assert cli("task", "tie", tied["number"], "--check", "none").exit_code == 0
    assert cli("task", "done", tied["number"], "--school", "河口中学", "--date", "2019-12-01", "--evidence", "x"
               ).exit_code == 0
    assert cli("task", "tie", tied["number"], "--check", "nothing").exit_code == 2


def test_the_wall_chart(cli, seed_tasks, tmp_path):
    number = _list(cli, "--as-of", "2019-06-01")[0]["number"]
    cli("task", "done", number, "--date", "2019-11-05", "--evidence", "已落实")
    out = tmp_path / "挂图_2019-11.xlsx"
    result = cli("task", "board", "--out", out, "--as-of", "2020-01-15")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["按股室", "按一级指标", "任务清单"]
    office = {r[0]: r[1:] for r in wb["按股室"].iter_rows(min_row=5, values_only=True)}
    assert office["资助中心"] == (1, 1, 0, 0, 100)
    assert office["教育股"][0] == 13 and office["合计"][:4] == (52, 1, 13, 38)
    level = {r[0]: r[1:5] for r in wb["按一级指标"].iter_rows(min_row=5, values_only=True)}
    assert level["重点项目"][0] == 27 and level["组织领导"] == (14, 0, 1, 13)
    ws = wb["按股室"]
    # Printed by the shared page rules: this narrow table fits a portrait page, the wide task list goes landscape.
    assert ws.conditional_formatting and pages.problems(ws) == [] and ws.page_setup.orientation == "portrait"
    assert wb["任务清单"].page_setup.orientation == "landscape" and pages.problems(wb["任务清单"]) == []
    listing = wb["任务清单"]
    states = [listing.cell(r, 8).value for r in range(4, 4 + 52)]
    assert states.count("逾期") == 38 and states.count("已完成") == 1
    red = next(r for r in range(4, 56) if listing.cell(r, 8).value == "逾期")
    assert listing.cell(red, 8).fill.fgColor.rgb.endswith("FFC7CE")


@pytest.mark.parametrize(("group", "commands"), [("task", {"list", "done", "reopen", "tie", "board"}),
                                                 ("collab", {"progress"})])
def test_every_command_has_chinese_help(group, commands):
    import typer.main

    from jiaoyu_fupin.cli.main import app

    found = typer.main.get_command(app).commands[group]
    assert set(found.commands) == commands
    for name, command in found.commands.items():
        assert command.help and any("\u4e00" <= ch <= "\u9fff" for ch in command.help), name
        for param in command.params:
            if param.name != "help":
                assert param.help and any("\u4e00" <= ch <= "\u9fff" for ch in param.help), f"{name} {param.name}"


def test_a_gbk_csv_list_with_indicators_written_once(cli, tmp_path):
    """Exported from WPS as CSV: merged cells come out as empty cells below the first; an indicator row of its own."""
    path = tmp_path / "任务清单.csv"
    path.write_bytes("\n".join([
        "一级指标,二级指标,工作任务,牵头股室,配合股室,完成时限",
        "重点项目,,,,,",
        ",1. 资助,建立资助台账,资助中心,经费中心、计财股,2019/12/31",
        ",,落实营养改善计划,后勤办,,2019年9月",
        "改革举措,1. 经费,统筹使用教育扶贫资金,经费中心,,",
    ]).encode("gbk"))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "1 行只有指标、没有工作任务，作为分组标题处理" in result.stdout
    rows = _list(cli, "--as-of", "2019-10-01")
    assert [(r["area"], r["item"], r["supporting_offices"], r["deadline"], r["state"]) for r in rows] == [
        ("重点项目", "1. 资助", "经费中心、计财股", "2019-12-31", "未完成"),
        ("重点项目", "1. 资助", None, "2019-09-30", "逾期"),
        ("改革举措", "1. 经费", None, None, "未完成"),
    ]


def test_the_wall_chart_has_the_schools_sheet(cli, school_county, tmp_path):
    rows = _list(cli, "--school", "河口中学", "--as-of", "2019-12-01")
    cli("task", "done", rows[0]["number"], "--school", "河口中学", "--date", "2019-11-01", "--evidence", "x")
    out = tmp_path / "挂图.xlsx"
    assert cli("task", "board", "--out", out, "--as-of", "2019-12-01").exit_code == 0
    ws = openpyxl.load_workbook(out)["学校任务"]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["学校", "组织保障", "控辍保学"] and header[-4:] == ["已完成", "未完成", "逾期", "完成率（%）"]
    by_school = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert by_school["河口中学"][1] == "1/5" and by_school["河口中学"][-4:-1] == (1, 39, 0)
    assert by_school["城关中学"][1] == "0/5"


def test_the_monthly_report_counts_each_place_s_sign_offs(cli, school_county, tmp_path):
    rows = _list(cli, "--school", "河口中学", "--as-of", "2019-12-01")
    cli("task", "done", rows[0]["number"], "--school", "河口中学", "--date", "2019-11-12", "--evidence", "x")
    cli("task", "done", rows[1]["number"], "--school", "河口中学", "--date", "2019-10-12", "--evidence", "x")
    assert cli("report", "monthly", "--month", "2019-11", "--as-of", "2099-12-31", "--out", tmp_path, "-q").exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "月报_2019-11.xlsx")

    def line(sheet: str, item: str) -> tuple:
        return next(r[2:5] for r in wb[sheet].iter_rows(values_only=True) if r[0] == "学校任务清单" and r[1] == item)

    assert line("全县", "本月销号")[0] == 1 and line("全县", "逾期未销号") == (0, None, "2 所学校，共 80 项次")
    assert line("河口乡", "本月销号")[0] == 1 and line("城关镇", "本月销号")[0] == 0


def test_a_sign_off_dated_after_today_is_refused_by_the_library(cli):
    from datetime import timedelta

    from jiaoyu_fupin.checks.tasks.board import TaskError, reopen, sign_off
    from jiaoyu_fupin.store.ledger import Ledger

    assert cli("init").exit_code == 0
    tomorrow = date.today() + timedelta(days=1)
    ledger = Ledger(cli.db)
    try:
        with ledger.engine.connect() as conn:
            for act in (lambda: sign_off(conn, 1, tomorrow, "文件"), lambda: reopen(conn, 1, tomorrow, "未完成")):
                with pytest.raises(TaskError) as refused:
                    act()
                assert refused.value.message == f"日期 {tomorrow.isoformat()} 在今天之后" and refused.value.misuse
    finally:
        ledger.close()


def test_a_board_needs_task_lists(tmp_path):
    from jiaoyu_fupin.checks.tasks.workbook import write_board
    from jiaoyu_fupin.core.problems import ClerkError

    with pytest.raises(ClerkError, match="台账中还没有任务清单"):
        write_board(tmp_path / "挂图.xlsx", [], date(2019, 11, 30))
    assert not (tmp_path / "挂图.xlsx").exists()
