"""--details on a county small enough to check by hand: the students and payments behind a figure, with masked IDs
and the file, sheet and row each came from."""

from __future__ import annotations

from datetime import date

import openpyxl

from helpers.files import SCHOOL_HEADER, make_id, write_xlsx

ROLL = ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态", "家庭经济困难类别", "学期"]
PAY = ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]
IDS = {key: make_id(date(2007, 1, 1 + i), 10 + i) for i, key in enumerate("ABC")}


def _county(cli, tmp_path):
    files = [
        write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, [["3452000002", "城关中学", "初中", "城关镇", "公办"],
                                                               ["3452000006", "河口中学", "初中", "河口乡", "公办"]]),
        write_xlsx(tmp_path / "学籍.xlsx", ROLL, [
            ["甲", IDS["A"], "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"],
            ["乙", IDS["B"], "河口中学", "初中", "八年级", "1班", "住校", "在校", "建档立卡", "2019秋"],
            ["丙", IDS["C"], "河口中学", "初中", "八年级", "1班", "走读", "在校", "低保", "2019秋"]], sheet="学生名册"),
        write_xlsx(tmp_path / "发放名册.xlsx", PAY, [
            ["城关中学", "甲", IDS["A"], "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-11-05"],
            ["河口中学", "乙", IDS["B"], "义务教育寄宿生生活补助", "625", "2019秋", "2019-11-30"],
            ["河口中学", "丙", IDS["C"], "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-10-20"]]),
    ]
    assert cli("import", *files).exit_code == 0


def _sheet(path, name) -> list[tuple]:
    return list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))


def test_monthly_details_list_who_is_behind_each_figure(cli, tmp_path):
    _county(cli, tmp_path)
    result = cli("report", "monthly", "--month", "2019-11", "--details", tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "明细_月报_2019-11.xlsx"
    assert f"已写入 {path}" in result.stderr
    poor = _sheet(path, "在籍建档立卡明细")
    assert poor[1][:4] == ("归属乡镇", "学校", "姓名", "身份证号（隐去中间）")
    assert [r[:4] for r in poor[2:]] == [("城关镇", "城关中学", "甲", IDS["A"][:6] + "********" + IDS["A"][-4:]),
                                         ("河口乡", "河口中学", "乙", IDS["B"][:6] + "********" + IDS["B"][-4:])]
    assert poor[2][-3:] == ("学籍.xlsx", "学生名册", 2)  # file, sheet and row of the source
    paid = _sheet(path, "本月发放明细")
    header = paid[1]
    rows = [dict(zip(header, r, strict=True)) for r in paid[2:]]
    assert [(r["姓名"], r["金额（元）"], r["行"]) for r in rows] == [("甲", 312.5, 2), ("乙", 625, 3)]  # not 丙's October
    index = _sheet(path, "索引")
    line = next(r for r in index if r[:3] == ("河口乡", "本月资助发放／合计", "人数（笔数、件数）"))
    assert line[3:] == (1, "本月发放明细", "归属乡镇＝河口乡", 1, 1, "条数", "是")
    assert len([r for r in rows if r["归属乡镇"] == "河口乡"]) == line[3]  # the count is its list's length
    money = next(r for r in index if r[:3] == ("全县", "本月资助发放／合计", "金额（元）"))
    assert money[3] == 937.5 and money[7] == 937.5
    assert not any(IDS[k] in str(cell) for r in index + poor + paid for cell in r for k in IDS)


def test_summary_details_and_misuse(cli, tmp_path):
    _county(cli, tmp_path)
    out = tmp_path / "明细"
    deeper = cli("report", "summary", "--year", "2019", "--details", out / "下一级")
    assert deeper.exit_code == 2  # only the last folder of the path is made
    assert not (tmp_path / "总结_2019.xlsx").exists() and not out.exists()
    result = cli("report", "summary", "--year", "2019", "--details", out, "-q")
    assert result.exit_code == 0, result.output
    roll = _sheet(out / "明细_总结_2019.xlsx", "学籍明细")
    assert len(roll) - 2 == 3
    index = _sheet(out / "明细_总结_2019.xlsx", "索引")
    total = next(r for r in index if r[:3] == ("学生", "合计", "学籍人数"))
    assert total[3] == 3 and total[6] == 3
    assert any("教师、控辍保学指标" in str(r[0]) for r in index[:4])  # the tables without lists say so
