"""Collaboration: the plan's two tables as the plan prints them, its targets, a year of records, and the progress
figures worked out by hand."""

from __future__ import annotations

import json

import openpyxl
import pytest

from helpers.files import SCHOOL_HEADER, write_xlsx

SHADOW = [["序号", "对 象", "时 间", "人 数", "责 任 股 室"],
          [1, "幼儿园园长", "3 月", 25, "人事股、教育股"], [2, "学校管理干部", "4 月", 25, "人事股"],
          [3, "教研员、数学教师", "5 月", 30, "人事股、教研室"], [4, "后勤、基建干部", "10 月", 20, "人事股、项目办、后勤办"],
          [5, "教研员、英语教师", "11 月", 30, "人事股、教研室"], [6, "信息技术、心理健康教师", "12 月", 20, "人事股、教育股、电教站"]]
EXPERTS = [["项目名称", "责任股室", "滨江来建始专家", "时 间", "人 数", "备 注"],
           ["学前教育培训", "教育股、人事股、教研室", "幼儿园骨干教师", "5 月", "3-5", "建始县确定 30 名幼儿园教师参训"],
           ["初中英语学科培训", "人事股、教研室", "初中英语骨干教师", "6 月下旬或 7 月上旬", "3-5", "建始县确定 30 名初中英语教师参训"],
           ["初中数学学科培训", "人事股、教研室", "初中数学骨干教师", "6 月下旬或 7 月上旬", "3-5", "建始县确定 30 名初中数学教师参训"],
           ["小学音乐学科培训", "人事股、教研室", "小学音乐骨干教师", "8 月下旬", "3-5", "建始县确定 30 名小学音乐教师参训"],
           ["小学美术学科培训", "人事股、教研室", "小学美术骨干教师", "8 月下旬", "3-5", "建始县确定 30 名小学美术教师参训"]]
RECORD_HEADER = ["日期", "类型", "协作类别", "协作方", "受援学校", "人数", "人次", "金额（元）", "金额（万元）", "资金来源",
                 "计划项目", "备注"]
RECORDS = [
    ["2019-03-20", "跟岗培训", None, "滨江区教育局", None, 25, None, None, None, None, None, None],
    ["2019-04-22", "跟岗", None, "滨江区教育局", None, 24, None, None, None, None, None, None],
    ["2019-05-16", "专家培训", None, "滨江区教育局", None, 4, 30, None, None, None, "学前教育培训", None],
    ["2019-07-02", "专家培训", None, "滨江区教育局", None, 5, 32, None, None, None, "初中英语学科培训", None],
    # 6 月下旬或 7 月上旬: English or maths? Without 计划项目 the record stays unlinked, and maths is overdue.
    ["2019-07-03", "专家讲学", None, "滨江区教育局", None, 3, 28, None, None, None, None, None],
    ["2019-09-01", "支教", None, "滨江区江南小学", "城关中学", 3, None, None, None, None, None, "骨干教师"],
    ["2019-09-01", "支教", None, "滨江区江北小学", "河口中学", 2, None, None, None, None, None, "骨干教师"],
    ["2019年4月", "挂职", "东西部协作", "滨江区教育局", None, 4, None, None, None, None, None, None],
    ["2019-06-01", "捐资助学", None, "滨江区总工会", None, None, 40, "24,000", None, "社会捐款", None, "春风助学"],
    ["2019-10-10", "捐资助学", None, "滨江区慈善总会", None, None, 30, None, "1.5", "社会捐款", None, "爱心助学"],
    ["2019-08-15", "援建项目", None, "滨江区教育局", "城关中学", None, None, 500000, None, "社会捐款", None, None],
    ["2019-08-15", "捐物", "省内协作", "省财经大学", None, None, None, 20000, None, None, None, "电脑4台"],
    ["2018-12-30", "跟岗培训", None, "滨江区教育局", None, 20, None, None, None, None, None, None],  # another year
]
TARGETS = [["目标项目", "年度目标"], ["滨江教师支教", "100人次"], ["跟岗培训", 150], ["挂职干部", 6], ["结对学校", 28],
           ["资助学生", 100]]


