"""The sample county end to end: its files imported, `fupin pair check` finds exactly the planted pairing cases."""

from __future__ import annotations

import json
from collections import Counter

import openpyxl


def _rows(path, header_row: int) -> list[dict]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return [dict(zip(rows[header_row - 1], r, strict=False)) for r in rows[header_row:]]


def test_planted_pairing_cases_are_in_the_files(sample_county):
    folder, note = sample_county.folder, sample_county.note
    planted = note["planted"]
    assert len(planted["six_ones_overdue"]["cases"]) == 4 and len(planted["oversight_gap"]["cases"]) == 6
    log = _rows(folder / "结对帮扶记录_2019秋.xlsx", 2)
    per_pair = Counter((r["帮扶责任人身份证号"], r["学生身份证号"]) for r in log)
    pairs = _rows(folder / "结对帮扶.xlsx", 1)
    # Every pairing records fourteen items, except the three planted ones that miss one (the fourth moved one).
    short = {k for k, n in per_pair.items() if n != 14}
    assert len(per_pair) == len(pairs) and all(per_pair[k] == 13 for k in short) and len(short) == 3
    assert {c["helper_id_number"] for c in planted["six_ones_overdue"]["cases"]} >= {h for h, _ in short}
    chain = _rows(folder / "包保责任.xlsx", 1)
    covered = {(r["包保层级"], r["包保乡镇"] or r["包保学校"]) for r in chain}
    for case in planted["oversight_gap"]["cases"]:
        if case["level"] != "class":
            assert (("乡镇" if case["level"] == "township" else "学校"), case["place"]) not in covered


def test_check_finds_exactly_the_planted_cases(sample_ledger, sample_county):
    cli, note = sample_ledger, sample_county.note
    result = cli("pair", "check", "--term", "2019秋", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    planted = {k: v["cases"] for k, v in note["planted"].items()}
    found: dict[str, list[dict]] = {}
    for f in doc["findings"]:
        found.setdefault(f["kind"], []).append(f)
    assert set(found) == {"unpaired", "helper_left_school", "six_ones_overdue", "oversight_gap"}
    assert sorted(f["id_number"] for f in found["unpaired"]) == sorted(c["id_number"] for c in planted["unpaired"])
    assert sorted((f["id_number"], f["helper_id"]) for f in found["helper_left_school"]) == sorted(
        (c["id_number"], c["helper_id_number"]) for c in planted["pairing_school_mismatch"])
    assert sorted((i["id_number"], f["helper_id"], i["item"], i["month"]) for f in found["six_ones_overdue"]
                  for i in f["items"]) == sorted((c["id_number"], c["helper_id_number"], c["item"], c["month"])
                                                 for c in planted["six_ones_overdue"])
    assert sorted((f["level"], f["place"]) for f in found["oversight_gap"]) == sorted(
        (c["level"], c["place"]) for c in planted["oversight_gap"])
    s = doc["summary"]
    assert s["registered_poor_enrolled"] == s["paired"] + len(planted["unpaired"])
    assert s["six_ones"]["overdue"] == 4 and s["six_ones"]["due"] == 14 * s["current_pairings"]
