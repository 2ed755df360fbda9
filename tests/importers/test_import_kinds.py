"""A file is taken as a kind only when it has every column that kind requires; wrong files are refused by name.

The corpus is generated from the kind declarations themselves (importers/columns.py): every kind declared there,
including ones added later, is tried with each of its required columns removed, with its columns shuffled under
another kind's title and file name, and as the right file.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from helpers.files import ROLL_HEADER, make_id, roll_rows, write_xlsx
from jiaoyu_fupin.core.problems import ImportRefused
from jiaoyu_fupin.importers.columns import KINDS, Kind
from jiaoyu_fupin.importers.reader import read_tables

KID = make_id(date(2007, 3, 15), 11)


def _header(kind: Kind, drop: str | None = None) -> list[str]:
    """The kind's columns under the first name each is known by (the name its template writes)."""
    return [c.aliases[0] for c in kind.columns if c.field != drop]


def _cell(kind: Kind, header: str) -> str:
    column = next((c for c in kind.columns if c.aliases[0] == header), None)
    if column is not None and column.text and ("身份证" in header or "证件" in header or "号码" in header):
        return KID
    return (column.example if column is not None and column.example else "1") or "1"


def _write(path, kind: Kind, header: list[str], *, title: str | None = None):
    rows = [[_cell(kind, h) for h in header] for _ in range(2)]
    return write_xlsx(path, header, rows, above=[[title]] if title else (),
                      text_columns=tuple(range(len(header))))


def _refusal(path, **options) -> str:
    with pytest.raises(ImportRefused) as refused:
        read_tables(path, **options)
    return "\n".join(f"{p.message}\n{p.hint}" for p in refused.value.problems)


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_the_right_file_is_taken_as_its_kind(tmp_path, kind):
    path = _write(tmp_path / f"{kind.title}.xlsx", kind, _header(kind))
    assert [t.kind.name for t in read_tables(path)] == [kind.name]
    assert [t.kind.name for t in read_tables(path, kind=kind.name)] == [kind.name]


CASES = [(kind, column) for kind in KINDS.values() for column in kind.columns if column.required]


@pytest.mark.parametrize(("kind", "column"), CASES, ids=[f"{k.name}-{c.field}" for k, c in CASES])
def test_each_required_column_removed_in_turn_is_refused_naming_it(tmp_path, kind, column):
    path = _write(tmp_path / f"{kind.title}.xlsx", kind, _header(kind, drop=column.field))
    for options in ({}, {"kind": kind.name}):
        text = _refusal(path, **options)
        assert f"“{column.title}”" in text, text
        assert all(alias in text for alias in column.aliases), text  # every name that would be accepted
        assert f"--kind {kind.name}" in text, text


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_columns_shuffled_under_another_kinds_title(tmp_path, kind):
    """The title line and the file name do not decide a kind; --kind of another kind is checked like any header."""
    from jiaoyu_fupin.importers.detect import assess

    header = _header(kind)
    random.Random(kind.name).shuffle(header)
    other = next(k for k in KINDS.values() if k is not kind and assess(k, header).missing)
    path = _write(tmp_path / f"{other.title}.xlsx", kind, header, title=f"2019年秋季学期{other.title}")
    assert [t.kind.name for t in read_tables(path)] == [kind.name]
    text = _refusal(path, kind=other.name)
    assert f"--kind {other.name}" in text, text
    assert all(f"“{c.title}”" in text for c in assess(other, header).missing), text


def test_every_wrong_file_leaves_the_ledger_as_it_was(tmp_path, cli, schools):
    """Through the command: exit 1, the missing column named, not one row written anywhere."""
    before = cli.counts()
    for kind, column in CASES:
        path = _write(tmp_path / f"{kind.name}-{column.field}.xlsx", kind, _header(kind, drop=column.field))
        result = cli("import", path)
        assert result.exit_code == 1, result.output
        assert f"“{column.title}”" in result.output, result.output
        assert "本次没有写入任何数据" in result.output
    assert cli.counts() == before


