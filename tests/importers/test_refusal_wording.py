"""Refusals say what is really wrong: a formula never computed, the sheet by its name, a correction only tried,
a year the targets file does not give."""

from __future__ import annotations

from helpers.files import ROLL_HEADER, roll_rows, write_xlsx


def test_a_formula_without_a_computed_value_is_named_as_a_formula(cli, schools, tmp_path):
    rows = roll_rows()
    rows[1][0] = '=HYPERLINK("http://xj.example/1","李小红")'  # saved by a program: no value computed
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows)
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "公式" in x and "第 3 行" in x)
    assert "“姓名”列（A 列）" in line and "公式没有计算结果" in line and "HYPERLINK" in line, line
    assert "“姓名”为空" not in result.output
    assert "选择性粘贴→数值" in result.output and "公式没有计算结果 1 个" in result.output


def test_a_task_written_as_a_formula_is_named_as_a_formula(cli, tmp_path):
    path = write_xlsx(tmp_path / "清单.xlsx", ["一级指标", "工作任务", "牵头股室", "完成时限"], [
        ["组织领导", "成立领导小组", "局扶贫办", "2019-03-31"],
        ["控辍保学", "=开展家访", "教育股", "2019-10-31"],
    ])
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "第 3 行" in result.output and "“工作任务”是公式（=开展家访），公式没有计算结果" in result.output
    assert "“工作任务”为空" not in result.output


def test_an_empty_cell_is_still_called_empty(cli, schools, tmp_path):
    rows = roll_rows()
    rows[1][0] = None
    result = cli("import", write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows), "--term", "2019秋")
    assert result.exit_code == 1 and "“姓名”为空" in result.output and "公式" not in result.output


def test_a_targets_file_without_a_year_says_so_in_its_own_words(cli, tmp_path):
    path = write_xlsx(tmp_path / "目标.xlsx", ["目标项目", "年度目标"], [["跟岗培训", 150], ["挂职干部", 6]])
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "问题分类：无法确定年份 1 个" in result.output, result.output
    assert "必填项为空" not in result.output and "计划" not in result.output
    assert "无法确定年度目标属于哪一年" in result.output
    assert "如“2019年扶贫协作年度目标”" in result.output


def test_a_plan_without_a_year_still_says_plan(cli, tmp_path):
    path = write_xlsx(tmp_path / "plan.xlsx", ["序号", "对象", "时间", "人数", "责任股室"], [[1, "幼儿园园长", "3 月", 25, "人事股"]])
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "无法确定计划属于哪一年" in result.output and "如“2019年扶贫协作计划”" in result.output
