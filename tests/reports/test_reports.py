"""fupin report monthly / summary on a ledger small enough to work every figure out by hand; the command line as
cron meets it: file names, exit codes, stderr, nothing half-written."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from helpers.files import SCHOOL_HEADER, make_id, write_xlsx
from helpers.golden import sheet_values

ROLL = ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态", "家庭经济困难类别", "学期"]
PAY = ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]
NONBOARD, BOARD = "义务教育非寄宿生生活补助", "义务教育寄宿生生活补助"
IDS = {key: make_id(date(2007, 1, 1 + i), 10 + i) for i, key in enumerate("ABCDE")}


def _build_paid_ledger(cli, folder):
    """Two townships; three registered poor students (A, B, D) and one on subsistence allowance (C).

    Paid in November 2019: A 312.5, B 500, D 625 (1,437.5 元); C 312.5 in October; E 312.5 in spring (no spring
    roll, so E's stage is unknown). Every payment is right for 2019秋, so the coverage check finds nothing.
    """
    files = [
        write_xlsx(folder / "学校名单.xlsx", SCHOOL_HEADER, [
            ["3452000001", "城关第一小学", "小学", "城关镇", "公办"],
            ["3452000002", "城关中学", "初中", "城关镇", "公办"],
            ["3452000006", "河口中学", "初中", "河口乡", "公办"],
            ["3452000007", "河口幼儿园", "幼儿园", "河口乡", "民办"],
        ]),
        write_xlsx(folder / "学籍.xlsx", ROLL, [
            ["甲", IDS["A"], "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"],
            ["乙", IDS["B"], "城关第一小学", "小学", "二年级", "1班", "住校", "在校", "建档立卡", "2019秋"],
            ["丙", IDS["C"], "河口中学", "初中", "八年级", "1班", "走读", "在校", "低保", "2019秋"],
            ["丁", IDS["D"], "河口中学", "初中", "九年级", "2班", "住校", "在校", "建档立卡", "2019秋"],
        ]),
        write_xlsx(folder / "发放名册.xlsx", PAY, [
            ["城关中学", "甲", IDS["A"], NONBOARD, "312.5", "2019秋", "2019-11-05"],
            ["城关第一小学", "乙", IDS["B"], BOARD, "500", "2019秋", "2019-11-05"],
            ["河口中学", "丙", IDS["C"], NONBOARD, "312.5", "2019秋", "2019-10-20"],
            ["河口中学", "丁", IDS["D"], BOARD, "625", "2019秋", "2019-11-30"],
            ["河口中学", "戊", IDS["E"], NONBOARD, "312.5", "2019春", "2019-05-06"],
        ]),
    ]
    result = cli("import", *files)
    assert result.exit_code == 0, result.output


@pytest.fixture
def paid_ledger(prebuilt, cli):
    """The ledger above, built once, copied into each test's."""
    prebuilt("reports_paid", _build_paid_ledger)
    return cli


def _sheets(path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: sheet_values(ws) for ws in wb.worksheets}


def _until_blank(rows: list[list]) -> list[list]:
    """A table's rows: up to the blank row before what follows it (a chart's place, the sign-off lines)."""
    return rows[:next((i for i, r in enumerate(rows) if not r), len(rows))]


def _body(rows: list[list], first: str) -> list[list]:
    """The rows under a table's header (the row starting with `first`): titles and notes above it vary."""
    header = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return _until_blank(rows[header + 1:])


def _lines(rows: list[list]) -> dict[tuple[str, str], tuple]:
    """A monthly sheet's (类别, 项目) -> (count, amount)."""
    header = rows.index(["类别", "项目", "人数（笔数、件数）", "金额（元）", "说明"])
    return {(r[0], r[1]): (r[2], r[3] if len(r) > 3 else None) for r in _until_blank(rows[header + 1:])}


def test_monthly_county_and_township_sheets(cli, paid_ledger, tmp_path):
    result = cli("report", "monthly", "--month", "2019-11")
    assert result.exit_code == 0, result.output
    path = tmp_path / "月报_2019-11.xlsx"  # the current folder by default
    assert path.exists() and f"已写入 {path.name}" in result.stderr
    sheets = _sheets(path)
    assert list(sheets) == ["全县", "乡镇汇总", "城关镇", "河口乡", "数据来源"]
    whole = _lines(sheets["全县"])
    assert whole[("建档立卡学生", "在籍人数")] == (3, None)
    # The previous month's cut (a month before now) precedes every import: all three are new.
    assert whole[("建档立卡学生", "比上月新增")] == (3, None) and whole[("建档立卡学生", "比上月减少")] == (0, None)
    assert whole[("本月资助发放", NONBOARD)] == (1, 312.5)
    assert whole[("本月资助发放", BOARD)] == (2, 1125)
    assert whole[("本月资助发放", "合计")] == (3, 1437.5)  # C's October payment is not November's
    assert whole[("资助核对问题", "合计")] == (0, None)
    assert whole[("结对帮扶", "未结对")] == (3, None)  # no helper in this ledger
    town = _lines(sheets["城关镇"])
    assert town[("建档立卡学生", "在籍人数")] == (2, None)
    assert town[("本月资助发放", "合计")] == (2, 812.5)
    river = _lines(sheets["河口乡"])
    assert river[("建档立卡学生", "在籍人数")] == (1, None) and river[("本月资助发放", "合计")] == (1, 625)
    townships = _body(sheets["乡镇汇总"], "乡镇")
    assert townships == [["城关镇", 2, 2, 0, 2, 812.5, 0, 0, 0, 0, 2, 0],
                              ["河口乡", 1, 1, 0, 1, 625, 0, 0, 0, 0, 1, 0],
                              ["全县合计", 3, 3, 0, 3, 1437.5, 0, 0, 0, 0, 3, 0]]
    assert "建档立卡学生在籍 3 人（比上月新增 3，减少 0）" in result.stdout


def test_monthly_places_a_payment_to_nobody_on_the_roll_where_subsidy_check_does(cli, paid_ledger, tmp_path):
    """A payment to an ID on no roll, on 河口中学's roster: subsidy check --township 河口乡 counts the finding there,
    and so did the monthly report's 河口中学 sheet, but its 河口乡 sheet counted it only in the county total."""
    stranger = make_id(date(2007, 6, 6), 99)
    extra = write_xlsx(tmp_path / "补发.xlsx", PAY, [["河口中学", "某", stranger, NONBOARD, "312.5", "2019秋", "2019-11-08"]])
    assert cli("import", extra).exit_code == 0
    assert cli("subsidy", "check", "--term", "2019秋", "--township", "河口乡").exit_code == 1
    assert cli("report", "monthly", "--month", "2019-11", "-q").exit_code == 0
    sheets = _sheets(tmp_path / "月报_2019-11.xlsx")
    river = _lines(sheets["河口乡"])
    assert river[("资助核对问题", "名册外人员")] == (1, None) and river[("资助核对问题", "合计")] == (1, None)
    assert river[("本月资助发放", "合计")] == (2, 937.5)  # 丁's 625 and the stranger's 312.5, by the roster's school
    assert _body(sheets["乡镇汇总"], "乡镇")[-1][6] == 1  # 全县合计 of 资助核对问题: counted once, not twice


def test_monthly_for_one_school(cli, paid_ledger, tmp_path):
    out = tmp_path / "各校月报"
    out.mkdir()  # --out names a folder that exists (a missing one is misuse: tests/test_cli.py)
    result = cli("report", "monthly", "--month", "2019年11月", "--school", "河口中学", "--out", out, "--quiet")
    assert result.exit_code == 0 and result.output == ""
    sheets = _sheets(out / "月报_2019-11_河口中学.xlsx")
    assert list(sheets) == ["河口中学", "数据来源"]
    lines = _lines(sheets["河口中学"])
    assert lines[("建档立卡学生", "在籍人数")] == (1, None) and lines[("本月资助发放", "合计")] == (1, 625)
    enrolled = next(r for r in sheets["河口中学"] if r[:2] == ["建档立卡学生", "在籍人数"])
    assert enrolled[4] == "2019秋学籍，本校在籍（转出、毕业除外）"  # not "本校学校在籍"


def test_summary_figures_by_hand(cli, paid_ledger, tmp_path):
    result = cli("report", "summary", "--year", "2019", "--narrative", "总结_2019.md")
    assert result.exit_code == 0, result.output
    sheets = _sheets(tmp_path / "总结_2019.xlsx")
    assert list(sheets) == ["目录", "学校", "教师", "学生", "建档立卡学生", "资助按项目", "资助按学段", "贷款路费免学费",
                            "应助尽助", "控辍保学指标", "辍学案件", "结对帮扶", "六个一", "扶贫协作", "数据来源"]
    schools = {r[0]: r[1:] for r in _body(sheets["学校"], "类型")}
    assert schools["小学"] == [1, "含教学点 0 所"] and schools["初中"] == [2] and schools["幼儿园"] == [1, "含公办 0 所"]
    assert schools["合计"] == [4]
    assert _body(sheets["教师"], "学校类型")[0][0] == "（台账中没有教师）"  # and the sheet says so
    students = {r[0]: r[1:] for r in _body(sheets["学生"], "学段")}
    assert students["初中"] == [3, 3, 0, 0, 0, 0] and students["合计"] == [4, 4, 0, 0, 0, 0]
    # Aid over the year's two terms, in 万元 to four decimals: 312.5 元 = 0.03125 万元, written 0.0313.
    by_program = {r[0]: r[1:] for r in _body(sheets["资助按项目"], "资助项目")}
    assert by_program[NONBOARD] == [1, 0.0313, 2, 0.0625, 3, 0.0938, 3]
    assert by_program[BOARD] == [0, 0, 2, 0.1125, 2, 0.1125, 2]
    assert by_program["合计"] == [1, 0.0313, 4, 0.175, 5, 0.2063]
    by_stage = {(r[0], r[1]): r[2:] for r in _body(sheets["资助按学段"], "资助项目")}
    assert by_stage[(NONBOARD, "（学籍中无此人）")] == [1, 0.0313, 0, 0, 1, 0.0313]  # no 2019春 roll for 戊
    assert by_stage[(NONBOARD, "初中")] == [0, 0, 2, 0.0625, 2, 0.0625]
    wb = openpyxl.load_workbook(tmp_path / "总结_2019.xlsx")
    assert wb["资助按项目"].cell(5, 3).number_format == "#,##0.0000"
    assert wb["资助按项目"].cell(5, 2).number_format == "#,##0"
    coverage = {r[0]: r for r in _body(sheets["应助尽助"], "学期")}
    assert coverage["2019春"][-1] == "台账中没有该学期学籍，无法核对"
    assert coverage["2019秋"][1:11] == [4, 0.175, 4, 0.175, 0, 0, 0, 0, 0, 0]
    rates = {r[0]: r[1:] for r in _body(sheets["控辍保学指标"], "指标")}
    assert rates["学前三年毛入园率"][:6] == [0, None, None, 85, "≥", "无法计算"]  # no household-registry population
    assert rates["义务教育辍学率"][:6] == [0, 4, 0, 0, "≤", "达标"]  # all four in compulsory grades, none dropped
    text = (tmp_path / "总结_2019.md").read_text(encoding="utf-8")
    # 戊 is on no roll (no 2019春 roll imported): paid, but not known to be a 贫困家庭学生.
    assert ("累计发放学生资助资金0.2063万元，共5人次（5人），其中贫困家庭学生4人次（4人），另有1人次（1人）发给"
            "名册外人员或没有家庭经济困难类别的学生（见逐人核对）") in text
    assert "{" not in text and "}" not in text


@pytest.mark.parametrize(("args", "message"), [
    (["monthly", "--month", "2019-13"], "无法识别的月份"),
    (["monthly", "--month", "2019-11", "--as-of", "2019-10-31"], "早于该月的第一天"),
    (["monthly", "--month", "2019-11", "--as-of", "上个月"], "无法识别"),
    (["monthly", "--month", "2019-11", "--school", "城关中"], "相近的有：城关中学"),
    (["summary", "--year", "2019", "--out", "总结.xls"], "须以 .xlsx 结尾"),
    (["summary", "--year", "2019", "--narrative", "总结.doc"], "须以 .docx（Word 文档）或 .md（Markdown）结尾"),
    (["summary", "--year", "1900"], "不在 1990–2100 之间"),
])
def test_misuse_exits_2_and_writes_nothing(cli, paid_ledger, tmp_path, args, message):
    def outputs():
        return {p.name for p in tmp_path.iterdir() if not p.name.startswith("ledger.db")}

    before = outputs()
    result = cli("report", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert outputs() == before


def test_out_must_be_a_folder(cli, paid_ledger, tmp_path):
    (tmp_path / "占用").write_text("x", encoding="utf-8")
    result = cli("report", "monthly", "--month", "2019-11", "--out", tmp_path / "占用")
    assert result.exit_code == 2 and "应是文件夹" in result.stderr


def test_no_roll_for_the_period_is_refused_with_exit_1(cli, paid_ledger, tmp_path):
    result = cli("report", "monthly", "--month", "2020-03")
    assert result.exit_code == 1
    assert "没有 2020春 的学籍名册" in result.stderr and not (tmp_path / "月报_2020-03.xlsx").exists()
    result = cli("report", "summary", "--year", "2018")
    assert result.exit_code == 1 and not (tmp_path / "总结_2018.xlsx").exists()


def test_as_of_needs_a_file_or_a_server_not_memory(tmp_path):
    from typer.testing import CliRunner

    from jiaoyu_fupin.cli.main import app

    result = CliRunner().invoke(app, ["--db", "sqlite://", "report", "monthly", "--month", "2019-11",
                                      "--as-of", "2019-11-20"])
    assert result.exit_code == 2 and "--as-of 需要台账文件或数据库服务器" in result.stderr


def test_a_failed_save_leaves_the_old_file_and_no_partial_one(cli, paid_ledger, tmp_path, monkeypatch):
    from openpyxl.workbook.workbook import Workbook

    assert cli("report", "monthly", "--month", "2019-11", "-q").exit_code == 0
    path = tmp_path / "月报_2019-11.xlsx"
    good = path.read_bytes()

    def broken_save(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK\x03\x04 half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken_save)
    result = cli("report", "monthly", "--month", "2019-11", "-q")
    assert result.exit_code == 2 and "无法写入" in result.stderr
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_summary_counts_a_student_program_term_once_and_says_who_is_not_a_poor_family_student(cli, tmp_path):
    """人次 = 一名学生在一个学期领取一个项目一次: a 补发 and a duplicate are not second 人次 (they were counted as
    payment rows), and the narrative's 惠及贫困家庭学生 counted people with no hardship category and people on no roll.

    2019秋, by hand: 甲 312.5 (建档立卡); 乙 400 + 补发 100 (建档立卡); 丁 625 twice (建档立卡, duplicate); 丙 312.5
    (no category: 错助); 路人 312.5 (on no roll: 名册外人员). 7 rows; 5 人次 of 5 people, 3 of them (甲 乙 丁) poor.
    """
    unknown = make_id(date(2008, 6, 6), 99)
    files = [
        write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, [["3452000001", "城关第一小学", "小学", "城关镇", "公办"],
                                                               ["3452000002", "城关中学", "初中", "城关镇", "公办"]]),
        write_xlsx(tmp_path / "学籍.xlsx", ROLL, [
            ["甲", IDS["A"], "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"],
            ["乙", IDS["B"], "城关第一小学", "小学", "二年级", "1班", "住校", "在校", "建档立卡", "2019秋"],
            ["丙", IDS["C"], "城关中学", "初中", "八年级", "1班", "走读", "在校", "", "2019秋"],
            ["丁", IDS["D"], "城关中学", "初中", "九年级", "2班", "住校", "在校", "建档立卡", "2019秋"],
        ]),
        write_xlsx(tmp_path / "发放名册.xlsx", PAY, [
            ["城关中学", "甲", IDS["A"], NONBOARD, "312.5", "2019秋", "2019-11-05"],
            ["城关第一小学", "乙", IDS["B"], BOARD, "400", "2019秋", "2019-11-05"],
            ["城关第一小学", "乙", IDS["B"], BOARD, "100", "2019秋", "2019-12-05"],
            ["城关中学", "丁", IDS["D"], BOARD, "625", "2019秋", "2019-11-05"],
            ["城关中学", "丁", IDS["D"], BOARD, "625", "2019秋", "2019-11-05"],
            ["城关中学", "丙", IDS["C"], NONBOARD, "312.5", "2019秋", "2019-11-05"],
            ["城关中学", "路人", unknown, NONBOARD, "312.5", "2019秋", "2019-11-05"],
        ]),
    ]
    assert cli("import", *files).exit_code == 0
    (tmp_path / "明细").mkdir()
    result = cli("report", "summary", "--year", "2019", "--narrative", "总结_2019.md", "--details", tmp_path / "明细")
    assert result.exit_code == 0, result.output
    sheets = _sheets(tmp_path / "总结_2019.xlsx")
    # 资助项目, 春人次, 春万元, 秋人次, 秋万元, 全年人次, 全年万元, 受助人数
    by_program = {r[0]: r[1:] for r in _body(sheets["资助按项目"], "资助项目")}
    assert by_program[NONBOARD] == [0, 0, 3, 0.0938, 3, 0.0938, 3]  # 甲 丙 路人: 937.5 元
    assert by_program[BOARD] == [0, 0, 2, 0.175, 2, 0.175, 2]  # 乙 once (500), 丁 once (1,250 paid)
    assert by_program["合计"] == [0, 0, 5, 0.2688, 5, 0.2688]
    by_stage = {(r[0], r[1]): r[2:] for r in _body(sheets["资助按学段"], "资助项目")}
    assert by_stage[(BOARD, "初中")] == [0, 0, 1, 0.125, 1, 0.125]
    coverage = _body(sheets["应助尽助"], "学期")
    header = next(r for r in sheets["应助尽助"] if r and r[0] == "学期")
    assert header[3] == "实发笔数" and coverage[-1][3] == 7  # the check counts payment rows: said as 笔数
    text = (tmp_path / "总结_2019.md").read_text(encoding="utf-8")
    assert ("累计发放学生资助资金0.2688万元，共5人次（5人），其中贫困家庭学生3人次（3人），另有2人次（2人）发给"
            "名册外人员或没有家庭经济困难类别的学生（见逐人核对）。") in text
    index = list(openpyxl.load_workbook(tmp_path / "明细" / "明细_总结_2019.xlsx")["索引"].iter_rows(values_only=True))
    total = next(r for r in index if r[:3] == ("资助按项目", "合计", "全年人次"))
    assert total[3:] == (5, "资助发放明细", "（全部）", 7, 5, "人次（同一学生、同一学期、同一项目计一次）", "是")
    figures = index[index.index(("报表工作表", "行", "列", "报表中的数", "明细工作表", "筛选条件", "明细条数", "按明细计算",
                                 "计算方式", "一致")) + 1:]
    assert figures and all(r[9] == "是" for r in figures)  # every figure worked out again from its rows agrees
