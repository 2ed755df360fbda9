"""Which cells of a column Excel stored as numbers, on every import.

The fast reader hands every cell over as text, and a number Excel kept of an 18-digit ID spells out as 18 digits
that may even pass the check digit: only the cell's own type tells. An .xlsx says it in the sheet's XML (a number
cell has no t attribute, or t="n"), which is scanned as a stream for the one column: a few seconds for a
million rows, and no second copy of the sheet in memory. Other workbooks (.xls holds at most 65,536 rows) are
read once more cell by cell.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from posixpath import join, normpath
from xml.etree import ElementTree

import numpy as np

from jiaoyu_fupin.core.problems import column_letter

_CHUNK = 1 << 22
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def numeric_cells(table, pos: int) -> np.ndarray | None:
    """Bool per row of the table: the cell in column `pos` is a number. None when the file has no cell types (CSV)
    or they cannot be read."""
    if table.sheet is None:
        return None
    if pos not in table.typed:
        found = None
        if table.path.suffix.lower() in (".xlsx", ".xlsm"):
            rows = _xlsx_number_rows(table.path, table.sheet, column_letter(pos))
            found = None if rows is None else np.isin(table.rows, rows)
        table.typed[pos] = found if found is not None else _read_cell_by_cell(table, pos)
    return table.typed[pos]


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The path inside the archive of the named sheet's XML."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rid = next((s.get(_REL) for s in book.iter() if s.tag.endswith("}sheet") and s.get("name") == sheet), None)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels if r.get("Id") == rid), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))


def _xlsx_number_rows(path, sheet: str, letter: str) -> np.ndarray | None:
    """Excel row numbers of the number cells in column `letter`; None when the XML is not in the usual form."""
    # A number cell: <c r="D7">, <c r="D7" s="3">, <c r="D7" t="n">; text is t="s", t="inlineStr" or t="str".
    other = rb'(?: (?!t=)[a-zA-Z:]+="[^"]*")*'
    pattern = re.compile(rb'<c r="' + letter.encode() + rb'(\d+)"' + other + rb'(?: t="n")?' + other + rb">")
    rows: list[int] = []
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return None
            with archive.open(part) as stream:
                tail, first = b"", True
                while chunk := stream.read(_CHUNK):
                    if first and (b'<c r="' not in chunk or re.search(rb"<c(?:>| (?!r=))", chunk)):
                        return None  # cells without their reference first: read cell by cell instead
                    first = False
                    text = tail + chunk
                    cut = max(text.rfind(b"<"), 0)  # a tag cut in two is read whole with the next chunk
                    rows.extend(int(m[1]) for m in pattern.finditer(text, 0, cut))
                    tail = text[cut:]
                rows.extend(int(m[1]) for m in pattern.finditer(tail))
    except (OSError, KeyError, ValueError, EOFError, zlib.error, zipfile.BadZipFile, ElementTree.ParseError):
        return None  # read cell by cell instead, which says what it can
    return np.asarray(rows, dtype=np.int64)


def _read_cell_by_cell(table, pos: int) -> np.ndarray | None:
    """The slow way, for .xls and the rest: every cell of the sheet as a Python value."""
    from jiaoyu_fupin.importers.native import library_failure, native_stderr_silenced

    try:
        from python_calamine import CalamineWorkbook

        with native_stderr_silenced():
            sheet = CalamineWorkbook.from_path(str(table.path)).get_sheet_by_name(table.sheet)
        c = pos - (sheet.start or (0, 0))[1]
        header = table.headers[pos]
        numeric = np.zeros(len(table.rows), dtype=bool)
        # Find the header row in calamine's own numbering (it need not start where the sheet's range does),
        # then line the data rows up under it (one line further down when the header's text sits in the upper
        # line of a two-line header).
        below = 1 if pos in table.header_above else 0
        anchor = None
        for r, row in enumerate(sheet.iter_rows()):
            if anchor is None:
                if 0 <= c < len(row) and str(row[c]).strip() == header:
                    anchor = r
                continue
            i = r - anchor - 1 - below
            if 0 <= i < len(numeric) and 0 <= c < len(row):
                numeric[i] = isinstance(row[c], int | float) and not isinstance(row[c], bool)
        return numeric
    except BaseException as exc:  # best effort: without it the ID checks still refuse what the text alone shows
        if not library_failure(exc):
            raise
        return None


def formulas_without_value(table, pos: int) -> dict[int, str]:
    """Excel row number -> formula text of the cells in column `pos` that hold a formula but no computed value.

    The fast reader reads such a cell as empty: a workbook written by a program (or an online form) that saved the
    formulas without running them. The clerk is told it is a formula, not that the cell is empty. Only .xlsx says it;
    other files give {}."""
    if table.sheet is None or table.path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    letter = column_letter(pos).encode()
    cell = re.compile(rb'<c r="' + letter + rb'(\d+)"[^>]*?(?<!/)>(.*?)</c>', re.DOTALL)
    found: dict[int, str] = {}
    try:
        with zipfile.ZipFile(table.path) as archive:
            part = _sheet_part(archive, table.sheet)
            if part is None:
                return {}
            with archive.open(part) as stream:
                tail = b""
                while True:
                    chunk = stream.read(_CHUNK)
                    text = tail + chunk
                    cut = text.rfind(b"<c ") if chunk else len(text)  # a cell cut in two is read whole next time
                    for m in cell.finditer(text, 0, max(cut, 0)):
                        body = m[2]
                        if b"<f" in body and not re.search(rb"<v>[^<]", body):
                            formula = re.search(rb"<f[^>]*>([^<]*)</f>", body)
                            found[int(m[1])] = _xml_text(formula[1] if formula else b"")
                    tail = text[max(cut, 0):]
                    if not chunk:
                        break
    except (OSError, KeyError, ValueError, EOFError, zlib.error, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return found


def _xml_text(raw: bytes) -> str:
    from html import unescape

    return unescape(raw.decode("utf-8", errors="replace"))
