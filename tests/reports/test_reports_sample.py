"""The sample county end to end: its files imported, then the monthly report and the year-end summary, compared
cell by cell with golden files, with the counts the sample was shaped on, and the charts opened."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from helpers.golden import assert_matches_golden, sheet_values

FAR = "2099-12-31"  # a fixed cut after every import: the cells do not depend on when the test runs


def _stable(path) -> dict[str, list[list]]:
    """Every sheet's cells, the as-of sheet without what differs from run to run (import and print times, path)."""
    wb = openpyxl.load_workbook(path)
    sheets = {ws.title: sheet_values(ws) for ws in wb.worksheets}
    source = []
    for row in sheets.pop("数据来源"):
        if row and isinstance(row[0], str) and row[0].startswith(("台账：", "生成时间：")):
            continue
        source.append([*row[:5], *row[7:]] if row and isinstance(row[0], int) else row)  # no data or import time
    sheets["数据来源"] = source
    # The sign-off lines carry the day the workbook is made.
    for rows in sheets.values():
        for row in rows:
            for i, value in enumerate(row):
                if isinstance(value, str) and "填报日期：" in value:
                    row[i] = re.sub(r"填报日期：\d{4}年\d{1,2}月\d{1,2}日", "填报日期：（生成之日）", value)
    return sheets


def _body(rows: list[list], first: str) -> list[list]:
    header = next(i for i, r in enumerate(rows) if r and r[0] == first)
    body = rows[header + 1:]
    return body[:next((i for i, r in enumerate(body) if not r), len(body))]  # up to the chart or sign-off lines


def test_summary_shows_the_counts_the_sample_was_shaped_on(cli, sample_ledger, sample_county, tmp_path):
    result = cli("report", "summary", "--year", "2019", "--as-of", FAR, "--narrative", tmp_path / "总结.md")
    assert result.exit_code == 0, result.output
    sheets = _stable(tmp_path / "总结_2019.xlsx")
    counts = sample_county.note["counts"]
    assert _body(sheets["学校"], "类型")[-1] == ["合计", counts["schools"]]
    students = {r[0]: r[1] for r in _body(sheets["学生"], "学段")}
    for stage in ("学前", "小学", "初中", "普通高中", "中职", "特殊教育"):
        assert students.get(stage, 0) == counts[f"students_2019秋_{stage}"], stage
    assert students["合计"] == counts["students_2019秋"]
    poor = _body(sheets["建档立卡学生"], "学段")[-1]
    assert poor[1:4] == [counts["poor_in_county"], counts["poor_in_county"] - counts["poor_in_county_other_county"],
                         counts["poor_in_county_other_county"]]
    assert poor[4:6] == [counts["poor_away_in_prefecture"], counts["poor_away_outside_prefecture"]]
    teachers = _body(sheets["教师"], "学校类型")[-1]
    assert teachers[:2] == ["合计", counts["teachers"]]
    assert_matches_golden("report_summary_2019", sheets)


