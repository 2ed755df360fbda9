"""fupin student show / find: one student's story, every line naming its file, sheet and row; IDs masked."""

from __future__ import annotations

import json

from conftest import write_xlsx
from helpers.subsidy_ledger import IDS, PAY, check, ledger, paid, student

BOARD = "义务教育寄宿生生活补助"


def _county(cli, tmp_path):
    ledger(cli, tmp_path, [student("A", "甲", "城关中学", "初中", "七年级", "住校", "建档立卡"),
                           student("B", "甲", "城关第一小学", "小学", "二年级", "走读", ""),
                           student("C", "丙甲", "城关中学", "初中", "八年级", "走读", "")],
           [paid("A", "甲", BOARD, "600")],
           registry=[[IDS["A"], "甲", "4228220001", "城关镇"]])
    assert check(cli)[0] == 1


def test_show_names_the_file_sheet_and_row_of_every_line(cli, tmp_path):
    _county(cli, tmp_path)
    result = cli("student", "show", IDS["A"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert IDS["A"] not in text and IDS["A"][:6] + "********" + IDS["A"][-4:] in text
    assert "建档立卡学生" in text and "按建档立卡学生计（国扶办名单中有此人）" in text
    assert "2019秋  城关中学 七年级 1班 住校 在校\n      来源：文件“学籍.xlsx”工作表“Sheet1”第 2 行" in text
    assert "2019秋  义务教育寄宿生生活补助 600 元" in text and "来源：文件“发放名册.xlsx”工作表“Sheet1”第 2 行" in text
    assert "国扶办建档立卡名单中有此人：户编号 4228220001\n      来源：文件“国扶办.xlsx”工作表“Sheet1”第 2 行" in text
    assert "金额与标准不符" in text


def test_show_json_masks_unless_full(cli, tmp_path):
    _county(cli, tmp_path)
    doc = json.loads(cli("student", "show", IDS["A"], "--json").stdout)
    assert doc["id_number"] != IDS["A"] and doc["birth_date"] is None and doc["registered_poor"] is True
    sources = [line["source"] for line in doc["lines"] if line["section"] in ("学籍", "资助")]
    assert sources and all(s["file"] and s["sheet"] and s["row"] for s in sources)
    full = json.loads(cli("student", "show", IDS["A"], "--json", "--full").stdout)
    assert full["id_number"] == IDS["A"] and full["birth_date"] == "2007-01-01"


def test_show_of_someone_paid_but_on_no_roll(cli, tmp_path):
    from helpers.subsidy_ledger import UNKNOWN

    _county(cli, tmp_path)
    roster = write_xlsx(tmp_path / "名册3.xlsx", PAY, [paid(UNKNOWN, "无名", BOARD, "625")])
    assert cli("import", roster).exit_code == 0
    text = cli("student", "show", UNKNOWN).output
    assert "任何学籍名册和县外就读名单中都没有此人" in text and "名册外人员" in text
    assert text.count("元，") == 1 and "来源：文件“名册3.xlsx”工作表“Sheet1”第 2 行" in text


def test_show_of_an_unknown_number_says_so(cli, tmp_path):
    _county(cli, tmp_path)
    result = cli("student", "show", "110101200001010010")
    assert result.exit_code == 1 and "台账中没有" in result.output and "110101200001010010" not in result.output


def test_find_lists_namesakes_masked_and_narrows_by_school(cli, tmp_path):
    _county(cli, tmp_path)
    doc = json.loads(cli("student", "find", "甲", "--json").stdout)
    assert sorted(m["school"] for m in doc) == ["城关中学", "城关第一小学"]  # exact name first; 丙甲 only contains it
    assert all("*" in m["id_number"] for m in doc) and all(m["source"]["row"] for m in doc)
    doc = json.loads(cli("student", "find", "甲", "--school", "第一小学", "--json").stdout)
    assert [m["grade"] for m in doc] == ["二年级"]
    shown = cli("student", "find", "丙").output
    assert "丙甲" in shown and "学籍.xlsx" in shown
    assert cli("student", "find", "无此人").exit_code == 1


def test_a_roll_correction_shows_the_file_that_now_holds_the_row(cli, tmp_path):
    _county(cli, tmp_path)
    roster = write_xlsx(tmp_path / "名册2.xlsx", PAY, [paid("A", "甲", BOARD, "625")])
    batches = json.loads(cli("batches", "--json").stdout)
    first = [b["id"] for b in batches if b["file_name"] == "发放名册.xlsx"][0]
    assert cli("import", roster, "--replaces", first).exit_code == 0
    text = cli("student", "show", IDS["A"]).output
    assert "600 元" not in text and "625 元" in text and "名册2.xlsx" in text and "金额与标准不符" not in text


def test_show_full_is_recorded_in_the_audit_and_masked_show_is_not(cli, tmp_path):
    _county(cli, tmp_path)
    assert cli("student", "show", IDS["A"]).exit_code == 0
    assert json.loads(cli("audit", "--json").stdout) == [] or all(
        "student" not in r["command"] for r in json.loads(cli("audit", "--json").stdout))
    assert cli("student", "show", IDS["A"], "--full").exit_code == 0
    records = [r for r in json.loads(cli("audit", "--json").stdout) if "student" in r["command"]]
    assert len(records) == 1 and records[0]["people"] == 1 and records[0]["output"] == "标准输出"
    assert IDS["A"] not in records[0]["command"] and IDS["A"][:6] in records[0]["command"]
