"""Every ID cell's type is checked on every import: a number Excel kept of an 18-digit ID is refused even when
its digits pass the check, in .xlsx and .xls; a 15-digit old ID stored as a number is accepted and upgraded."""

from __future__ import annotations

from datetime import date

import pytest

from helpers.files import ROLL_HEADER, make_id, roll_rows, write_xlsx
from jiaoyu_fupin.core.idnumber import is_valid, upgrade15

# What Excel keeps of 422822200803151234 typed as a number: 15 significant digits. The reader spells the double
# out as 422822200803150976, which passes the check digit: only the cell's type shows the damage.
KEPT = 422822200803151000
SPELLED = "422822200803150976"
PAY_HEADER = ["序号", "学校名称", "姓名", "身份证号码", "资助项目", "资助金额", "学期", "发放日期"]


def _xls(path, header: list, rows: list[list]):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("补发")
    for c, h in enumerate(header):
        sheet.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            sheet.write(r, c, v)
    book.save(str(path))
    return path


def test_the_spelled_out_number_passes_the_check_digit():
    assert is_valid(SPELLED) and str(int(float(KEPT))) == SPELLED


@pytest.mark.parametrize("suffix", ["xlsx", "xls"])
def test_a_one_row_roster_with_an_id_stored_as_a_number_is_refused(tmp_path, cli, suffix):
    row = [1, "城关中学", "张小明", KEPT, "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-11-20"]
    path = tmp_path / f"补发.{suffix}"
    if suffix == "xlsx":
        write_xlsx(path, PAY_HEADER, [row])
    else:
        _xls(path, PAY_HEADER, [row])
    before = cli.counts()
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "第 2 行" in result.output and "“身份证号码”列（D 列）" in result.output
    assert "身份证号被 Excel 存成了数字（科学计数法 4.22822E+17）" in result.output
    assert SPELLED not in result.output
    assert cli.counts() == before


def test_one_number_cell_among_text_ids_is_refused(tmp_path, cli, schools):
    rows = roll_rows()
    rows[1][2] = KEPT
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows, text_columns=())
    before = cli.counts()
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 1, result.output
    assert "第 3 行" in result.output and "Excel 存成了数字" in result.output
    assert "第 2 行" not in result.output and "第 4 行" not in result.output
    assert cli.counts() == before


@pytest.mark.parametrize("suffix", ["xlsx", "xls"])
def test_a_15_digit_old_id_stored_as_a_number_is_upgraded(tmp_path, cli, db, suffix):
    old = "422822080315123"
    row = [1, "城关中学", "张小明", int(old), "义务教育非寄宿生生活补助", "312.5", "2019秋", "2019-11-20"]
    path = tmp_path / f"补发.{suffix}"
    if suffix == "xlsx":
        write_xlsx(path, PAY_HEADER, [row])
    else:
        _xls(path, PAY_HEADER, [row])
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "1 个 15 位旧身份证号被 Excel 存成了数字" in result.output and "已按国家标准升为 18 位" in result.output
    from sqlalchemy import text

    from jiaoyu_fupin.store.ledger import Ledger

    ledger = Ledger(db)
    with ledger.engine.connect() as conn:
        assert conn.execute(text("SELECT id_number FROM payments")).scalars().all() == [upgrade15(old)]
    ledger.close()


def test_text_ids_ending_like_a_number_are_accepted(tmp_path, cli, schools):
    """The same 18 digits typed as text are an ID like any other: the type decides, not the digits."""
    rows = roll_rows()
    rows[1][2] = SPELLED
    rows[0][2] = make_id(date(2007, 3, 15), 100)  # an ID ending in 000 and sound
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows, text_columns=(2,))
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 0, result.output


def test_number_cells_are_found_across_the_scans_chunks(tmp_path, monkeypatch):
    from jiaoyu_fupin.importers import celltypes
    from jiaoyu_fupin.importers.reader import read_tables

    rows = [[f"学生{i}", "男", KEPT if i % 7 == 3 else make_id(date(2007, 3, 15), i), "城关中学", "初中", "七年级"]
            for i in range(300)]
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER[:6], rows)
    monkeypatch.setattr(celltypes, "_CHUNK", 97)  # every tag of the sheet is cut somewhere
    table = read_tables(path)[0]
    found = celltypes.numeric_cells(table, table.fields["id_number"])
    assert [int(r) for r in table.rows[found]] == [i + 2 for i in range(300) if i % 7 == 3]
    table.typed.clear()
    assert (celltypes._read_cell_by_cell(table, table.fields["id_number"]) == found).all()