def test_monthly_report_golden(cli, sample_ledger, tmp_path):
    result = cli("report", "monthly", "--month", "2019-11", "--as-of", FAR, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert_matches_golden("report_monthly_2019-11", _stable(tmp_path / "月报_2019-11.xlsx"))


def test_summary_charts_draw_the_tables_they_sit_under(cli, sample_ledger, tmp_path):
    path = tmp_path / "总结.xlsx"
    assert cli("report", "summary", "--year", "2019", "--as-of", FAR, "--out", path, "-q").exit_code == 0
    wb = openpyxl.load_workbook(path)
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = {n: z.read(n).decode("utf-8") for n in charts}
    titles = {}
    for text in xml.values():
        title = re.search(r"<a:t>([^<]*)</a:t>", text)[1]  # the chart's own title comes first, the axis title after
        names = re.findall(r"<f>'?([^'!<]+)'?!\$?([A-Z]+)\$?(\d+)</f>", text)  # each series' name: its header cell
        ranges = re.findall(r"<f>'?([^'!<]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)</f>", text)
        titles[title] = (names, ranges)
    assert set(titles) == {"建档立卡学生（按学段、就读地）", "全年资助金额（万元，按项目）", "主要指标与目标（%）"}
    series = {}
    for title, (names, ranges) in titles.items():
        assert {r[0] for r in names + ranges} == {{"建档立卡学生（按学段、就读地）": "建档立卡学生",
                                                   "全年资助金额（万元，按项目）": "资助按项目",
                                                   "主要指标与目标（%）": "控辍保学指标"}[title]}
        ws = wb[ranges[0][0]]
        series[title] = [ws[f"{col}{row}"].value for _, col, row in names]
        for _, col, first, _, last in ranges:
            cells = [ws[f"{col}{row}"].value for row in range(int(first), int(last) + 1)]
            if col == "A":  # the categories: the table's rows, its 合计 row left out
                assert "合计" not in cells and all(isinstance(c, str) for c in cells), title
            else:  # a series: numbers (a rate that cannot be computed stays empty)
                assert all(c is None or isinstance(c, int | float) for c in cells), title
    assert series == {"建档立卡学生（按学段、就读地）": ["在本县就读", "县外州内就读", "州外就读"],
                      "全年资助金额（万元，按项目）": ["全年金额（万元）"],
                      "主要指标与目标（%）": ["数值（%）", "目标（%）"]}
    rates = titles["主要指标与目标（%）"][1]
    assert rates[0][4] == str(int(rates[0][2]) + 5)  # all six indicators


def test_narrative_quotes_the_workbook(cli, sample_ledger, tmp_path):
    md = tmp_path / "总结.md"
    assert cli("report", "summary", "--year", "2019", "--as-of", FAR, "--out", tmp_path / "s.xlsx", "--narrative", md,
               "-q").exit_code == 0
    text = md.read_text(encoding="utf-8")
    sheets = _stable(tmp_path / "s.xlsx")
    students = _body(sheets["学生"], "学段")[-1][1]
    aid = _body(sheets["资助按项目"], "资助项目")[-1]
    assert f"现有{students}名在校学生" in text
    # The sample plants a payment to a 名册外人员 and one to a student with no hardship category: said apart.
    assert f"发放学生资助资金{aid[6]:.4f}万元，共{aid[5]}人次（" in text and "其中贫困家庭学生" in text
    assert "{" not in text and "数据截至 2099-12-31 23:59" in text


def _rows_behind(wb, sheet: str, condition: str, _read: dict | None = None) -> list[tuple]:
    """The rows of a details sheet that the index's condition (列＝值；列＝值) selects. `_read` keeps each sheet's
    rows once read: a read-only workbook re-parses the sheet's XML on every pass, for every one of the figures."""
    if _read is None:
        _read = {}
    if sheet not in _read:
        _read[sheet] = list(wb[sheet].iter_rows(values_only=True))
    rows = _read[sheet]
    header = rows[1]
    where = [] if condition == "（全部）" else [part.split("＝", 1) for part in condition.split("；")]
    picks = [(header.index(column), value) for column, value in where]
    return [r for r in rows[2:] if all(str(r[i]) == value for i, value in picks)]


@pytest.mark.parametrize("report", ["summary", "monthly"])
def test_every_figure_has_the_list_behind_it(cli, sample_ledger, tmp_path, report):
    args = (["summary", "--year", "2019", "--out", tmp_path / "总结.xlsx"] if report == "summary" else
            ["monthly", "--month", "2019-11", "--out", tmp_path])
    result = cli("report", *args, "--as-of", FAR, "--details", tmp_path, "-q")
    assert result.exit_code == 0, result.output
    path = tmp_path / ("明细_总结_2019.xlsx" if report == "summary" else "明细_月报_2019-11.xlsx")
    assert path.stat().st_mode & 0o777 == 0o600  # it lists children by name
    wb = openpyxl.load_workbook(path, read_only=True)
    index = list(wb["索引"].iter_rows(values_only=True))
    header = index.index(("报表工作表", "行", "列", "报表中的数", "明细工作表", "筛选条件", "明细条数", "按明细计算",
                          "计算方式", "一致"))
    figures = index[header + 1:]
    assert len(figures) > 100
    assert all(f[9] == "是" for f in figures), [f for f in figures if f[9] != "是"][:5]
    report_book = openpyxl.load_workbook(tmp_path / ("总结.xlsx" if report == "summary" else "月报_2019-11.xlsx"))
    read: dict[str, list[tuple]] = {}
    for sheet, _, _, value, listing, condition, count, _worked, how, _ in figures:
        behind = _rows_behind(wb, listing, condition, read)
        assert len(behind) == count  # the list is as long as the index says
        if how == "条数":
            assert value == count or (value is None and count == 0)  # a count is its list's length
        assert sheet in report_book.sheetnames
    ids = re.compile(r"\d{17}[\dX]")
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and ids.search(v) for v in row)  # masked IDs only


def test_collaboration_section_comes_out_as_the_county_reported_it(cli, sample_ledger, tmp_path):
    md = tmp_path / "总结.md"
    assert cli("report", "summary", "--year", "2019", "--as-of", FAR, "--out", tmp_path / "s.xlsx", "--narrative", md,
               "-q").exit_code == 0
    text = md.read_text(encoding="utf-8")
    assert ("杭州市滨江区投入建设资金527万元（社会力量捐款307万元），工程项目14个，惠及学校11所；社会力量捐助贫困学生6.75万元，"
            "惠及110人次；派了10名骨干教师到样例县挂职支教；派专家35人到样例县，开办了5期7个培训班，培训教师500余名；"
            "县教育局选派专业技术人员赴滨江区跟岗培训6期共160人。") in text
    assert "省财经大学为" in text and "向样例县教育局捐赠电脑45台、投影机5台，价值20万元" in text
    rows = {r[0]: r[1:] for r in _body(_stable(tmp_path / "s.xlsx")["扶贫协作"], "项目")}
    assert rows["赴东部跟岗培训（人）"][:2] == [160, "150人（完成 106.7%）"]
    assert rows["援建项目（个）"][0] == 14 and rows["捐助惠及学生（人次）"][:2] == [110, "100人次（完成 110.0%）"]


def test_monthly_report_counts_collaboration_and_tasks(cli, sample_ledger, tmp_path):
    assert cli("report", "monthly", "--month", "2019-11", "--as-of", FAR, "--out", tmp_path, "-q").exit_code == 0
    rows = _stable(tmp_path / "月报_2019-11.xlsx")["全县"]
    lines = {(r[0], r[1]): r[2:4] for r in rows if r and r[0] in ("扶贫协作", "任务清单")}
    assert lines[("扶贫协作", "本月跟岗培训")] == [1, None]
    assert lines[("扶贫协作", "本月捐资助学")] == [2, 33800]
    assert lines[("任务清单", "本月到期")][0] == 0 and lines[("任务清单", "逾期未销号")][0] == 1
