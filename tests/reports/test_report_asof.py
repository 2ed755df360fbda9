"""--as-of: a report for a past time sees the ledger as it stood then, however much was imported or recorded since;
and a report run while an import is in progress sees all of that import or none of it."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from conftest import ROLL_HEADER, is_postgres, make_id, query, roll_rows, sheet_values, write_xlsx
from jiaoyu_fupin.sample import NOTE_FILE, generate


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    generate(folder, seed=2019, scale=0.02)
    return folder, json.loads((folder / NOTE_FILE).read_text(encoding="utf-8"))


def _import_sample(cli, folder: Path) -> None:
    result = cli("import", *sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".csv")))
    assert result.exit_code == 0, result.output


def _edited(source: Path, target: Path, header_row: int, edit) -> Path:
    wb = openpyxl.load_workbook(source)
    ws = wb.active if len(wb.worksheets) == 1 else wb.worksheets[-1]
    header = [c.value for c in ws[header_row]]
    edit(ws, {name: i + 1 for i, name in enumerate(header) if name}, header_row)
    wb.save(target)
    return target


def _change_everything(cli, folder: Path, note: dict, tmp_path: Path) -> None:
    """After the cut: a corrected roll (changed rows and a new student), a corrected registry, a new payment,
    a dropout scan, a case closed, pairings written by pair assign."""
    roll = note["files"]["学籍_2019秋.xlsx"]

    def fix_roll(ws, col, top):
        for r in range(top + 1, top + 4):
            cell = ws.cell(r, col["就读方式"])
            cell.value = "走读" if cell.value == "住校" else "住校"
        ws.cell(top + 5, col["学籍状态"]).value = "辍学"
        ws.cell(top + 6, col["班级"]).value = "9班"
        last = ws.max_row
        new = [c.value for c in ws[last]]
        old_id = str(new[col["身份证件号"] - 1])
        born = date(int(old_id[6:10]), int(old_id[10:12]), int(old_id[12:14]))
        new[col["身份证件号"] - 1] = make_id(born, 987)
        new[col["姓名"] - 1] = "新来生"
        if "全国学籍号" in col:
            new[col["全国学籍号"] - 1] = "G" + make_id(born, 987)
        ws.append(new)

    def fix_registry(ws, col, top):
        township = next(c for c in col if c in ("乡镇", "乡"))
        ws.cell(top + 1, col[township]).value = "改过的乡镇"

    files = [_edited(folder / "学籍_2019秋.xlsx", tmp_path / "学籍_2019秋_更正.xlsx", roll["header_row"], fix_roll),
             _edited(folder / "国扶办_建档立卡人员.xlsx", tmp_path / "国扶办_更正.xlsx",
                     note["files"]["国扶办_建档立卡人员.xlsx"]["header_row"], fix_registry)]
    result = cli("import", *files)
    assert result.exit_code == 0, result.output
    assert "变更 0" not in result.output.split("国扶办_更正.xlsx")[1].splitlines()[0]
    school, student, id_number, name = query(cli.db,
        "SELECT sc.name, s.id, s.id_number, s.name FROM enrollments e JOIN students s ON s.id = e.student_id"
        " JOIN schools sc ON sc.id = e.school_id WHERE e.term = '2019秋' AND e.status = '在校'"
        " ORDER BY e.id LIMIT 1")[0]
    imported_case = query(cli.db, "SELECT id FROM dropout_cases WHERE origin = 'ledger' ORDER BY id LIMIT 1")[0][0]
    pay = write_xlsx(tmp_path / "补发.xlsx", ["学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"],
                     [[school, name, id_number, "学前教育幼儿资助", "750", "2019秋", "2019-11-15"]])
    assert cli("import", pay).exit_code == 0
    assert cli("dropout", "scan", "--term", "2019秋").exit_code == 1
    assert cli("dropout", "close", imported_case, "--as", "returned", "--school", school,
               "--reason", "已返校").exit_code == 0
    unpaired = note["planted"]["unpaired"]["cases"][0]["school"]
    assert cli("pair", "assign", "--school", unpaired, "--term", "2019秋").exit_code == 0


def _tables(db) -> dict[str, list[tuple]]:
    """Every table's rows (but the history and the schema steps) as stored, on either database."""
    from sqlmodel import SQLModel

    tables = {n: t for n, t in SQLModel.metadata.tables.items() if n != "row_versions"}
    return {n: query(db, f'SELECT {", ".join(c.name for c in t.columns)} FROM "{n}" ORDER BY id')  # noqa: S608
            for n, t in tables.items()}