# ---- the cases clerks met -------------------------------------------------------------------------------


def _school(cli, name: str = "城关中学") -> dict:
    from sqlalchemy import text

    from jiaoyu_fupin.store.ledger import Ledger

    ledger = Ledger(cli.db)
    try:
        with ledger.engine.connect() as conn:
            return dict(conn.execute(text("SELECT school_code, school_type, township, ownership FROM schools"
                                          " WHERE name = :n"), {"n": name}).mappings().one())
    finally:
        ledger.close()


@pytest.mark.parametrize("dropped", ["身份证件号", "姓名", "学校名称"])
def test_a_roll_short_of_one_column_is_refused_not_taken_for_another_kind(tmp_path, cli, schools, dropped):
    school = _school(cli)
    before = cli.counts()
    keep = [i for i, h in enumerate(ROLL_HEADER) if h != dropped]
    rows = [[r[i] for i in keep] for r in roll_rows()]
    path = write_xlsx(tmp_path / "学籍.xlsx", [ROLL_HEADER[i] for i in keep], rows)
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 1, result.output
    assert f"这个表像是学籍名册，但表头缺少必需的“{dropped}”列" in result.output
    assert "--kind roll" in result.output
    assert cli.counts() == before  # no school overwritten, no dropout case opened
    assert _school(cli) == school


def test_a_person_list_named_like_a_school_list_is_never_a_school_list(tmp_path, cli, schools):
    school = _school(cli)
    before = cli.counts()
    header = ["姓名", "身份证号码", "学校名称", "学校类型", "所在乡镇"]
    path = write_xlsx(tmp_path / "学校名单.xlsx", header, [["张小明", KID, "城关中学", "小学", ""]],
                      above=[["2019年学校名单"]], text_columns=(1,))
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "列的是人，不会当作学校名单" in result.output
    result = cli("import", path, "--kind", "schools")
    assert result.exit_code == 1, result.output
    assert "列的是人，不是学校名单" in result.output
    assert cli.counts() == before
    assert _school(cli) == school


def test_two_kinds_that_fit_alike_are_listed(tmp_path, cli):
    path = write_xlsx(tmp_path / "名单.xlsx", ["姓名", "身份证号码", "联系电话"], [["张小明", KID, "13800000000"]],
                      text_columns=(1,))
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "帮扶责任人（--kind helpers）" in result.output and "辍学学生台账（--kind dropouts）" in result.output


def test_kind_given_is_checked_like_any_header(tmp_path, cli, schools):
    before = cli.counts()
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, roll_rows())
    result = cli("import", path, "--kind", "payments", "--term", "2019秋")
    assert result.exit_code == 1, result.output
    assert "按 --kind payments 读作资助发放名册，但表头缺少必需的列：“资助项目”、“资助金额”" in result.output
    assert "资助项目名称" in result.output and "发放金额(元)" in result.output  # the names that would do
    assert cli.counts() == before


COUNTY_LEDGER = ["省市", "区县", "乡镇", "村组（社区）", "姓名", "身份证号码", "户编号", "户主姓名", "联系电话", "学校全称",
                 "学段", "年级", "班级", "学籍号", "就读方式", "是否残疾生", "不在校原因", "贫困类型", "县内/县外",
                 "省内/省外", "本学期是否享受资助"]


def test_a_county_ledger_and_its_payment_export(tmp_path):
    """The ledger is the list of students studying away; its payment export adds 资助项目 and 资助金额 and so has
    columns particular to two kinds: it is not guessed into either."""
    row = ["湖北省恩施州", "建始县", "城关镇", "东门村", "张小明", KID, "H001", "张大山", "13800000000", "某市第一中学",
           "普通高中", "高一", "1班", "G1", "住校", "否", "", "建档立卡", "县外", "省内", "是"]
    ledger = write_xlsx(tmp_path / "贫困学生台账.xlsx", COUNTY_LEDGER, [row], text_columns=(5,))
    assert [t.kind.name for t in read_tables(ledger)] == ["away"]
    export = write_xlsx(tmp_path / "资助发放.xlsx", [*COUNTY_LEDGER, "资助项目", "资助金额"],
                        [[*row, "普通高中国家助学金", "1000"]], text_columns=(5,))
    text = _refusal(export)
    assert "资助发放名册（--kind payments）" in text and "县外就读建档立卡学生（--kind away）" in text, text
    assert "资助项目、资助金额" in text, text
    assert [t.kind.name for t in read_tables(export, kind="payments")] == ["payments"]


