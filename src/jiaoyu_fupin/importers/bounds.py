"""A workbook's size, measured before anything reads it: no file may make fupin allocate more than its content.

calamine (under fastexcel) builds each sheet as one dense grid from its first to its last cell: a 5 KB .xlsx with
one cell at XFD1048576 asked for 512 GB and killed the process, and a sheet of 45 MB of identical rows, deflated
to a few KB, kept it busy for most of a minute. So every part of an .xlsx is inflated here first, as a stream
that stops as soon as it outgrows its file, and each sheet's rows and columns are counted on the way: its
declared range (<dimension>), its last row and its rightmost cell. A sheet beyond MAX_ROWS rows or MAX_COLUMNS
columns, or whose inflated size is out of proportion to its file, is refused with the reason, before calamine
sees it. Reading a legitimate file costs one extra pass of inflating (a fifth of calamine's own time or less).
An .xls is not compressed; the range each sheet declares is weighed against the file's size (check_xls).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from posixpath import join, normpath

MAX_ROWS = 2_000_000
MAX_COLUMNS = 1_000
# Spreadsheet XML deflates about tenfold; a part that inflates more than MAX_RATIO times, once past
# RATIO_FROM bytes, is made to be inflated (a "zip bomb"), not a table somebody typed.
MAX_RATIO = 200
RATIO_FROM = 32 << 20
# A grid of rows x columns costs calamine about 32 bytes a cell, empty ones included: a sheet may span at most
# CELLS_PER_BYTE cells for each byte of its compressed part (or SMALL_GRID cells, whichever is more).
CELLS_PER_BYTE = 64
SMALL_GRID = 4_000_000

_CHUNK = 1 << 22
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_ROW = re.compile(rb'<row\s[^>]*?r="(\d+)"')
# Cells far to the right (3 letters: column 703 and beyond) or far down (7 digits: row 1,000,000 and beyond),
# whatever the order of their attributes. One quick search per chunk; the exact reading only where it hits.
_FAR = re.compile(rb'r="(?:[A-Z]{3}|[A-Z]{0,2}\d{7})')
_FAR_CELL = re.compile(rb'r="([A-Z]{3,}|[A-Z]{0,2}(?=\d{7}))(\d*)"')


class TooLarge(Exception):
    """Why the file is refused, in the clerk's terms."""


