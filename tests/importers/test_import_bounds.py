"""Files made to exhaust the machine are refused, with the reason, before anything is allocated for them; a cell
longer than Excel allows is refused by row and column instead of a traceback."""

from __future__ import annotations

import csv
import re
import time
import zipfile

import openpyxl
import pytest

from helpers.files import SCHOOL_HEADER, SCHOOL_ROWS


def _xlsx(path, rows, *, dimension=None, extra=b"", replace=None, title="Sheet"):
    """A small workbook whose sheet XML is then edited as a hostile file would be."""
    wb = openpyxl.Workbook()
    wb.active.title = title
    for row in rows:
        wb.active.append(row)
    plain = path.with_suffix(".plain.xlsx")
    wb.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                if dimension:
                    data = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(), data)
                data = data.replace(b"</sheetData>", extra + b"</sheetData>")
                if replace:
                    data = data.replace(*replace)
            out.writestr(item, data)
    plain.unlink()
    return path


SCHOOLS = [SCHOOL_HEADER, *SCHOOL_ROWS]
FAR = b'<row r="9"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.mark.parametrize(("name", "kwargs", "why"), [
    # 5 KB, one cell at the last row of the last column: calamine asked for 512 GB and the process was killed.
    ("far.xlsx", {"extra": FAR}, "第 16,384 列"),
    ("far_t_first.xlsx", {"extra": b'<row r="9"><c t="inlineStr" r="ZZZ9"><is><t>x</t></is></c></row>'}, "第 18,278 列"),
    ("declared.xlsx", {"dimension": "A1:XFD1048576"}, "第 16,384 列"),
    ("rows.xlsx", {"extra": b'<row r="3000000"><c r="A3000000" t="inlineStr"><is><t>x</t></is></c></row>'},
     "3,000,000 行"),
    ("sparse.xlsx", {"extra": b'<row r="1500000"><c r="Z1500000" t="inlineStr"><is><t>x</t></is></c></row>'},
     "与文件大小不相称"),
])
def test_a_sheet_out_of_proportion_to_its_file_is_refused_before_it_is_read(tmp_path, cli, name, kwargs, why):
    assert cli("init").exit_code == 0
    before = cli.counts()
    path = _xlsx(tmp_path / name, SCHOOLS, **kwargs)
    assert path.stat().st_size < 10_000
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert why in result.output and "处理办法" in result.output, result.output
    assert cli.counts() == before


def test_the_sheet_out_of_bounds_is_named_as_its_tab_says(tmp_path, cli):
    assert cli("init").exit_code == 0
    result = cli("import", _xlsx(tmp_path / "far.xlsx", SCHOOLS, extra=FAR, title="学校名单"))
    assert result.exit_code == 1, result.output
    assert "文件中的工作表“学校名单”的单元格一直用到第 16,384 列" in result.output, result.output
    assert ".xml" not in result.output


def test_a_decompression_bomb_is_refused_in_the_time_it_takes_to_inflate_part_of_it(tmp_path, cli):
    """Rows without r= repeat to a few hundred times their compressed size; inflating stops at the limit."""
    from jiaoyu_fupin.importers import bounds

    assert cli("init").exit_code == 0
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'
    path = _xlsx(tmp_path / "bomb.xlsx", SCHOOLS, extra=row * ((bounds.RATIO_FROM + (4 << 20)) // len(row)))
    assert path.stat().st_size < bounds.RATIO_FROM // bounds.MAX_RATIO
    started = time.perf_counter()
    result = cli("import", path)
    assert result.exit_code == 1 and "压缩炸弹" in result.output, result.output
    assert time.perf_counter() - started < 10


def test_the_sample_files_are_within_bounds(sample_county):
    from jiaoyu_fupin.importers.bounds import check_workbook

    books = sorted(sample_county.folder.glob("*.xlsx"))
    # Every workbook the sample writes is checked (an empty glob would pass without checking anything).
    assert sorted(p.name for p in books) == sorted(n for n in sample_county.note["files"] if n.endswith(".xlsx"))
    for path in books:
        check_workbook(path)


def test_a_cell_of_a_megabyte_in_an_xlsx_is_refused_by_row_and_column(tmp_path, cli):
    assert cli("init").exit_code == 0
    rows = [*SCHOOLS, ["3452000009", "PLACEHOLDER", "小学", "城关镇", "公办"]]
    path = _xlsx(tmp_path / "学校名单.xlsx", rows, replace=(b"PLACEHOLDER", b"B" * 1_000_000))
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "第 7 行，“学校名称”列（B 列）：单元格有 1,000,000 个字符，超过 Excel 单元格的上限 32,767 个字符" in result.output
    assert "BBBBBBBBBBBBBBBBBBBB" not in result.output
    assert cli.counts()["schools"] == 0


def test_a_cell_of_140000_characters_in_a_csv_is_refused_by_row_and_column(tmp_path, cli):
    """Python's csv module stopped at 131,072 characters with "field larger than field limit"."""
    assert cli("init").exit_code == 0
    path = tmp_path / "学校名单.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows([*SCHOOLS, ["3452000009", "C" * 140_000, "小学", "城关镇", "公办"]])
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "第 7 行，“学校名称”列（B 列）：单元格有 140,000 个字符" in result.output
    assert cli.counts()["schools"] == 0


def test_an_xls_declaring_the_whole_sheet_is_refused_before_it_is_read(tmp_path, cli):
    """5 KB, one cell at IV65536: calamine gave it a grid of 65,536 x 256 cells, 1.2 GB."""
    xlwt = pytest.importorskip("xlwt")
    assert cli("init").exit_code == 0
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("学校")
    for r, row in enumerate(SCHOOLS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.write(65535, 255, "x")
    path = tmp_path / "学校名单.xls"
    book.save(path)
    assert path.stat().st_size < 10_000
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "65,536 行 × 256 列，与文件大小不相称" in result.output
    assert cli.counts()["schools"] == 0
    # The same list without the stray cell is imported.
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("学校")
    for r, row in enumerate(SCHOOLS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(path)
    assert cli("import", path).exit_code == 0
