"""`fupin pair handbook`: the 结对帮扶手册 a school archives, checked cell by cell."""

from __future__ import annotations

import openpyxl

from helpers.golden import sheet_values
from helpers.pairing_ledger import LI, WANG, ZHANG, PairingCounty, full_record


def test_handbook_cells(cli, tmp_path):
    pairing_county = PairingCounty()
    pairing_county.pairs[1][2] = "2019-10-15"  # 李二 paired mid-October: September is not owed
    pairing_county.activities = [r for r in pairing_county.activities if r[1] != LI and not (r[1] == ZHANG and r[2] == "家访")]
    pairing_county.activities += [r for r in full_record("T0001", "李二") if r[3] >= "2019-10-15"]
    pairing_county.load(cli, tmp_path / "in")
    out = tmp_path / "手册.xlsx"
    result = cli("pair", "handbook", "--school", "城关中学", "--term", "2019秋", "--as-of", "2020-01-20", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"已生成城关中学结对帮扶手册（2019秋）：{out}；责任人 2 名，结对学生 3 名"

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["目录", "王老师_0001", "刘老师_0002"]  # 吴校长 has no pairing: no page
    index = sheet_values(wb["目录"])
    assert index[0] == ["城关中学结对帮扶手册（2019秋）"]
    assert index[2:] == [["序号", "帮扶责任人", "职务", "结对学生", "六个一应做", "已做", "逾期", "未到期", "工作表"],
                         [1, "王老师", "教师", 2, 26, 23, 1, 2, "王老师_0001"],
                         [2, "刘老师", "班主任", 1, 14, 14, 0, 0, "刘老师_0002"]]

    ws = wb["王老师_0001"]
    rows = sheet_values(ws)
    assert rows[0] == ["结对帮扶手册（2019秋）"]
    assert rows[1] == ["帮扶责任人：王老师　　工作单位：城关中学　　职务：教师　　联系电话："]
    assert rows[3] == ["学生姓名", "身份证号", "就读学校", "年级", "班级", "结对日期", "结束日期", "计划", "家访", "实事", "总结",
                       "9月帮扶措施", "9月帮扶活动", "10月帮扶措施", "10月帮扶活动", "11月帮扶措施", "11月帮扶活动",
                       "12月帮扶措施", "12月帮扶活动", "1月帮扶措施", "1月帮扶活动"]
    zhang, li = rows[4], rows[5]
    assert zhang[:7] == ["张一", f"{ZHANG[:6]}********{ZHANG[-4:]}", "城关中学", "七年级", "1班", "2019-09-01", None]
    # As of 20 January the missing visit is not overdue yet: the term ends on 31 January.
    assert zhang[7:11] == ["2019-09-10", "未到期", "2019-11-20", "2020-01-10"]
    assert zhang[11:] == ["2019-09-05", "2019-09-20", "2019-10-05", "2019-10-20", "2019-11-05", "2019-11-20",
                          "2019-12-05", "2019-12-20", "2020-01-05", "2020-01-20"]
    assert li[5] == "2019-10-15" and li[11:13] == ["—", "—"] and li[13] == "逾期"  # October measure was due on the 5th
    assert li[7] == "未到期" and li[14] == "2019-10-20"
    records = rows[rows.index(["帮扶记录"]) + 1:]
    assert records[0] == ["日期", "学生", "项目", "内容"]
    assert records[1] == ["2019-09-05", "张一", "帮扶措施", "2019-09帮扶措施"]
    assert ["责任人签字：", None, None, "学校审核：", None, None, "日期："] in rows
    text = "\n".join(str(v) for row in rows for v in row if v)
    assert ZHANG not in text and LI not in text  # printed for the archive: IDs masked
    assert sheet_values(wb["刘老师_0002"])[4][:2] == ["王三", f"{WANG[:6]}********{WANG[-4:]}"]


def test_handbook_misuse(cli, tmp_path):
    PairingCounty().load(cli, tmp_path / "in")
    result = cli("pair", "handbook", "--school", "城关幼儿园", "--term", "2019秋", "--out", tmp_path / "x.xlsx")
    assert result.exit_code == 2 and "城关幼儿园在 2019秋 没有结对关系" in result.output
    assert not (tmp_path / "x.xlsx").exists()
    assert cli("pair", "handbook", "--school", "城关中学", "--term", "2019秋", "--out", tmp_path / "x.txt").exit_code == 2


def test_handbook_for_a_term_with_no_roll_is_refused(cli, tmp_path):
    """Pairings run on from term to term, so a handbook for 2020春 (no roll imported yet, or a --term left out at
    the start of a term) was written with every student shown as （本学期不在籍）: wrong, and printed for the archive."""
    PairingCounty().load(cli, tmp_path / "in")
    out = tmp_path / "手册.xlsx"
    result = cli("pair", "handbook", "--school", "城关中学", "--term", "2020春", "--out", out)
    assert result.exit_code == 2 and "台账中没有 2020春 的学籍记录" in result.output
    assert not out.exists()
