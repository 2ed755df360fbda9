"""`fupin import` on files shaped the way counties really send them (not the way `fupin sample` writes them):
two-line headers with merged cells, one sheet per school, 合计 and 签字 lines under the table, copies of a file
under another name, grades written with their stage."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from helpers.files import make_id
from helpers.ledger import query

ZHANG = make_id(date(2007, 3, 15), 11)
LI = make_id(date(2006, 5, 2), 22)


def _workbook(path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(name, []):
            ws.merge_cells(cells)
    wb.save(path)
    return path


# A payment roster as schools make it: 序号、姓名、身份证号码、学校名称 merged down over two header lines,
# 资助项目、资助金额、发放日期 under a merged 资助情况.
TWO_LINE = [
    ["2019年秋季学期资助发放名册"],
    ["序号", "姓名", "身份证号码", "学校名称", "资助情况", None, None, "备注"],
    [None, None, None, None, "资助项目", "资助金额", "发放日期", None],
]
TWO_LINE_MERGES = ["A1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:G2", "H2:H3"]


def _two_line_roster(path, rows):
    return _workbook(path, {"发放名册": TWO_LINE + rows}, {"发放名册": TWO_LINE_MERGES})


def test_two_line_header_with_merged_cells_is_a_payment_roster(tmp_path, cli):
    path = _two_line_roster(tmp_path / "发放.xlsx", [
        [1, "张小明", ZHANG, "城关中学", "义务教育非寄宿生生活补助", "312.5", "2019-11-05", None],
        [2, "李小红", LI, "城关中学", "义务教育寄宿生生活补助", "625", "2019-11-05", None],
    ])
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 0, result.output
    # Read as one header: a payment roster, not a list of helpers (姓名 + 身份证号码 alone fit those too).
    assert "→ 资助发放名册，学期 2019秋：2 行，新增 2" in result.output
    assert "第 3 行为表头" in result.output
    counts = cli.counts()
    assert counts["payments"] == 2 and counts["helpers"] == 0


def test_two_line_header_names_the_cell_excel_turned_into_a_number(tmp_path, cli):
    damaged = int(LI[:15]) * 1000  # what Excel keeps of an 18-digit number typed into a General cell
    path = _two_line_roster(tmp_path / "发放.xlsx", [
        [1, "张小明", ZHANG, "城关中学", "义务教育非寄宿生生活补助", "312.5", "2019-11-05", None],
        [2, "李小红", damaged, "城关中学", "义务教育寄宿生生活补助", "625", "2019-11-05", None],
    ])
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 1, result.output
    # The data start under the second header line, so the damaged cell is row 5 and is known to be a number.
    assert "第 5 行，“身份证号码”列（C 列）：身份证号被 Excel 存成了数字" in result.output
    assert cli.counts()["payments"] == 0


def test_two_line_header_in_a_csv(tmp_path, cli):
    text = ("序号,姓名,身份证号码,资助情况,,\n"
            ",,,资助项目,资助金额,学期\n"
            f"1,张小明,{ZHANG},义务教育非寄宿生生活补助,312.5,2019秋\n")
    path = tmp_path / "发放.csv"
    path.write_bytes(text.encode("gbk"))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "→ 资助发放名册，学期 2019秋：1 行，新增 1" in result.output


PAY = ["姓名", "身份证号码", "学校名称", "资助项目", "资助金额", "学期"]


def test_a_csv_with_an_unpaired_quote_is_explained_in_chinese(tmp_path, cli):
    path = tmp_path / "发放.csv"
    path.write_text(",".join(PAY) + f'\n张小明,"{ZHANG},城关中学,义务教育非寄宿生生活补助,312.5,2019秋\n',
                    encoding="utf-8")
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "CSV 文件格式有误：有一个英文双引号（\"）没有配对" in result.output
    assert "Error tokenizing" not in result.output and "EOF" not in result.output


def _pay(name, kid, school="城关中学", amount="312.5"):
    return [name, kid, school, "义务教育非寄宿生生活补助", amount, "2019秋"]


def _per_school_roster(path):
    wang = make_id(date(2012, 1, 9), 31)
    return _workbook(path, {
        "填表说明": [["每所学校填一页，不要改动表头"]],
        "城关中学": [PAY, _pay("张小明", ZHANG), _pay("李小红", LI)],
        "城关第一小学": [PAY, _pay("王小刚", wang, "城关第一小学", "250"),
                         _pay("李小红", LI)],  # paid by both schools: a duplicate the coverage check must see
        "汇总": [["学校", "人数", "金额"], ["城关中学", 2, 625], ["城关第一小学", 2, 562.5]],
    })


def test_one_sheet_per_school_imports_every_sheet(tmp_path, cli):
    path = _per_school_roster(tmp_path / "发放名册_2019秋.xlsx")
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "（工作表“城关中学”，第 1 行为表头）→ 资助发放名册，学期 2019秋：2 行，新增 2" in result.output
    assert "（工作表“城关第一小学”，第 1 行为表头）→ 资助发放名册，学期 2019秋：2 行，新增 2" in result.output
    assert cli.counts()["payments"] == 4  # 李小红's two payments are both recorded

    again = cli("import", path)
    assert again.exit_code == 0, again.output
    assert again.output.count("新增 0，变更 0，未变 2；与台账已有内容相同") == 2
    assert cli.counts()["payments"] == 4


def test_sheet_option_still_picks_one_sheet(tmp_path, cli):
    result = cli("import", _per_school_roster(tmp_path / "发放名册_2019秋.xlsx"), "--sheet", "城关第一小学")
    assert result.exit_code == 0, result.output
    assert "城关中学”" not in result.output
    assert cli.counts()["payments"] == 2


def test_one_sheet_then_the_whole_workbook_records_each_payment_once(tmp_path, cli):
    # A payment's key must not depend on which sheets were read with it: keyed by the sheet's position, the
    # second sheet's payments imported with --sheet were new again when the whole workbook came in.
    path = _per_school_roster(tmp_path / "发放名册_2019秋.xlsx")
    assert cli("import", path, "--sheet", "城关第一小学").exit_code == 0
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "（工作表“城关中学”，第 1 行为表头）→ 资助发放名册，学期 2019秋：2 行，新增 1，变更 0，未变 1" in result.output
    assert "（工作表“城关第一小学”，第 1 行为表头）→ 资助发放名册，学期 2019秋：2 行，新增 1，变更 0，未变 1" in result.output
    assert cli.counts()["payments"] == 4


def test_a_bad_row_on_one_sheet_refuses_the_whole_workbook(tmp_path, cli):
    path = _per_school_roster(tmp_path / "发放名册_2019秋.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["城关第一小学"]["E3"] = "-250"
    wb.save(path)
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "工作表“城关第一小学”，第 3 行，“资助金额”列（E 列）" in result.output
    assert cli.counts()["payments"] == 0


def test_two_identical_payments_without_a_date_are_two_payments(tmp_path, cli):
    # No 发放日期 column, the same payment twice: paid twice is a fact the coverage check must flag.
    path = _workbook(tmp_path / "发放.xlsx", {"发放名册": [PAY, _pay("张小明", ZHANG), _pay("李小红", LI), _pay("李小红", LI)]})
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "3 行，新增 3" in result.output
    assert cli.counts()["payments"] == 3
    again = cli("import", path)
    assert "新增 0，变更 0，未变 3" in again.output
    assert cli.counts()["payments"] == 3


def test_payment_keys_without_a_date_are_those_ledgers_already_hold(tmp_path, cli, db):
    """A roster without dates imported before the fix must re-import unchanged, not doubled."""
    import hashlib

    path = _workbook(tmp_path / "发放.xlsx", {"发放名册": [PAY, _pay("张小明", ZHANG)]})
    assert cli("import", path).exit_code == 0
    program, amount = query(db, "SELECT program_id, amount FROM payments")[0]
    key = "|".join(["发放.xlsx", ZHANG, str(program), "2019秋", str(amount), "None", "nan"])
    assert query(db, "SELECT payment_key FROM payments")[0][0] == \
        hashlib.sha1(key.encode()).hexdigest()


def test_a_copy_of_a_roster_under_another_name_is_not_paid_twice(tmp_path, cli):
    first = _workbook(tmp_path / "资助发放_2019秋.xlsx", {"发放名册": [PAY, _pay("张小明", ZHANG), _pay("李小红", LI)]})
    copy = tmp_path / "资助发放_2019秋(1).xlsx"  # what a second download from a chat group is called
    copy.write_bytes(first.read_bytes())
    assert cli("import", first).exit_code == 0
    result = cli("import", copy)
    assert result.exit_code == 0, result.output
    assert "新增 0，变更 0，未变 2" in result.output
    assert "与已导入的文件“资助发放_2019秋.xlsx”内容完全相同" in result.output
    assert cli.counts()["payments"] == 2

    # A roster that differs (one more payment) is a roster of its own: all its rows are recorded.
    other = _workbook(tmp_path / "资助发放_补发.xlsx",
                      {"发放名册": [PAY, _pay("张小明", ZHANG), _pay("李小红", LI), _pay("李小红", LI)]})
    result = cli("import", other)
    assert result.exit_code == 0, result.output
    assert "新增 3" in result.output
    assert cli.counts()["payments"] == 5


def test_lines_under_the_table_are_not_payments(tmp_path, cli):
    wang = make_id(date(2012, 1, 9), 31)
    rows = [PAY, _pay("张小明", ZHANG), [None] * 6, _pay("李小红", LI), _pay("王小刚", wang),
            ["本页合计", None, None, None, "937.5", None],
            ["共计 3 人", None, None, None, "937.5", None],
            ["填报人：张三", None, "审核人：李四", None, None, None],
            ["注：本表一式三份，学校、中心学校、县资助中心各存一份", None, None, None, None, None],
            ["学校（盖章）：", None, None, "校长签字：", None, None],
            ["领导签字：", None, None, None, None, None]]
    result = cli("import", _workbook(tmp_path / "发放.xlsx", {"发放名册": rows}))
    assert result.exit_code == 0, result.output
    assert "3 行，新增 3" in result.output
    assert "跳过 6 行合计 / 落款行（第 6, 7, 8, 9, 10 行）" in result.output
    assert cli.counts()["payments"] == 3


def test_a_row_without_id_that_is_not_a_footer_is_still_refused(tmp_path, cli):
    rows = [PAY, _pay("张小明", ZHANG), _pay("李小红", None), ["本页合计", None, None, None, "625", None]]
    result = cli("import", _workbook(tmp_path / "发放.xlsx", {"发放名册": rows}))
    assert result.exit_code == 1, result.output
    assert "第 3 行，“身份证号码”列（B 列）：身份证号为空" in result.output
    assert "第 4 行" not in result.output


def test_grades_written_with_their_stage(tmp_path, cli, schools, db):

    header = ["姓名", "身份证件号", "学校名称", "年级", "学期"]
    rows = [["甲", make_id(date(2003, 1, 1), 1), "县职业教育中心", "中职一年级", "2019秋"],
            ["乙", make_id(date(2006, 1, 1), 1), "城关中学", "初中一年级", "2019秋"],
            ["丙", make_id(date(2004, 1, 1), 1), "县第一高级中学", "高中二年级", "2019秋"],
            ["丁", make_id(date(2006, 2, 1), 1), "城关中学", "初二年级", "2019秋"],
            ["戊", make_id(date(2015, 1, 1), 1), "城关幼儿园", "幼儿园大班", "2019秋"]]
    result = cli("import", _workbook(tmp_path / "学籍.xlsx", {"学生名册": [header, *rows]}))
    assert result.exit_code == 0, result.output
    stored = dict(query(db,
        "SELECT s.name, e.stage || e.grade FROM enrollments e JOIN students s ON s.id = e.student_id"))
    assert stored == {"甲": "中职1", "乙": "初中1", "丙": "普通高中2", "丁": "初中2", "戊": "学前3"}


def test_a_grade_whose_stage_contradicts_the_stage_column_is_refused(tmp_path, cli, schools):
    header = ["姓名", "身份证件号", "学校名称", "学段", "年级", "学期"]
    rows = [["甲", make_id(date(2012, 1, 1), 1), "城关第一小学", "小学", "初中一年级", "2019秋"]]
    result = cli("import", _workbook(tmp_path / "学籍.xlsx", {"学生名册": [header, *rows]}))
    assert result.exit_code == 1, result.output
    assert "第 2 行，“年级”列（E 列）：年级“初中一年级”无法识别，或与学段不一致" in result.output


REGISTRY = ["户编号", "人编号", "姓名", "身份证号", "与户主关系", "贫困户属性"]


def test_household_code_excel_turned_into_a_number_is_refused(tmp_path, cli):
    kid, sister = make_id(date(2008, 1, 1), 1), make_id(date(2010, 1, 1), 2)
    rows = [REGISTRY,
            ["522634010100001", "P1", "甲", kid, "之子", "一般贫困户"],  # 15 digits: a number keeps them all
            [5.22634010100001e17, "P2", "乙", sister, "之女", "一般贫困户"]]  # all Excel keeps of 18 digits
    result = cli("import", _workbook(tmp_path / "国扶办.xlsx", {"人员": rows}))
    assert result.exit_code == 1, result.output
    assert "第 3 行，“户编号”列（A 列）：户编号被 Excel 存成了数字（显示为 5.22634010100001E+17）" in result.output
    assert "第 2 行" not in result.output
    assert cli.counts()["registry_people"] == 0


def test_household_code_in_scientific_notation_is_refused(tmp_path, cli):
    text = "户编号,姓名,身份证号,与户主关系\n" f"5.22634E+17,甲,{make_id(date(2008, 1, 1), 1)},之子\n"
    path = tmp_path / "国扶办.csv"
    path.write_bytes(text.encode("gbk"))
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "第 2 行，“户编号”列（A 列）：户编号被 Excel 存成了数字（显示为 5.22634E+17）" in result.output


def test_long_household_code_kept_as_text_is_accepted(tmp_path, cli):
    rows = [REGISTRY, ["522634010100001000", "P1", "甲", make_id(date(2008, 1, 1), 1), "之子", "一般贫困户"]]
    result = cli("import", _workbook(tmp_path / "国扶办.xlsx", {"人员": rows}))
    assert result.exit_code == 0, result.output


def test_scientific_notation_is_quoted_as_excel_shows_it(tmp_path, cli, schools):
    text = ("姓名,身份证件号,学校名称,年级,学期\n"
            "张小明,4.22822E+17,城关中学,七年级,2019秋\n"
            "李小红,4.22822200605022E+17,城关中学,七年级,2019秋\n")
    path = tmp_path / "学籍.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "第 2 行，“身份证件号”列（B 列）：身份证号被 Excel 存成了数字（科学计数法 4.22822E+17）" in result.output
    assert "（值：4.22822E+17）" in result.output
    # Past the region code the digits are a birth date: hidden, the shape kept.
    assert "科学计数法 4.22822*********E+17" in result.output
    assert "200605022" not in result.output


@pytest.mark.parametrize("rows", [[], [["合计", None, None, None, "0", None]], [[None] * 6, [None] * 6]])
def test_a_header_with_no_rows_under_it_says_so(tmp_path, cli, rows):
    result = cli("import", _workbook(tmp_path / "发放.xlsx", {"发放名册": [["2019年秋季学期资助发放名册"], PAY, *rows]}))
    assert result.exit_code == 0, result.output
    assert "资助发放名册：0 行" in result.output
    assert "表头下面没有数据行：这个文件什么也没有导入" in result.output
    assert cli.counts()["payments"] == 0


@pytest.mark.filterwarnings("error::pandas.errors.ParserWarning")  # what the clerk saw on stderr
def test_csv_rows_longer_than_the_header(tmp_path, cli):
    text = (",".join(PAY) + "\n"
            + ",".join(_pay("张小明", ZHANG)) + ",,\n"  # Excel's trailing commas
            + ",".join(_pay("李小红", LI)) + ",已核对\n")  # a note beside the table, under no header
    path = tmp_path / "发放.csv"
    path.write_bytes(text.encode("gbk"))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "2 行，新增 2" in result.output
    assert "Warning" not in result.output


@pytest.mark.parametrize(("name", "sep"), [("发放.txt", "\t"), ("发放.csv", ";")])
def test_tab_and_semicolon_separated_text(tmp_path, cli, name, sep):
    text = "\n".join(sep.join(row) for row in [["2019年秋季学期资助发放名册"], PAY, _pay("张小明", ZHANG),
                                                _pay("李小红", LI, amount="1,000.00")]) + "\n"
    path = tmp_path / name
    path.write_bytes(text.encode("gbk"))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "（第 2 行为表头）→ 资助发放名册，学期 2019秋：2 行，新增 2" in result.output


def test_csv_cells_written_as_excel_text_formulas(tmp_path, cli, db):

    text = (",".join(PAY) + "\n"
            + f'张小明,="{ZHANG}",城关中学,义务教育非寄宿生生活补助,312.5,2019秋\n'
            + f'李小红,="{LI}",="",义务教育非寄宿生生活补助,="625",2019秋\n')
    path = tmp_path / "发放.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    stored = query(db, "SELECT id_number, amount, school_name FROM payments ORDER BY id")
    assert stored == [(ZHANG, 31250, "城关中学"), (LI, 62500, None)]


def test_a_sheet_of_another_kind_is_named_not_silently_skipped(tmp_path, cli, schools):
    roll = [["姓名", "身份证件号", "学校名称", "年级", "就读方式", "学期"],
            ["张小明", ZHANG, "城关中学", "七年级", "走读", "2019秋"]]
    path = _workbook(tmp_path / "城关中学资助材料.xlsx", {"学生名册": roll, "发放名册": [PAY, _pay("张小明", ZHANG)]})
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "（工作表“发放名册”，第 1 行为表头）→ 资助发放名册" in result.output
    assert "工作表“学生名册”像是学籍名册，没有导入" in result.output and "--sheet 学生名册" in result.output
    assert cli.counts()["enrollments"] == 0

    result = cli("import", path, "--sheet", "学生名册")
    assert result.exit_code == 0, result.output
    assert cli.counts()["enrollments"] == 1


def test_headers_with_notes_in_brackets_and_line_breaks(tmp_path, cli):
    header = ["学生\n姓名", "身份证号码（18位）", "学校名称", "资助项目（按文件全称）", "发放金额\n（元）", "学期（如2019秋）"]
    result = cli("import", _workbook(tmp_path / "发放.xlsx", {"发放名册": [header, _pay("张小明", ZHANG)]}))
    assert result.exit_code == 0, result.output
    assert "→ 资助发放名册，学期 2019秋：1 行，新增 1" in result.output
    assert "未使用的列" not in result.output


DROPOUTS = ["学生姓名", "身份证号码", "就读学校及年级", "辍学年月", "劝返人员姓名", "劝返时间", "劝返就读情况记录"]


def test_several_visit_dates_in_one_cell_are_refused_with_the_form_that_works(tmp_path, cli):
    kid = make_id(date(2006, 6, 6), 41)
    rows = [DROPOUTS, ["辍甲", kid, "城关中学八年级", "2019年10月", "王老师、李村长", "2019.10.20、2019.11.05", "已返校"]]
    result = cli("import", _workbook(tmp_path / "辍学台账.xlsx", {"台账": rows}))
    assert result.exit_code == 1, result.output
    assert "第 2 行，“劝返时间”列（F 列）：劝返时间“2019.10.20、2019.11.05”无法识别" in result.output
    assert "劝返多次的，每次写一行" in result.output

    # The form the hint describes: one row per visit.
    rows = [DROPOUTS, ["辍甲", kid, "城关中学八年级", "2019年10月", "王老师、李村长", "2019.10.20", "未返校"],
            ["辍甲", kid, "城关中学八年级", "2019年10月", "王老师", "2019.11.05", "已返校"]]
    result = cli("import", _workbook(tmp_path / "辍学台账.xlsx", {"台账": rows}))
    assert result.exit_code == 0, result.output
    counts = cli.counts()
    assert counts["dropout_cases"] == 1 and counts["dropout_visits"] == 2


def test_school_and_grade_merged_down_over_a_class(tmp_path, cli, schools, db):

    wang = make_id(date(2006, 5, 3), 22)
    rows = [["姓名", "身份证件号", "学校名称", "年级", "学期"],
            ["张小明", ZHANG, "城关中学", "七年级", "2019秋"],
            ["李小红", LI, None, None, None],
            [None, None, None, None, None],  # a blank line inside the merged block stays blank
            ["王小刚", wang, None, None, None],
            ["合计", None, None, "3人", None]]
    path = _workbook(tmp_path / "学籍.xlsx", {"学生名册": rows},
                     {"学生名册": ["C2:C5", "D2:D5", "E2:E5", "A6:C6"]})
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "学期 2019秋：3 行，新增 3" in result.output and "跳过 1 行合计" in result.output
    stored = query(db,
        "SELECT s.name, e.school_name, e.grade, e.term FROM enrollments e JOIN students s ON s.id = e.student_id"
        " ORDER BY e.source_row")
    assert stored == [("张小明", "城关中学", 1, "2019秋"), ("李小红", "城关中学", 1, "2019秋"),
                      ("王小刚", "城关中学", 1, "2019秋")]


def test_an_amount_merged_over_two_payments_is_refused_not_copied(tmp_path, cli):
    # 1000 merged over two children's rows says how much went to both, not 1000 to each: copied down, the
    # ledger held 2000 paid. A quantity is never copied from a merged cell; the empty cell is refused by name.
    rows = [PAY, _pay("张小明", ZHANG, amount="1000"), _pay("李小红", LI, amount=None)]
    result = cli("import", _workbook(tmp_path / "发放.xlsx", {"发放名册": rows}, {"发放名册": ["E2:E3"]}))
    assert result.exit_code == 1, result.output
    assert "第 3 行，“资助金额”列（E 列）" in result.output
    assert cli.counts()["payments"] == 0


def test_a_web_page_named_xls_and_an_excel_lock_file_are_explained(tmp_path, cli):
    page = tmp_path / "学籍导出.xls"
    page.write_text("<html><body><table><tr><td>姓名</td><td>身份证件号</td></tr></table></body></html>",
                    encoding="utf-8")
    lock = tmp_path / "~$资助发放.xlsx"
    lock.write_bytes(b"\x06Zhang " + b"\x00" * 150)
    result = cli("import", page, lock)
    assert result.exit_code == 1, result.output
    assert "文件“学籍导出.xls”：文件扩展名是 .xls，但内容其实是网页（HTML/XML）表格" in result.output
    assert "另存为” Excel 工作簿（.xlsx）" in result.output
    assert "文件“~$资助发放.xlsx”：这是 Excel 或 WPS 打开“资助发放.xlsx”时自动生成的临时文件" in result.output


SCHOOL_TYPES = [["学校名称", "学校类型", "所在乡镇"], ["城关镇中心小学", "完全小学", "城关镇"],
                ["东门村小", "村小", "城关镇"], ["西门教学点", "小学教学点", "城关镇"],
                ["城关镇一贯制学校", "九年一贯制学校", "城关镇"], ["县一中", "完全中学", "城关镇"],
                ["城关镇中心幼儿园", "公办幼儿园", "城关镇"], ["县职校", "职业高级中学", "城关镇"]]


def test_stage_from_the_school_types_lists_really_use(tmp_path, cli, db):

    assert cli("import", _workbook(tmp_path / "学校名单.xlsx", {"学校": SCHOOL_TYPES})).exit_code == 0
    placed = [("城关镇中心小学", "三年级"), ("东门村小", "二年级"), ("西门教学点", "一年级"),
              ("城关镇一贯制学校", "三年级"), ("城关镇一贯制学校", "八年级"), ("县一中", "初二"),
              ("城关镇中心幼儿园", "中班"), ("县职校", "一年级")]
    rows = [["姓名", "身份证件号", "学校名称", "年级", "学期"]]
    rows += [[f"生{i}", make_id(date(2010, 1, 1 + i), 5), school, grade, "2019秋"] for i, (school, grade) in enumerate(placed)]
    result = cli("import", _workbook(tmp_path / "学籍.xlsx", {"学生名册": rows}))
    assert result.exit_code == 0, result.output
    stored = query(db, "SELECT stage, grade FROM enrollments ORDER BY source_row")
    assert stored == [("小学", 3), ("小学", 2), ("小学", 1), ("小学", 3), ("初中", 2), ("初中", 2), ("学前", 2),
                      ("中职", 1)]


def test_a_grade_whose_stage_nothing_tells_is_refused(tmp_path, cli):
    assert cli("import", _workbook(tmp_path / "学校名单.xlsx", {"学校": SCHOOL_TYPES})).exit_code == 0
    rows = [["姓名", "身份证件号", "学校名称", "年级", "学期"], ["甲", ZHANG, "县一中", "一年级", "2019秋"]]
    result = cli("import", _workbook(tmp_path / "学籍.xlsx", {"学生名册": rows}))
    assert result.exit_code == 1, result.output
    assert "第 2 行，“年级”列（D 列）：看不出年级“一年级”属于哪个学段" in result.output
    assert "请在表中加“学段”列" in result.output
    assert cli.counts()["enrollments"] == 0


ROLL = ["姓名", "身份证件号", "学校名称", "年级", "班级", "学期"]


def test_a_student_on_two_sheets_must_agree(tmp_path, cli, schools):
    path = _workbook(tmp_path / "学籍.xlsx", {
        "七年级": [ROLL, ["张小明", ZHANG, "城关中学", "七年级", "1班", "2019秋"], ["李小红", LI, "城关中学", "七年级", "2班", "2019秋"]],
        "八年级": [ROLL, ["张小明", ZHANG, "城关中学", "八年级", "3班", "2019秋"]],
    })
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert ("工作表“七年级”，第 2 行，“身份证件号”列（B 列）：同一学生（身份证号）同一学期在本文件的工作表“八年级”第 2 行也有，"
            "内容不一致") in result.output
    assert "工作表“八年级”，第 2 行" in result.output
    assert cli.counts()["enrollments"] == 0

    # The same row repeated on two sheets is no contradiction.
    path = _workbook(tmp_path / "学籍2.xlsx", {
        "七年级": [ROLL, ["张小明", ZHANG, "城关中学", "七年级", "1班", "2019秋"]],
        "建档立卡": [ROLL, ["张小明", ZHANG, "城关中学", "七年级", "1班", "2019秋"]],
    })
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert cli.counts()["enrollments"] == 1


def test_a_hidden_copy_of_the_roster_is_not_paid_again(tmp_path, cli):
    path = _workbook(tmp_path / "发放.xlsx", {"发放名册": [PAY, _pay("张小明", ZHANG)],
                                               "旧版": [PAY, _pay("张小明", ZHANG), _pay("李小红", LI)]})
    wb = openpyxl.load_workbook(path)
    wb["旧版"].sheet_state = "hidden"
    wb.save(path)
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "工作表“旧版”是隐藏的，没有导入" in result.output
    assert cli.counts()["payments"] == 1


def test_a_county_sheet_beside_the_schools_sheets_is_refused(tmp_path, cli):
    wang = make_id(date(2012, 1, 9), 31)
    path = _workbook(tmp_path / "发放.xlsx", {
        "全县": [PAY, _pay("张小明", ZHANG), _pay("王小刚", wang, "城关第一小学", "250")],
        "城关中学": [PAY, _pay("张小明", ZHANG)],
        "城关第一小学": [PAY, _pay("王小刚", wang, "城关第一小学", "250")],
    })
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "工作表“城关中学”的 1 笔发放在工作表“全县”中全都有" in result.output
    assert "工作表“城关第一小学”的 1 笔发放在工作表“全县”中全都有" in result.output
    assert "--sheet 全县" in result.output
    assert "问题分类：工作表重复 2 个" in result.output  # the summary line speaks Chinese, never the code
    assert cli.counts()["payments"] == 0

    result = cli("import", path, "--sheet", "全县")
    assert result.exit_code == 0, result.output
    assert cli.counts()["payments"] == 2


def test_the_same_roster_named_twice_in_one_command(tmp_path, cli):
    path = _workbook(tmp_path / "发放.xlsx", {"发放名册": [PAY, _pay("张小明", ZHANG)]})
    result = cli("import", path, path)
    assert result.exit_code == 0, result.output
    assert cli.counts()["payments"] == 1


def test_excel_unicode_text_export(tmp_path, cli):
    # Excel's 另存为 “Unicode 文本(*.txt)”: UTF-16 with a byte-order mark, tab-separated, CRLF.
    text = "\r\n".join("\t".join(row) for row in [PAY, _pay("张小明", ZHANG)]) + "\r\n"
    path = tmp_path / "发放.txt"
    path.write_bytes(text.encode("utf-16"))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "→ 资助发放名册，学期 2019秋：1 行，新增 1" in result.output


def test_a_pairing_list_with_责任人身份证号_is_a_pairing_list_not_oversight(tmp_path, cli, schools):
    teacher = make_id(date(1980, 1, 1), 7)
    assert cli("import", _workbook(tmp_path / "帮扶责任人.xlsx", {"责任人": [
        ["姓名", "身份证号", "工作单位", "职务"], ["王老师", teacher, "城关中学", "教师"]]})).exit_code == 0
    assert cli("import", _workbook(tmp_path / "学籍.xlsx", {"学生": [
        ["姓名", "身份证件号", "学校名称", "年级", "学期"], ["张小明", ZHANG, "城关中学", "七年级", "2019秋"]]})).exit_code == 0
    rows = [["序号", "学校", "学生姓名", "学生身份证号", "帮扶责任人", "责任人身份证号", "结对时间"],
            [1, "城关中学", "张小明", ZHANG, "王老师", teacher, "2019-09-01"]]
    result = cli("import", _workbook(tmp_path / "结对帮扶.xlsx", {"结对": rows}))
    assert result.exit_code == 0, result.output
    assert "→ 结对帮扶关系：1 行，新增 1" in result.output
    counts = cli.counts()
    assert counts["pairings"] == 1 and counts["oversight"] == 0

    # 责任人身份证号 and 学校 alone say nothing of 包保: not guessed as a 包保 list.
    rows = [["责任人身份证号", "学校"], [teacher, "城关中学"]]
    result = cli("import", _workbook(tmp_path / "名单.xlsx", {"名单": rows}))
    assert result.exit_code == 1, result.output
    assert "无法从表头判断这是哪一类文件" in result.output
    assert cli.counts()["oversight"] == 0
    assert cli("import", tmp_path / "名单.xlsx", "--kind", "oversight").exit_code == 0


@pytest.mark.parametrize("header", [["姓名", "身份证号码", "学校名称"], ["姓名", "身份证号", "联系电话"]])
def test_a_header_any_list_of_people_has_is_not_guessed(tmp_path, cli, header):
    row = {"姓名": "张小明", "身份证号码": ZHANG, "身份证号": ZHANG, "学校名称": "城关中学", "联系电话": "13800000000"}
    path = tmp_path / "名单.csv"
    path.write_bytes((",".join(header) + "\n" + ",".join(row[h] for h in header) + "\n").encode("gbk"))
    before = cli.counts()
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "表头只有几类文件共有的列，无法判断是哪一类" in result.output
    assert "帮扶责任人（--kind helpers）" in result.output and "辍学学生台账（--kind dropouts）" in result.output
    assert cli.counts() == before
    assert cli("import", path, "--kind", "population").exit_code == 0


def test_a_header_with_columns_enough_for_one_kind_is_read_as_it(tmp_path, cli):
    kid = make_id(date(2012, 5, 1), 7)
    path = tmp_path / "户籍.csv"
    path.write_bytes(("身份证号,姓名,性别,出生日期,乡镇,村\n" f"{kid},陈小兰,女,2012-05-01,城关镇,东门村\n").encode("gbk"))
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "→ 户籍适龄儿童：1 行，新增 1" in result.output
