"""The summary's charts print their axes readably: a county paying a few thousand 元 sees 0.1, 0.2 … 万元 on the
y-axis, not "0 0 0 1" (an axis format of whole numbers over values below one)."""

from __future__ import annotations

import re
import zipfile
from datetime import date

from helpers.files import make_id, write_xlsx

ROLL = ["姓名", "身份证件号", "学校名称", "学段", "年级", "班级", "就读方式", "学籍状态", "家庭经济困难类别", "学期"]
PAY = ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]
A, B = make_id(date(2004, 3, 1), 31), make_id(date(2007, 1, 2), 32)


def _axis_formats(path) -> dict[str, list[str]]:
    with zipfile.ZipFile(path) as z:
        xml = [z.read(n).decode("utf-8") for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    out = {}
    for text in xml:
        title = re.search(r"<a:t>([^<]*)</a:t>", text)[1]
        value_axis = re.search(r"<valAx>.*?</valAx>", text, re.S)[0]
        out[title] = re.findall(r'<numFmt formatCode="([^"]*)"', value_axis)
    return out


def test_small_amounts_in_wan_show_on_the_axis(cli, schools, tmp_path):
    files = [
        write_xlsx(tmp_path / "学籍.xlsx", ROLL, [
            ["甲", A, "县第一高级中学", "普通高中", "高一", "1班", "住校", "在校", "建档立卡", "2019秋"],
            ["乙", B, "城关中学", "初中", "七年级", "1班", "走读", "在校", "建档立卡", "2019秋"]]),
        write_xlsx(tmp_path / "发放名册.xlsx", PAY, [
            ["县第一高级中学", "甲", A, "普通高中国家助学金", "1000", "2019秋", "2019-11-05"],
            ["城关中学", "乙", B, "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-11-05"]]),
    ]
    assert cli("import", *files).exit_code == 0
    result = cli("report", "summary", "--year", "2019", "--out", "总结.xlsx", "-q")
    assert result.exit_code == 0, result.output
    formats = _axis_formats(tmp_path / "总结.xlsx")
    # 0.1000 and 0.0313 万元: the axis keeps a decimal (0.0, 0.1 …) and shows more where the steps need them.
    assert formats["全年资助金额（万元，按项目）"] == ["#,##0.0###"]
    assert formats["建档立卡学生（按学段、就读地）"] == ["#,##0"]  # people are whole