def test_one_schools_sheet_short_of_a_column_refuses_the_roster(tmp_path, cli):
    """One sheet per school: a sheet that lost its ID column is part of the roster, not a sheet to skip quietly."""
    import openpyxl

    header = ["姓名", "身份证号码", "资助项目", "资助金额", "学期"]
    book = openpyxl.Workbook()
    book.active.title = "城关中学"
    book.active.append(header)
    book.active.append(["张小明", KID, "义务教育非寄宿生生活补助", "312.5", "2019秋"])
    other = book.create_sheet("城关第一小学")
    other.append([h for h in header if h != "身份证号码"])
    other.append(["王小刚", "义务教育非寄宿生生活补助", "250", "2019秋"])
    book.save(tmp_path / "发放名册.xlsx")
    before = cli.counts()
    result = cli("import", tmp_path / "发放名册.xlsx")
    assert result.exit_code == 1, result.output
    assert "工作表“城关第一小学”：这个表像是资助发放名册，但表头缺少必需的“身份证号码”列" in result.output
    assert cli.counts() == before


@pytest.mark.parametrize(("header", "kind"), [
    (["姓名", "身份证号码", "学校全称", "学段", "年级", "就读方式", "就读地"], "away"),  # 就读方式 is an away column too
    (["姓名", "身份证号", "学校名称", "年级", "就读方式", "资助项目", "资助金额"], "payments"),  # a 寄宿生 roster
])
def test_a_column_another_kind_also_has_does_not_make_a_file_ambiguous(tmp_path, header, kind):
    row = {"姓名": "张小明", "身份证号码": KID, "身份证号": KID, "学校全称": "某市第一中学", "学校名称": "城关中学",
           "学段": "普通高中", "年级": "高一", "就读方式": "住校", "就读地": "县外州内", "资助项目": "寄宿生生活补助",
           "资助金额": "625"}
    path = write_xlsx(tmp_path / "名单.xlsx", header, [[row[h] for h in header]], text_columns=(1,))
    assert [t.kind.name for t in read_tables(path)] == [kind]


def test_kind_given_with_a_summary_sheet_beside_the_schools_sheets(tmp_path, cli):
    """A 汇总 sheet (学校, 人数, 金额) is far from a roster: noted and left alone, as without --kind."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "城关中学"
    book.active.append(["姓名", "身份证号码", "资助项目", "资助金额", "学期"])
    book.active.append(["张小明", KID, "义务教育非寄宿生生活补助", "312.5", "2019秋"])
    summary = book.create_sheet("汇总")
    summary.append(["学校", "人数", "金额"])
    summary.append(["城关中学", 1, 312.5])
    book.save(tmp_path / "发放名册.xlsx")
    result = cli("import", tmp_path / "发放名册.xlsx", "--kind", "payments")
    assert result.exit_code == 0, result.output
    assert "工作表“汇总”没有导入" in result.output
    assert cli.counts()["payments"] == 1


def test_the_kind_a_near_miss_also_fits_can_still_be_chosen(tmp_path):
    """Refused without --kind, the roll short of 学校名称 says which --kind takes it as the kind it does fit."""
    keep = [i for i, h in enumerate(ROLL_HEADER) if h != "学校名称"]
    path = write_xlsx(tmp_path / "名单.xlsx", [ROLL_HEADER[i] for i in keep], [[r[i] for i in keep] for r in roll_rows()])
    text = _refusal(path)
    assert "如果它确实是辍学学生台账，请加 --kind dropouts" in text, text
    assert [t.kind.name for t in read_tables(path, kind="dropouts")] == ["dropouts"]
