"""Every workbook the sample county gets, read as the clerk who prints, adds up and signs it would: each total row
is the sum of its rows, the counts two reports share agree, each sheet's page set-up follows the print rules,
and the reports sent upward end with the unit's sign-off lines."""

from __future__ import annotations

import re
import sqlite3
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from helpers.files import write_xlsx
from helpers.ledger import Cli
from helpers.sample_ledger import copy_ledger
from jiaoyu_fupin.xlsx import pages

FAR = "2099-12-31"
TOTALS = ("合计", "全县合计", "总计")
_ROWS = re.compile(r"\$?(\d+):\$?(\d+)")


@pytest.fixture(scope="module")
def books(tmp_path_factory, sample_build) -> Path:
    """The sample county imported, then every workbook written the way `make demo` writes them."""
    folder = tmp_path_factory.mktemp("print")
    cli = Cli(copy_ledger(sample_build.sqlite(), folder / "county.db"))
    out = folder / "out"
    out.mkdir()
    assert cli("config", "set", "unit", "样例县教育局").exit_code == 0
    conn = sqlite3.connect(folder / "county.db")
    school = conn.execute("SELECT s.name FROM helpers h JOIN schools s ON s.id = h.school_id JOIN pairings p"
                          " ON p.helper_id = h.id GROUP BY s.id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    conn.close()
    runs = [
        (("subsidy", "check", "--term", "2019秋", "--out", out / "资助核对_2019秋.xlsx"), (1,)),
        (("subsidy", "check", "--term", "2019春", "--out", out / "资助核对_2019春.xlsx"), (0,)),
        (("subsidy", "notice", "--term", "2019秋", "--out", out / "资助公示_2019秋.xlsx"), (0,)),
        (("pair", "check", "--term", "2019秋", "--as-of", "2019-12-31", "--out", out / "结对帮扶检查.xlsx"), (1,)),
        (("pair", "handbook", "--school", school, "--term", "2019秋", "--as-of", "2019-12-31",
          "--out", out / "结对帮扶手册.xlsx"), (0,)),
        (("rates", "--year", "2019", "--by", "township", "--out", out / "四项指标_2019.xlsx"), (0,)),
        (("report", "monthly", "--month", "2019-11", "--as-of", FAR, "--out", out, "-q"), (0,)),
        (("report", "summary", "--year", "2019", "--as-of", FAR, "--out", out / "总结_2019.xlsx", "-q"), (0,)),
        (("template", "roll", "--out", out / "学籍导入模板.xlsx"), (0,)),
    ]
    for args, codes in runs:
        result = cli(*args)
        assert result.exit_code in codes, (args, result.output)
    return out


_OPENED: dict[Path, dict[str, openpyxl.Workbook]] = {}


def _workbooks(folder: Path) -> dict[str, openpyxl.Workbook]:
    """Every workbook in the folder, opened once for the module: the tests only read them."""
    if folder not in _OPENED:
        _OPENED[folder] = {p.stem: openpyxl.load_workbook(p) for p in sorted(folder.glob("*.xlsx"))}
    return _OPENED[folder]


def _header_row(ws) -> int:
    return int(_ROWS.search(ws.print_title_rows).group(2))


def _totals(ws):
    """(headers, rows summed, total row) for every total row of the sheet's table. A total labelled in the second
    column (a monthly sheet's 本月资助发放 / 合计) sums the rows of its own group (same first column)."""
    header = _header_row(ws)
    heads = [c.value for c in ws[header]]
    since = []
    for row in ws.iter_rows(min_row=header + 1, values_only=True):
        if all(v is None for v in row):
            break  # the table ends; a chart's place or the sign-off lines follow
        if row[0] in TOTALS:
            yield heads, since, row
            since = []
        elif len(row) > 1 and row[1] in TOTALS:
            yield heads, [r for r in since if r[0] == row[0]], row
            since = [r for r in since if r[0] != row[0]]
        else:
            since.append(row)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_every_total_row_is_the_sum_of_the_rows_above_it(books):
    checked, wrong = 0, []
    for name, wb in _workbooks(books).items():
        for ws in wb.worksheets:
            for heads, rows, total in _totals(ws):
                for j, value in enumerate(total):
                    head = str(heads[j] or "")
                    if not _number(value) or "率" in head or "%" in head:  # a rate is not a sum
                        continue
                    added = sum((Decimal(str(r[j])) for r in rows if _number(r[j])), Decimal(0))
                    checked += 1
                    if added != Decimal(str(value)):
                        wrong.append(f"{name}/{ws.title} 列“{head}”：各行之和 {added}，合计 {value}")
    assert wrong == []
    assert checked > 60  # the walk reached the tables: summary, monthly sheets, subsidy check, six-ones …


def _values(ws) -> dict[str, list]:
    """First column → row of the sheet's table (a 项目/数量 sheet read as a dictionary)."""
    return {row[0]: list(row[1:]) for row in ws.iter_rows(min_row=_header_row(ws) + 1, values_only=True) if row[0]}


def test_the_counts_two_reports_share_agree(books):
    books_ = _workbooks(books)
    monthly = {(r[0], r[1]): r[2] for r in books_["月报_2019-11"]["全县"].iter_rows(values_only=True) if r[1]}
    pair = _values(books_["结对帮扶检查"]["汇总"])
    assert monthly[("建档立卡学生", "在籍人数")] == pair["建档立卡在籍学生"][0] > 0
    summary = _values(books_["总结_2019"]["资助按项目"])["合计"]
    checks = [_values(books_[f"资助核对_{t}"]["汇总"])["合计"] for t in ("2019春", "2019秋")]
    # 资助按项目: 春人次, 春万元, 秋人次, 秋万元, 全年人次, 全年万元; 汇总: 应助人次, 应发, 实发笔数, 实发金额（元）…
    # A 人次 is a student's program in a term: the check's rows less the second (third …) row of each duplicate.
    once = [checks[i][2] - _repeat_rows(books_[f"资助核对_{t}"]) for i, t in enumerate(("2019春", "2019秋"))]
    assert [summary[0], summary[2], summary[4]] == [once[0], once[1], once[0] + once[1]]
    for wan, paid in ((summary[1], checks[0][3]), (summary[3], checks[1][3]), (summary[5], checks[0][3] + checks[1][3])):
        assert Decimal(str(wan)) == (Decimal(str(paid)) / 10000).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _repeat_rows(check_book) -> int:
    """Payment rows beyond a student's first for a program, from the check's 重复发放 sheet ("本学期发放2次，…")."""
    if "重复发放" not in check_book.sheetnames:
        return 0
    times = [int(m.group(1)) for row in check_book["重复发放"].iter_rows(values_only=True) for cell in row
             if isinstance(cell, str) and (m := re.match(r"本学期发放(\d+)次", cell))]
    return sum(n - 1 for n in times)


def test_every_sheet_prints_by_the_rules(books):
    found = {f"{name}/{ws.title}": pages.problems(ws) for name, wb in _workbooks(books).items() for ws in wb.worksheets}
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) > 30


