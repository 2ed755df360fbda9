"""row_versions: an import that changes stored rows keeps what they said before, stamped with both batches."""

from __future__ import annotations

import json
from datetime import date

from helpers.files import ROLL_HEADER, make_id, roll_rows, write_xlsx
from helpers.ledger import query


def _versions(db) -> list[tuple]:
    return query(db, "SELECT table_name, row_id, batch_id, replaced_by_batch, data FROM row_versions ORDER BY id")


def test_reimport_keeps_the_replaced_student_and_enrollment(cli, schools, tmp_path):
    rows = roll_rows()
    first = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows)
    assert cli("import", first, "--term", "2019秋").exit_code == 0
    assert cli("import", first, "--term", "2019秋").exit_code == 0  # unchanged: nothing kept
    assert _versions(cli.db) == []
    rows[0][1] = "女"  # a student field
    rows[1][7] = "走读"  # an enrollment field (was 住校)
    corrected = write_xlsx(tmp_path / "学籍_改.xlsx", ROLL_HEADER, rows)
    result = cli("import", corrected, "--term", "2019秋")
    assert result.exit_code == 0, result.output
    kept = _versions(cli.db)
    by_table = {(t, json.loads(d).get("sex") or json.loads(d).get("boarding")): (b, r) for t, _, b, r, d in kept}
    batches = [r[0] for r in query(cli.db, "SELECT id FROM batches WHERE kind = 'roll' ORDER BY id")]
    assert batches == [2, 3]
    # The student's old sex and the enrollment's old boarding flag, written by batch 2, replaced by batch 3.
    assert by_table[("students", "男")] == (2, 3)
    assert by_table[("enrollments", 1)] == (2, 3)
    assert sorted(t for t, *_ in kept) == ["enrollments", "students"]


def test_registry_reimport_keeps_the_replaced_person(cli, tmp_path):
    header = ["户编号", "姓名", "证件号码", "与户主关系", "乡镇"]
    n = make_id(date(2010, 4, 1), 7)
    first = write_xlsx(tmp_path / "国扶办.xlsx", header, [["H001", "赵一", n, "之子", "城关镇"]], text_columns=(2,))
    assert cli("import", first).exit_code == 0
    second = write_xlsx(tmp_path / "国扶办2.xlsx", header, [["H001", "赵一", n, "之子", "青岭镇"]], text_columns=(2,))
    result = cli("import", second)
    assert result.exit_code == 0, result.output
    kept = [(t, b, r, json.loads(d)) for t, _, b, r, d in _versions(cli.db)]
    people = [k for k in kept if k[0] == "registry_people"]
    assert len(people) == 1
    assert people[0][1:3] == (1, 2) and people[0][3]["township"] == "城关镇" and people[0][3]["id_number"] == n