def _plan(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws.append(["2019 年建始县教师到杭州市滨江区学校跟岗培训计划安排表"])
    for row in SHADOW:
        ws.append(row)
    ws = wb.create_sheet("附件2")
    ws.append(["2019 年滨江区专家到建始县学校指导培训计划表"])
    for row in EXPERTS:
        ws.append(row)
    wb.save(path)
    return path


def _build_year(cli, folder):
    files = [
        write_xlsx(folder / "学校名单.xlsx", SCHOOL_HEADER, [["3452000002", "城关中学", "初中", "城关镇", "公办"],
                                                            ["3452000006", "河口中学", "初中", "河口乡", "公办"]]),
        _plan(folder / "东西部协作方案附件.xlsx"),
        write_xlsx(folder / "目标.xlsx", TARGETS[0], TARGETS[1:], above=[["2019年东西部扶贫协作目标"]]),
        write_xlsx(folder / "协作台账.xlsx", RECORD_HEADER, RECORDS),
    ]
    result = cli("import", *files)
    assert result.exit_code == 0, result.output
    assert "扶贫协作计划：6 行" in result.stdout and "扶贫协作计划：5 行" in result.stdout
    assert "扶贫协作记录：13 行" in result.stdout


@pytest.fixture
def year(prebuilt, tmp_path):
    """The ledger above, built once, copied into each test's."""
    prebuilt("collab_year", _build_year)
    return tmp_path


def _progress(cli, *args) -> dict:
    result = cli("collab", "progress", "--year", "2019", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plan_rows_as_the_plan_writes_them(cli, year):
    p = _progress(cli, "--as-of", "2019-09-30")
    plans = {row["project"]: row for row in p["plans"]}
    assert len(plans) == 11
    assert plans["幼儿园园长"]["kind"] == "跟岗培训" and plans["幼儿园园长"]["offices"] == ["人事股", "教育股"]
    assert plans["初中英语学科培训"]["kind"] == "专家培训" and plans["初中英语学科培训"]["planned_people"] == "3-5"
    assert plans["初中英语学科培训"]["period"] == "6 月下旬或 7 月上旬"


def test_progress_figures_by_hand(cli, year):
    p = _progress(cli, "--as-of", "2019-09-30")
    status = {row["project"]: (row["records"], row["people"], row["status"]) for row in p["plans"]}
    assert status["幼儿园园长"] == (1, 25, "已开展")
    assert status["学校管理干部"] == (1, 24, "已开展")
    assert status["教研员、数学教师"] == (0, 0, "逾期未开展")  # May has passed
    assert status["后勤、基建干部"] == (0, 0, "未到期")
    assert status["学前教育培训"] == (1, 4, "已开展")
    assert status["初中英语学科培训"] == (1, 5, "已开展")
    assert status["初中数学学科培训"] == (0, 0, "逾期未开展")  # July has passed; the unlinked class is not its
    assert p["overdue"] == ["教研员、数学教师", "初中数学学科培训", "小学音乐学科培训", "小学美术学科培训"]
    targets = {t["item"]: (t["target"], t["actual"], t["percent"]) for t in p["targets"]}
    # 支教: 3 + 2 teaching, 4 seconded, 4 + 5 + 3 experts = 21 of 100.
    assert targets == {"支教": (100, 21, "21.0"), "跟岗培训": (150, 49, "32.7"), "挂职干部": (6, 4, "66.7"),
                       "结对学校": (28, 2, "7.1"), "资助学生": (100, 40, "40.0")}
    kinds = {(r["scope"], r["kind"]): (r["records"], r["people"], r["person_times"], r["amount"]) for r in p["by_kind"]}
    assert kinds[("东西部协作", "专家培训")] == (3, 12, 90, "0")
    assert kinds[("东西部协作", "捐资助学")] == (1, 0, 40, "24000")  # the 1.5 万元 of 10 October is after the cut
    assert kinds[("东西部协作", "援建项目")] == (1, 0, 0, "500000")
    assert kinds[("省内协作", "捐物")] == (1, 0, 0, "20000")
    offices = {o["office"]: (o["plans"], o["done"], o["overdue"], o["pending"]) for o in p["by_office"]}
    assert offices["人事股"] == (11, 4, 4, 3) and offices["教研室"] == (7, 2, 4, 1) and offices["电教站"] == (1, 0, 0, 1)
    july = p["by_month"][6]
    assert (july["planned"], july["records"], july["people"], july["person_times"]) == (2, 2, 8, 60)
    whole = _progress(cli, "--as-of", "2019-12-31")
    assert {(r["scope"], r["kind"]): (r["records"], r["person_times"], r["amount"]) for r in whole["by_kind"]}[
        ("东西部协作", "捐资助学")] == (2, 70, "39000")  # 24,000 元 and 1.5 万元
    assert {t["item"]: t["percent"] for t in whole["targets"]}["资助学生"] == "70.0"
    assert len(whole["overdue"]) == 6  # the October and November batches too; December ends on the cut itself
    # A record after the cut does not count yet: as of 31 May, the donation of 1 June is not there.
    early = _progress(cli, "--as-of", "2019-05-31")
    assert {t["item"]: t["actual"] for t in early["targets"]}["资助学生"] == 0


def test_progress_workbook_marks_overdue_rows(cli, year, tmp_path):
    out = tmp_path / "扶贫协作_2019.xlsx"
    result = cli("collab", "progress", "--year", "2019", "--as-of", "2019-09-30", "--out", out)
    assert result.exit_code == 0, result.output
    assert "逾期未开展的计划项目：教研员、数学教师（5 月）" in result.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["年度目标", "计划执行", "按类型", "按股室", "按月份"]
    ws = wb["计划执行"]
    rows = {ws.cell(r, 2).value: r for r in range(5, 16)}
    assert ws.cell(rows["初中数学学科培训"], 9).value == "逾期未开展"
    assert ws.cell(rows["初中数学学科培训"], 1).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(rows["幼儿园园长"], 1).fill.fgColor.rgb == "00000000"


def test_reimport_changes_nothing(cli, year):
    again = cli("import", year / "协作台账.xlsx", year / "东西部协作方案附件.xlsx")
    assert again.exit_code == 0 and "新增 0" in again.stdout
    assert cli.counts()["collab_records"] == 13 and cli.counts()["collab_plans"] == 11


def test_a_plan_without_a_year_is_refused_with_the_way_out(cli, tmp_path):
    path = write_xlsx(tmp_path / "plan.xlsx", SHADOW[0], SHADOW[1:3])
    result = cli("import", path)
    assert result.exit_code == 1 and "无法确定计划属于哪一年" in result.output


def test_bad_cells_are_named(cli, tmp_path):
    plan = write_xlsx(tmp_path / "计划2019.xlsx", ["对象", "时间", "人数", "责任股室"],
                      [["中小学校长", "秋天", "若干", "人事股"]])
    result = cli("import", plan)
    assert result.exit_code == 1
    assert "时间“秋天”看不出是几月" in result.output and "人数“若干”无法识别" in result.output
    records = write_xlsx(tmp_path / "记录.xlsx", ["日期", "类型", "协作方", "人数"],
                         [["2019-13-01", "参观", "滨江区", "三人"]])
    result = cli("import", records)
    assert result.exit_code == 1
    assert "日期“2019-13-01”无法识别" in result.output and "类型“参观”无法识别" in result.output
    assert "人数“三人”不是非负整数" in result.output


def test_no_plan_and_no_record_is_said_so(cli):
    cli("init")
    result = cli("collab", "progress", "--year", "2019")
    assert result.exit_code == 2 and "没有 2019 年的扶贫协作计划或记录" in result.stderr


def test_plans_in_shapes_not_seen_before(cli, tmp_path):
    """One sheet for both kinds told apart by a 类别 column, an extra column, empty cells, 全年 and 5-6月, a GBK CSV."""
    plan = write_xlsx(tmp_path / "协作计划.xlsx", ["序号", "培训对象", "类别", "培训地点", "计划时间", "计划人数", "责任单位", "年度"], [
        [1, "中小学校长", "跟岗培训", "滨江区", "5-6月", "20人", "人事股,教育股", "2019"],
        [2, "音乐送培", "专家培训", None, "全年", None, "教研室", "2019"],
        [3, "班主任", None, None, "十一月", "约30人", None, "2019"],
    ])
    result = cli("import", plan)
    assert result.exit_code == 0, result.output
    assert "培训地点" in result.stdout  # named once as a column left alone
    csv = tmp_path / "2019年跟岗计划.csv"
    csv.write_bytes("对象,时间,人数,责任股室\n后勤干部,10 月,15,后勤办\n".encode("gbk"))
    assert cli("import", csv).exit_code == 0
    p = _progress(cli, "--as-of", "2019-12-31")
    plans = {row["project"]: row for row in p["plans"]}
    assert (plans["中小学校长"]["kind"], plans["中小学校长"]["planned_people"], plans["中小学校长"]["offices"]) == (
        "跟岗培训", "20", ["人事股", "教育股"])
    assert plans["音乐送培"]["kind"] == "专家培训" and plans["音乐送培"]["status"] == "未到期"  # 全年: due on 31 Dec
    assert plans["班主任"]["status"] == "逾期未开展" and plans["班主任"]["offices"] == []
    assert plans["后勤干部"]["status"] == "逾期未开展"
    assert {o["office"] for o in p["by_office"]} == {"人事股", "教育股", "教研室", "后勤办", "（未写责任股室）"}


def test_two_plan_tables_on_one_sheet_are_refused_at_the_second_header(cli, tmp_path):
    path = write_xlsx(tmp_path / "2019计划.xlsx", SHADOW[0], [*SHADOW[1:3], [None] * 5, *EXPERTS])
    result = cli("import", path)
    assert result.exit_code == 1
    assert "第 1 行和第 5 行都像是计划表的表头" in result.output and "两张表放在了同一个工作表里" in result.output
    assert cli.counts()["collab_plans"] == 0
    # The same with the shorter table below: its header is met as a data row.
    below = write_xlsx(tmp_path / "2019计划b.xlsx", EXPERTS[0], [*EXPERTS[1:3], SHADOW[0], *SHADOW[1:3]])
    result = cli("import", below)
    assert result.exit_code == 1 and "第 4 行" in result.output and "两张表放在了同一个工作表里" in result.output


def test_a_school_not_on_the_list_is_recorded_as_written_and_said_so(cli, tmp_path):
    path = write_xlsx(tmp_path / "记录.xlsx", ["日期", "类型", "协作方", "受援学校", "金额（万元）"],
                      [["2019-05-01", "援建", "滨江区教育局", "望坪希望小学", "35"]])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "1 所受援学校不在台账的学校名单中，按所写名称记录：望坪希望小学" in result.stdout
    kinds = {r["kind"]: r for r in _progress(cli, "--as-of", "2019-12-31")["by_kind"]}
    assert (kinds["援建项目"]["amount"], kinds["援建项目"]["schools"]) == ("350000", 1)