def test_snapshot_is_the_ledger_as_it_stood(cli, sample, tmp_path):
    from jiaoyu_fupin.store.asof import snapshot
    from jiaoyu_fupin.store.ledger import Ledger

    folder, note = sample
    _import_sample(cli, folder)
    expected = _tables(cli.db)
    cut = datetime.now()
    time.sleep(0.01)
    _change_everything(cli, folder, note, tmp_path)
    now = _tables(cli.db)
    assert any(now[t] != expected[t] for t in ("students", "enrollments", "registry_people", "payments", "pairings",
                                               "dropout_cases", "dropout_events", "batches"))
    ledger = Ledger(cli.db)
    with snapshot(ledger, cut) as copy:
        rebuilt = _tables(Path(copy.engine.url.database))  # a SQLite copy, from either database
    ledger.close()
    for table in expected:
        assert rebuilt[table] == expected[table], table


def _cells(path: Path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    sheets = {ws.title: sheet_values(ws) for ws in wb.worksheets}
    # The as-of sheet says how the data was read and when the file was printed: the rest must be the same.
    sheets["数据来源"] = [r for r in sheets["数据来源"] if not (r and str(r[0]).startswith(("截至时间之后", "台账在截至时间之后", "生成时间")))]
    return sheets


def test_a_past_report_gives_the_same_cells_after_later_imports(cli, sample, tmp_path):
    folder, note = sample
    _import_sample(cli, folder)
    cut = f"{datetime.now():%Y-%m-%d %H:%M:%S.%f}"
    time.sleep(0.01)

    def reports(out: Path, *as_of: str) -> dict[str, dict]:
        out.mkdir()  # reports go into a folder that exists
        assert cli("report", "monthly", "--month", "2019-11", "--out", out, *as_of, "-q").exit_code == 0
        assert cli("report", "summary", "--year", "2019", "--out", out / "总结.xlsx", *as_of, "-q").exit_code == 0
        return {"monthly": _cells(out / "月报_2019-11.xlsx"), "summary": _cells(out / "总结.xlsx")}

    before = reports(tmp_path / "before", "--as-of", cut)
    _change_everything(cli, folder, note, tmp_path)
    again = reports(tmp_path / "again", "--as-of", cut)
    assert again == before
    now = reports(tmp_path / "now")  # the changes do show without --as-of: the comparison above can fail
    assert now["monthly"]["全县"] != before["monthly"]["全县"]
    assert now["summary"]["学生"] != before["summary"]["学生"]


def _big_roll(path: Path, n: int) -> Path:
    first = date(2012, 9, 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow([*ROLL_HEADER, "学期"])
        for i in range(n):
            born = first + timedelta(days=i % 360)
            out.writerow([f"学生{i}", "男" if (i // 360 + 1) % 2 else "女", make_id(born, i // 360 + 1), "城关第一小学",
                          "小学", "一年级", f"{i % 40 + 1}班", "走读", "在校", "2019秋"])
    return path


def _writer_active(db) -> bool:
    if is_postgres(db):
        from jiaoyu_fupin.store.dialect import WRITER_LOCK

        return bool(query(db, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = ? AND granted",
                          (WRITER_LOCK,)))
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def test_a_report_during_an_import_sees_all_of_it_or_none(cli, schools, tmp_path):
    small = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER + ["学期"], [[*r, "2019秋"] for r in roll_rows()])
    assert cli("import", small).exit_code == 0
    n = 40_000
    big = _big_roll(tmp_path / "大学籍.csv", n)
    fupin = Path(sys.executable).with_name("fupin")
    importing = subprocess.Popen([str(fupin), "--db", str(cli.db), "import", str(big)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not _writer_active(cli.db):
            assert importing.poll() is None, importing.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.005)
        result = cli("report", "summary", "--year", "2019", "--out", tmp_path / "during.xlsx", "-q")
        still_running = importing.poll() is None
    finally:
        out, errors = importing.communicate(timeout=300)
    assert importing.returncode == 0, out + errors
    assert result.exit_code == 0, result.output
    students = [r for r in _cells(tmp_path / "during.xlsx")["学生"] if r and r[0] == "合计"][0][1]
    assert students in (3, 3 + n)
    if still_running:  # the import had not committed when the report finished: it cannot have seen any of it
        assert students == 3
    assert cli("report", "summary", "--year", "2019", "--out", tmp_path / "after.xlsx", "-q").exit_code == 0
    assert [r for r in _cells(tmp_path / "after.xlsx")["学生"] if r and r[0] == "合计"][0][1] == 3 + n


def test_as_of_parsing():
    from jiaoyu_fupin.store.asof import AsOfError, parse_as_of

    assert parse_as_of("2019-11-20") == datetime(2019, 11, 20, 23, 59, 59, 999999)  # the end of that day
    assert parse_as_of("2019/11/20 07:00") == datetime(2019, 11, 20, 7, 0)
    assert parse_as_of("2019-11-20T07:00:05") == datetime(2019, 11, 20, 7, 0, 5)
    with pytest.raises(AsOfError):
        parse_as_of("11月20日")
