"""The plan's 时间 cell read as the months it spans (README: 取所跨的月份), however the clerk spaces it."""

from __future__ import annotations

import json

import pytest

from helpers.files import write_xlsx
from jiaoyu_fupin.importers.collab_parse import months


@pytest.mark.parametrize(("text", "span"), [
    ("5-6 月", (5, 6)), ("5-6月", (5, 6)), ("5 - 6 月", (5, 6)), ("5月-6月", (5, 6)), ("2019年5-6 月", (5, 6)),
    ("6 月下旬或 7 月上旬", (6, 7)), ("3 月", (3, 3)), ("10-15", (10, 10)), ("10-15 上午", (10, 10)),
])
def test_months_a_plan_spans(text, span):
    assert months(text) == span


def test_a_plan_spanning_months_counts_in_each_month(cli, tmp_path):
    plan = write_xlsx(tmp_path / "协作计划.xlsx", ["序号", "对象", "类别", "时间", "人数", "责任股室", "年度"], [
        [1, "中小学校长", "跟岗培训", "5-6 月", 20, "人事股", "2019"],
        [2, "初中英语学科培训", "专家培训", "6 月下旬或 7 月上旬", "3-5", "教研室", "2019"]])
    assert cli("import", plan).exit_code == 0
    result = cli("collab", "progress", "--year", "2019", "--as-of", "2019-12-31", "--json")
    assert result.exit_code == 0, result.output
    planned = {row["month"]: row["planned"] for row in json.loads(result.stdout)["by_month"]}
    assert (planned[4], planned[5], planned[6], planned[7], planned[8]) == (0, 1, 2, 1, 0)