@dataclass
class Extent:
    rows: int = 0
    columns: int = 0
    row_elements: int = 0  # <row> elements seen: rows without r= still make rows
    compressed: int = 0  # bytes of the part in the file


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_workbook(path: Path) -> None:
    """Raise TooLarge when any part of the .xlsx is out of bounds; a file that is no zip is left to the reader."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith((".xml", ".bin")):
                continue
            sheet = info.filename.startswith("xl/worksheets/")
            try:
                extent = _inflate(archive, info, sheet)
            except TooLarge:
                raise
            except Exception:  # damaged (bad checksum, cut short, zlib error …): the reader explains it to the clerk
                return
            if sheet:
                _judge(extent, lambda part=info.filename: _sheet_title(archive, part))


# An .xls (BIFF8) sheet states its range in a DIMENSIONS record: type 0x0200, 14 bytes long. calamine gives the
# sheet a grid that size: a 5 KB .xls declaring 65,536 rows x 256 columns took 1.2 GB.
_XLS_DIMENSIONS = b"\x00\x02\x0e\x00"
_XLS_MAX_ROWS, _XLS_MAX_COLUMNS = 65_536, 256


def check_xls(path: Path) -> None:
    """Raise TooLarge when a sheet of the .xls declares a range out of proportion to the file.

    The records are looked for in the file's bytes as they lie (no compound-file parsing): a match whose numbers
    are no BIFF8 range is not a DIMENSIONS record and is passed over.
    """
    data = Path(path).read_bytes()
    at = data.find(_XLS_DIMENSIONS)
    while at >= 0 and at + 16 <= len(data):
        first_row, rows = (int.from_bytes(data[at + k:at + k + 4], "little") for k in (4, 8))
        first_column, columns = (int.from_bytes(data[at + k:at + k + 2], "little") for k in (12, 14))
        if first_row <= rows <= _XLS_MAX_ROWS and first_column <= columns <= _XLS_MAX_COLUMNS:
            cells = (rows - first_row) * (columns - first_column)
            if cells > max(SMALL_GRID, CELLS_PER_BYTE * len(data)):
                raise TooLarge(f"文件中的一个工作表声明的范围是 {rows - first_row:,} 行 × {columns - first_column:,} 列，"
                               "与文件大小不相称：读取它需要的内存远超文件本身")
        at = data.find(_XLS_DIMENSIONS, at + 4)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: bool) -> Extent:
    most = max(RATIO_FROM, MAX_RATIO * max(info.compress_size, 1))
    extent = Extent(compressed=info.compress_size)
    total, tail = 0, b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > most:
                raise TooLarge(f"文件中的“{info.filename}”解压后超过 {most >> 20:,} MB，是压缩前大小的 {MAX_RATIO} 倍以上："
                               "正常的表格不会这样，像是故意构造的“压缩炸弹”")
            if sheet:
                extent.row_elements += chunk.count(b"<row ") + chunk.count(b"<row>")
                _measure(tail + chunk, extent, first=total == len(chunk))
                tail = chunk[-256:]  # an element cut in two by the chunk boundary is whole in the next buffer
    return extent


def _measure(buffer: bytes, extent: Extent, *, first: bool) -> None:
    if first:
        declared = _DIMENSION.search(buffer)
        if declared and declared[3]:
            extent.columns = max(extent.columns, column_number(declared[3]))
            extent.rows = max(extent.rows, int(declared[4]))
    extent.rows = max(extent.rows, extent.row_elements)
    last = buffer.rfind(b"<row")
    found = _ROW.match(buffer, last) if last >= 0 else None
    if found:
        extent.rows = max(extent.rows, int(found[1]))
    if not _FAR.search(buffer):
        return
    for far in _FAR_CELL.finditer(buffer):
        extent.columns = max(extent.columns, column_number(far[1]) if far[1] else 0)
        if far[2]:
            extent.rows = max(extent.rows, int(far[2]))


def _judge(extent: Extent, title: Callable[[], str]) -> None:
    """Raise TooLarge for a sheet out of bounds, named by `title()` (looked up only then)."""
    if extent.rows > MAX_ROWS:
        raise TooLarge(f"文件中的{title()}有 {extent.rows:,} 行，超过 fupin 能导入的 {MAX_ROWS:,} 行")
    if extent.columns > MAX_COLUMNS:
        raise TooLarge(f"文件中的{title()}的单元格一直用到第 {extent.columns:,} 列，超过 fupin 能导入的 {MAX_COLUMNS:,} 列"
                       "（常见原因：表格最右边或最下边有个不起眼的单元格写了内容）")
    cells = extent.rows * max(extent.columns, 1)
    if cells > max(SMALL_GRID, CELLS_PER_BYTE * extent.compressed):
        raise TooLarge(f"文件中的{title()}的范围是 {extent.rows:,} 行 × {extent.columns:,} 列，与文件大小不相称："
                       "读取它需要的内存远超文件本身")


def _sheet_title(archive: zipfile.ZipFile, part: str) -> str:
    """工作表“Sheet1”: the name the clerk sees on the tab, not the XML part inside the file (sheet1.xml); from
    workbook.xml and its relationships, read no further than _NAMES_READ bytes each (the file is being refused for
    its size)."""
    from xml.etree import ElementTree

    try:
        def read(name: str) -> bytes:
            with archive.open(name) as stream:
                return stream.read(_NAMES_READ)

        rels = ElementTree.fromstring(read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") or "" for r in rels}
        for sheet in ElementTree.fromstring(read("xl/workbook.xml")).iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            target = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(target, "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            if path == part:
                return f"工作表“{sheet.get('name')}”"
    except (KeyError, OSError, ValueError, EOFError, zlib.error, ElementTree.ParseError, zipfile.BadZipFile):
        pass
    return "一个工作表"


_NAMES_READ = 1 << 20
