"""The sample county through the scan and the rates: the planted out-of-school children found exactly, and every
rate recomputed here straight from the sample's files with plain Python (independently of fupin.rates)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import openpyxl

from helpers.ledger import Cli
from helpers.sample_ledger import SCALE


def _read(folder, note, name) -> list[dict]:
    if name.endswith(".csv"):
        return list(csv.DictReader(io.StringIO((folder / name).read_bytes().decode("gbk"))))
    wb = openpyxl.load_workbook(folder / name, read_only=True)
    rows = list(wb[note["files"][name]["sheet"]].iter_rows(values_only=True))
    wb.close()
    header = rows[note["files"][name]["header_row"] - 1]
    return [dict(zip(header, r, strict=False)) for r in rows[note["files"][name]["header_row"]:]]


def _born(id_number: str) -> str:
    return f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"


def _aged(id_number: str, low: int, high: int) -> bool:
    """Aged low..high on 31 August 2019, from the ID number, written out without fupin's helpers."""
    return f"{2019 - high - 1}-09-01" <= _born(id_number) <= f"{2019 - low}-08-31"


def test_scan_finds_exactly_the_planted_children(sample_ledger, sample_county):
    cli, folder, note = sample_ledger, sample_county.folder, sample_county.note
    result = cli("dropout", "scan", "--term", "2019秋", "--json", "--date", "2019-12-01")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    planted = {c["id_number"] for c in note["planted"]["out_of_school"]["cases"]}
    assert len(planted) == max(1, round(20 * SCALE))
    new = {c["id_number"] for c in doc["cases"] if c["new"]}
    assert new == planted
    assert all(c["origin"] == "scan" and c["registered_poor"] for c in doc["cases"] if c["new"])
    # The roll's 辍学 rows, counted separately: already open cases from the imported 辍学台账, not opened again.
    fall = _read(folder, note, "学籍_2019秋.xlsx")
    dropped = {r["身份证件号"] for r in fall if r["学籍状态"] == "辍学"}
    assert dropped == {c["id_number"] for c in note["roll_status_2019秋"]["辍学"]}
    assert doc["summary"]["roll_dropouts"] == len(dropped) and doc["summary"]["suspects"] == len(planted)
    ledger = {c["id_number"] for c in doc["cases"] if c["origin"] == "ledger"}
    returned = {c["id_number"] for c in note["returned_dropouts"]}
    assert ledger == dropped | returned
    assert {c["id_number"] for c in doc["cases"]} == planted | dropped | returned
    # The returned ones are on the autumn roll again: the list says so, for the clerk to close them.
    assert all(c["roll"].startswith("2019秋在校") for c in doc["cases"] if c["id_number"] in returned)


def test_scan_without_the_dropout_ledger_opens_the_roll_dropouts_too(sample_county, tmp_path):
    folder, note = sample_county.folder, sample_county.note
    cli = Cli(tmp_path / "fupin.db")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".csv") and p.name != "辍学台账.xlsx")
    assert cli("import", *files).exit_code == 0
    doc = json.loads(cli("dropout", "scan", "--term", "2019秋", "--json", "--date", "2019-12-01").stdout)
    by_origin = Counter(c["origin"] for c in doc["cases"])
    planted = {c["id_number"] for c in note["planted"]["out_of_school"]["cases"]}
    dropped = {c["id_number"] for c in note["roll_status_2019秋"]["辍学"]}
    assert by_origin == {"scan": len(planted), "roll": len(dropped)}
    assert {c["id_number"] for c in doc["cases"] if c["origin"] == "roll"} == dropped
    again = json.loads(cli("dropout", "scan", "--term", "2019秋", "--json").stdout)
    assert again["summary"]["new_cases"] == 0 and len(again["cases"]) == len(doc["cases"])


def test_rates_match_a_count_from_the_files(sample_ledger, sample_county):
    cli, folder, note = sample_ledger, sample_county.folder, sample_county.note
    result = cli("rates", "--year", "2019", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    got = {r["indicator"]: (r["numerator"], r["denominator"]) for r in doc["rates"]}
    fall = _read(folder, note, "学籍_2019秋.xlsx")
    away = _read(folder, note, "县外就读_建档立卡学生.xlsx")
    people = [r["公民身份号码"] for r in _read(folder, note, "户籍适龄儿童.csv")]
    rank = {"学前": 0, "小学": 1, "初中": 2, "普通高中": 3, "中职": 3, "高职": 4, "特殊教育": 1}
    studying = [(r["身份证件号"], rank[r["学段"]]) for r in fall if r["学籍状态"] == "在校"]
    studying += [(r["身份证号码"], rank[r["学段"]]) for r in away]

    def net(low, high, level):
        at_level = {i for i, k in studying if k >= level}
        of_age = [i for i in people if _aged(i, low, high)]
        return sum(i in at_level for i in of_age), len(of_age)

    def gross(stages, low, high):
        return (sum(r["学段"] in stages and r["学籍状态"] == "在校" for r in fall),
                sum(_aged(i, low, high) for i in people))

    assert got["preschool_gross_enrollment"] == gross({"学前"}, 3, 5)
    assert got["primary_net_enrollment"] == net(6, 11, 1)
    assert got["junior_net_enrollment"] == net(12, 14, 2)
    assert got["senior_gross_enrollment"] == gross({"普通高中", "中职"}, 15, 17)
    compulsory = {r["身份证件号"] for r in fall if r["学段"] in ("小学", "初中", "特殊教育")}
    left = {r["身份证号码"] for r in _read(folder, note, "辍学台账.xlsx") if "2019-09" <= r["辍学年月"] <= "2020-08"}
    left |= {r["身份证件号"] for r in fall if r["学籍状态"] == "辍学"}
    assert got["dropout_rate"] == (len(left & compulsory), len(compulsory))
    # Retention from the statistics table: graduates of 2018-2019 over the 2010 entrants plus the cohort's
    # transfers (grade k in school year 2010 + k - 1).
    stats = _read(folder, note, "教育事业统计_小学初中.xlsx")
    grades = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级")
    cohort = [r for r in stats if grades.index(r["年级"]) + 2010 == int(r["学年"][:4])]
    entrants = sum(r["招生数"] for r in stats if r["学年"] == "2010-2011学年" and r["年级"] == "一年级")
    graduates = sum(r["毕业生数"] for r in stats if r["学年"] == "2018-2019学年" and r["年级"] == "九年级")
    moved = sum(r["转入"] for r in cohort) - sum(r["转出"] for r in cohort)
    assert got["compulsory_retention"] == (graduates, entrants + moved)
    r = note["retention_2019"]
    assert (r["graduates"], r["denominator"]) == (graduates, entrants + moved)


def test_statistics_table_agrees_with_the_rolls(sample_county):
    folder, note = sample_county.folder, sample_county.note
    stats = _read(folder, note, "教育事业统计_小学初中.xlsx")
    fall = Counter((r["学校名称"], r["年级"]) for r in _read(folder, note, "学籍_2019秋.xlsx")
                   if r["学段"] in ("小学", "初中"))
    spring = Counter(r["学校名称"] for r in _read(folder, note, "学籍_2019春.xlsx") if r["年级"] == "九年级")
    now = {(r["学校名称"], r["年级"]): r["在校生数"] for r in stats if r["学年"] == "2019-2020学年"}
    assert now == dict(fall)
    leavers = {r["学校名称"]: r["毕业生数"] for r in stats if r["学年"] == "2018-2019学年" and r["年级"] == "九年级"}
    assert leavers == dict(spring)
    assert {r["学年"] for r in stats} == {f"{y}-{y + 1}学年" for y in range(2009, 2020)}