def test_a_sheet_breaking_a_rule_is_named():
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(1, 30):
        ws.cell(1, i, "很长的列名" * 4)
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 30
    problems = pages.problems(ws)
    assert any("低于 60%" in p for p in problems) and any("页脚" in p for p in problems)
    assert any("纸张不是 A4" in p for p in problems) and any("重复的标题行" in p for p in problems)


def test_the_summary_chart_sits_inside_the_print_area_on_one_page(books):
    ws = openpyxl.load_workbook(books / "总结_2019.xlsx")["建档立卡学生"]
    (chart,) = ws._charts
    top = chart.anchor._from.row + 1
    last = int(re.search(r"(\d+)$", ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area).group(1))
    assert top + chart.height * 72 / 2.54 / pages.ROW_PT <= last
    assert chart.width * 72 / 2.54 <= sum(pages.column_points(w) for w in pages.sheet_widths(ws))


def test_reports_sent_upward_end_with_the_sign_off_lines(books):
    signed = 0
    for name in ("总结_2019", "月报_2019-11", "四项指标_2019"):
        for ws in openpyxl.load_workbook(books / f"{name}.xlsx").worksheets:
            lines = [c.value for c in ws["A"] if isinstance(c.value, str) and re.search("填报单位|填报人|审核人|联系电话|填报日期", c.value)]
            if ws.title in ("目录", "数据来源"):
                assert lines == [], ws.title
                continue
            text = "　".join(lines)
            assert "填报单位（盖章）：样例县教育局" in text and re.search(r"填报日期：\d{4}年\d{1,2}月\d{1,2}日", text)
            assert "填报人：" in text and "审核人：" in text and "联系电话：" in text
            last = int(re.search(r"(\d+)$", str(ws.print_area)).group(1))
            assert max(c.row for c in ws["A"] if c.value in lines) <= last  # printed, not past the print area
            signed += 1
    assert signed > 10


