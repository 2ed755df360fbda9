"""A small streaming .xlsx writer for the sample files.

Why not openpyxl: without lxml its write-only mode serialises each cell through a pure-Python XML writer, about
65,000 cells a second here, and the sample county holds about four million cells (over a minute). Writing the
SpreadsheetML by hand takes a few seconds. The output is also byte-stable: fixed zip timestamps and fixed
document dates, where openpyxl stamps the save time into every file.
The parts written are the minimal set Excel, WPS, openpyxl and calamine all read: shared strings, one style
sheet (bold header, title, Text and date formats), frozen header row, merged title row.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from jiaoyu_fupin.core.files import write_atomic
from jiaoyu_fupin.sample.facts import FIXED_TIME

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = date(1899, 12, 30)
# Style indexes into cellXfs below.
_HEADER, _TITLE, _TEXT, _DATE = 1, 2, 3, 4

_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="3">'
    '<font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="14"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9D9D9"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center"/></xf>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[object]]
    # Lines above the header row: the first is a title merged across the header's width, the rest plain notes.
    banner: Sequence[str] = ()
    text_columns: Sequence[str] = field(default_factory=tuple)  # headers whose cells are formatted as Text


def _col_letters(n: int) -> list[str]:
    letters = []
    for i in range(1, n + 1):
        s = ""
        while i:
            i, r = divmod(i - 1, 26)
            s = chr(65 + r) + s
        letters.append(s)
    return letters


def _width(text: str) -> float:
    # Chinese characters take two columns of width.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


class _SharedStrings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def ref(self, text: str) -> int:
        self.count += 1
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.index)
        return i

    def xml(self) -> str:
        items = "".join(f"<si><t>{escape(t)}</t></si>" for t in self.index)
        return _HEAD + f'<sst xmlns="{_MAIN}" count="{self.count}" uniqueCount="{len(self.index)}">{items}</sst>'


def _sheet_xml(sheet: Sheet, sst: _SharedStrings) -> str:
    ncols = max(len(sheet.headers), max((len(r) for r in sheet.rows), default=0), 1)
    letters = _col_letters(ncols)
    text_cols = {i for i, h in enumerate(sheet.headers) if h in set(sheet.text_columns)}
    out: list[str] = []
    r = 0
    for i, line in enumerate(sheet.banner):
        r += 1
        style = _TITLE if i == 0 else 0
        out.append(f'<row r="{r}"><c r="A{r}" t="s" s="{style}"><v>{sst.ref(line)}</v></c></row>')
    header_row = 0
    if sheet.headers:
        r += 1
        header_row = r
        cells = "".join(f'<c r="{letters[j]}{r}" t="s" s="{_HEADER}"><v>{sst.ref(h)}</v></c>'
                        for j, h in enumerate(sheet.headers))
        out.append(f'<row r="{r}">{cells}</row>')
    ref = sst.ref
    for row in sheet.rows:
        r += 1
        parts = [f'<row r="{r}">']
        for j, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                style = f' s="{_TEXT}"' if j in text_cols else ""
                parts.append(f'<c r="{letters[j]}{r}" t="s"{style}><v>{ref(value)}</v></c>')
            elif isinstance(value, bool):
                parts.append(f'<c r="{letters[j]}{r}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float | Decimal):
                parts.append(f'<c r="{letters[j]}{r}"><v>{value}</v></c>')
            elif isinstance(value, date) and not isinstance(value, datetime):
                parts.append(f'<c r="{letters[j]}{r}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>')
            else:
                raise TypeError(f"cannot write {type(value).__name__} to a cell")
        parts.append("</row>")
        out.append("".join(parts))
    # Column widths from the header and the first rows: enough to read, never wider than 40.
    widths = []
    for j in range(ncols):
        sample = [sheet.headers[j]] if j < len(sheet.headers) else []
        sample += [str(row[j]) for row in sheet.rows[:200] if j < len(row) and row[j] is not None]
        widths.append(min(40.0, max([_width(s) for s in sample] + [6]) + 2))
    cols = "".join(f'<col min="{j + 1}" max="{j + 1}" width="{w}" customWidth="1"/>' for j, w in enumerate(widths))
    pane = ""
    if header_row:
        pane = (f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" '
                f'state="frozen"/>')
    merge = ""
    if sheet.banner and sheet.headers and ncols > 1:
        merge = f'<mergeCells count="1"><mergeCell ref="A1:{letters[ncols - 1]}1"/></mergeCells>'
    return (
        _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{letters[ncols - 1]}{max(r, 1)}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
        f'<sheetData>{"".join(out)}</sheetData>{merge}'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    )


def _package(sheets: Sequence[Sheet]) -> dict[str, str]:
    n = len(sheets)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return {
        "[Content_Types].xml": _HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{overrides}'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
        "_rels/.rels": _HEAD + (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>'),
        "docProps/core.xml": _HEAD + (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:creator>fupin 样例数据</dc:creator><cp:lastModifiedBy>fupin 样例数据</cp:lastModifiedBy>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'),
        "docProps/app.xml": _HEAD + (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>fupin</Application></Properties>'),
        "xl/workbook.xml": _HEAD + (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
            + "".join(f'<sheet name="{escape(s.title)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, s in enumerate(sheets, 1))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": _HEAD + (
            f'<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            + f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            + "</Relationships>"),
        "xl/styles.xml": _STYLES,
    }


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    sst = _SharedStrings()
    parts = _package(sheets)
    for i, sheet in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(sheet, sst)
    parts["xl/sharedStrings.xml"] = sst.xml()
    stamp = FIXED_TIME.timetuple()[:6]

    def write(target: Path) -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in parts.items():
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, text.encode("utf-8"), compresslevel=6)

    # The people are made up, but the ID numbers look real and pass every check: kept like real ones (0600).
    write_atomic(path, write, private=True)