def test_config_sets_what_the_reports_sign_with(cli):
    assert cli("init").exit_code == 0
    result = cli("config", "set", "填报人", " 张三 ")
    assert result.exit_code == 0 and result.stdout.strip() == "已设置填报人：张三"
    assert cli("config", "set", "unit", "建始县教育局").exit_code == 0
    shown = cli("config", "show").stdout
    assert "填报单位（unit）：建始县教育局" in shown and "填报人（preparer）：张三" in shown
    assert "审核人（reviewer）：（未设置，报表上留空）" in shown
    assert cli("config", "unset", "preparer").stdout.strip() == "已清除填报人"
    assert "填报人（preparer）：（未设置" in cli("config", "show").stdout
    bad = cli("config", "set", "单位名称", "x")
    assert bad.exit_code == 2 and "没有“单位名称”这项设置" in bad.stderr and "unit（填报单位）" in bad.stderr
    assert cli("config", "set", "unit", "  ").exit_code == 2


def test_the_policy_file_gives_the_unit_unless_the_ledger_has_one(cli, tmp_path):
    policy = tmp_path / "县标准.toml"
    policy.write_text('extends = "default"\n[report]\nunit = "建始县教育局"\nphone = "0718-3321234"\n',
                      encoding="utf-8")
    assert cli("init").exit_code == 0
    assert cli("config", "set", "phone", "0718-0000000").exit_code == 0
    result = cli("--policy", policy, "config", "show")
    assert result.exit_code == 0, result.output
    assert "填报单位（unit）：建始县教育局" in result.stdout and "联系电话（phone）：0718-0000000" in result.stdout
    assert "记下填报单位" in result.stderr
    policy.write_text('extends = "default"\n[report]\nunits = "x"\n', encoding="utf-8")
    bad = cli("--policy", policy, "config", "show")
    assert bad.exit_code == 2 and "不认识的项 units" in bad.stderr


def test_teachers_count_every_school_type_and_leaders_by_their_title(cli, tmp_path):
    """A county's own files: 完全小学 and 九年一贯制学校 as types, 副校长 and 教导主任 as titles."""
    from jiaoyu_fupin.reports.summary_basic import teachers_table
    from jiaoyu_fupin.store.ledger import Ledger

    schools = write_xlsx(tmp_path / "学校名单.xlsx", ["学校标识码", "学校名称", "学校类型", "所在乡镇", "办别"],
                         [["3452000001", "城关完全小学", "完全小学", "城关镇", "公办"],
                          ["3452000002", "河口九年一贯制学校", "九年一贯制学校", "河口乡", "公办"]])
    helpers = write_xlsx(tmp_path / "帮扶责任人.xlsx", ["姓名", "教职工号", "工作单位", "职务"],
                         [["甲", "T1", "城关完全小学", "副校长"], ["乙", "T2", "城关完全小学", "教导主任"],
                          ["丙", "T3", "城关完全小学", "班主任"], ["丁", "T4", "城关完全小学", "教师"],
                          ["戊", "T5", "河口九年一贯制学校", "校长"], ["己", "T6", "河口九年一贯制学校", "数学教师"]])
    assert cli("import", schools, helpers).exit_code == 0
    ledger = Ledger(cli.db)
    with ledger.engine.connect() as conn:
        table = teachers_table(conn, {})
    ledger.close()
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["小学"] == [4, 2, 1, 1]
    assert rows["九年一贯制学校"] == [2, 1, 0, 1]
    assert rows["合计"] == [6, 3, 1, 2]
