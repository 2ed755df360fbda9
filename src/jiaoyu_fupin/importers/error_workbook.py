"""The workbook a clerk gets back when an import is refused: every problem listed, and the bad rows to fix.

Nothing in it is meant to be imported again; the clerk corrects the original files and imports them anew.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill

from jiaoyu_fupin.core.problems import Problem, column_letter
from jiaoyu_fupin.importers.columns import header_key
from jiaoyu_fupin.xlsx import pages
from jiaoyu_fupin.xlsx.sheets import column_widths
from jiaoyu_fupin.xlsx.workbook import display_width, save_workbook, unique_sheet_title

SUMMARY_SHEET = "问题汇总"
SUMMARY_TITLE = "导入未完成：以下问题需要修改后重新导入，本次没有写入任何数据"
SUMMARY_HEADERS = ("文件", "工作表", "行号", "列", "错误的值", "问题", "处理办法")
ROW_NUMBER_HEADER = "原行号"
MESSAGES_HEADER = "错误说明"
FILE_LEVEL_ROW = "（整个文件）"  # the summary's row number for a problem such as a missing column
# Layout of each file's sheet: a caption naming the source, then the header, then the bad rows.
HEADER_ROW = 2
FIRST_DATA_ROW = 3

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "light red fill with dark red text"
BAD_FONT = Font(color="9C0006")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
_EXCEL_MAX_TEXT = 32767
_WIDTH_SAMPLE_ROWS = 200  # widths from a sample: measuring 50,000 rows of CJK text would cost seconds


@dataclass
class ErrorSheet:
    file_name: str
    sheet_name: str | None  # the source sheet (None for CSV)
    headers: list[str]  # the source header row, in column order
    rows: dict[int, list[str | None]]  # Excel row number -> original cell texts (only rows with problems)
    problems: list[Problem]  # row None = a file-level problem such as a missing column




def _text(value: object) -> str | None:
    """Cell text Excel will store: control characters from odd CSVs would make openpyxl refuse the cell."""
    if value is None:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))[:_EXCEL_MAX_TEXT]


def _letter_index(letter: str | None) -> int | None:
    """Excel letters -> 0-based column index; None when absent or not letters."""
    if not letter or not letter.isascii() or not letter.isalpha():
        return None
    index = 0
    for ch in letter.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _locate(problems: list[Problem], headers: list[str]) -> list[tuple[Problem, int | None]]:
    """Each problem with the 0-based source column it names, in the order a clerk meets them in the file.

    The letter wins when it falls inside the header row; otherwise the header text (as written, then as
    header_key() compares it) finds the column. File-level problems come first, then by row and column.
    """
    exact = {h: i for i, h in reversed(list(enumerate(headers)))}
    keys = {header_key(h): i for i, h in reversed(list(enumerate(headers))) if header_key(h)}
    located = []
    for problem in problems:
        index = _letter_index(problem.letter)
        if (index is None or index >= len(headers)) and problem.column:
            by_text = exact.get(problem.column, keys.get(header_key(problem.column)))
            index = by_text if by_text is not None else index
        located.append((problem, index))
    order = sorted(range(len(located)), key=lambda n: (
        located[n][0].row is not None, located[n][0].row or 0, -1 if located[n][1] is None else located[n][1], n))
    return [located[n] for n in order]


class _Writer:
    """Builds cells from prototype style arrays so that 50,000 rows do not create 50,000 style objects."""

    def __init__(self, workbook: Workbook):
        scratch = workbook.active
        self.styles = {}
        for name, font, fill, alignment in (
            ("text", None, None, None),
            ("bad", BAD_FONT, BAD_FILL, None),
            ("header", BOLD, None, None),
            ("bad_header", Font(bold=True, color="9C0006"), BAD_FILL, None),
            ("wrap", None, None, WRAP),
        ):
            cell = Cell(scratch)
            cell.number_format = "@"  # text, so an ID pasted back into a cell stays an ID
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
            if alignment:
                cell.alignment = alignment
            self.styles[name] = cell._style  # the style array: the only handle openpyxl gives for reuse

    def put(self, ws, row: int, column: int, value: object, style: str = "text") -> None:
        text = value if isinstance(value, int) and not isinstance(value, bool) else _text(value)
        if (text is None or text == "") and style in ("text", "wrap"):
            return  # an empty cell needs no cell object, unless it is red: a required value left out
        cell = Cell(ws, row=row, column=column, style_array=self.styles[style])
        if isinstance(text, str):
            # Bound directly, as openpyxl's own reader does: _text() already made it safe, and the value
            # setter would turn "=1+1" or "#N/A" from a source file into a formula or an error value.
            cell._value, cell.data_type = text, "s"
        else:
            cell.value = text
        ws._cells[(row, column)] = cell  # what ws.cell() does, minus a lookup and a throwaway cell


def _write_summary(ws, writer: _Writer, sheets: list[ErrorSheet]) -> None:
    problems = [(sheet, p) for sheet in sheets for p in sheet.problems]
    ws.title = SUMMARY_SHEET
    writer.put(ws, 1, 1, SUMMARY_TITLE)
    ws.cell(1, 1).font = Font(bold=True, size=14, color="9C0006")
    files = len({s.file_name for s in sheets if s.problems})
    writer.put(ws, 2, 1, f"共 {len(problems)} 个问题，涉及 {files} 个文件。每个文件的出错行见后面以文件名命名的工作表，"
                         "红色单元格就是需要修改的地方。请修改原文件后重新导入全部文件。")
    for column, header in enumerate(SUMMARY_HEADERS, 1):
        writer.put(ws, 3, column, header, "header")
    row = 4
    for sheet in sheets:
        for problem, _ in _locate(sheet.problems, sheet.headers):
            where = problem.column or ""
            if problem.letter:
                where = f"{where}（{problem.letter}列）" if where else f"{problem.letter}列"
            row_number = problem.row if problem.row is not None else FILE_LEVEL_ROW
            values = (sheet.file_name, problem.sheet or sheet.sheet_name, row_number, where,
                      problem.value, problem.message, problem.hint)
            for column, value in enumerate(values, 1):
                writer.put(ws, row, column, value, "wrap" if column >= 6 else "text")
            row += 1
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:G{max(row - 1, 3)}"
    pages.box(ws, 3, row - 1, len(SUMMARY_HEADERS))
    pages.set_up(ws, (24, 14, 8, 22, 22, 50, 50), title_rows=(1, 3), last_row=row - 1)


def _write_file_sheet(ws, writer: _Writer, sheet: ErrorSheet) -> None:
    width = max([len(sheet.headers), *(len(r) for r in sheet.rows.values())])
    # A row wider than the header row still shows its extra cells, under the letter Excel gives them.
    headers = list(sheet.headers) + [f"（{column_letter(i)}列）" for i in range(len(sheet.headers), width)]
    bad_cells: dict[int | None, set[int]] = defaultdict(set)
    messages: dict[int, list[str]] = defaultdict(list)
    file_level: list[str] = []
    for problem, index in _locate(sheet.problems, sheet.headers):
        if index is not None and index < width:
            bad_cells[problem.row].add(index)
        if problem.row is None:
            file_level.append(problem.message)
        elif problem.message not in messages[problem.row]:
            messages[problem.row].append(problem.message)

    caption = f"文件：{sheet.file_name}" + (f"；工作表：{sheet.sheet_name}" if sheet.sheet_name else "")
    if file_level:
        caption += "。整个文件的问题：" + "；".join(dict.fromkeys(file_level))
    writer.put(ws, 1, 1, caption)
    ws.cell(1, 1).font = BOLD
    writer.put(ws, HEADER_ROW, 1, ROW_NUMBER_HEADER, "header")
    for index, header in enumerate(headers):
        writer.put(ws, HEADER_ROW, index + 2, header, "bad_header" if index in bad_cells[None] else "header")
    writer.put(ws, HEADER_ROW, width + 2, MESSAGES_HEADER, "header")

    out_row = FIRST_DATA_ROW
    for source_row in sorted(set(sheet.rows) | set(messages)):
        values = sheet.rows.get(source_row) or []
        bad = bad_cells.get(source_row, ())
        writer.put(ws, out_row, 1, str(source_row))
        for index in range(width):
            value = values[index] if index < len(values) else None
            writer.put(ws, out_row, index + 2, value, "bad" if index in bad else "text")
        writer.put(ws, out_row, width + 2, "；".join(messages.get(source_row, ())), "wrap")
        out_row += 1

    # Rows only: a frozen first column would cut the caption in A1 off at the pane's edge.
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1).coordinate
    sample = list(ws.iter_rows(min_row=HEADER_ROW, max_row=min(out_row - 1, HEADER_ROW + _WIDTH_SAMPLE_ROWS),
                               max_col=width + 1, values_only=True))
    wanted = [min(max(max((display_width(str(r[index])) for r in sample if r[index] is not None), default=6) + 2,
                      8), 40) for index in range(width + 1)]
    # Printed, the widest columns give way (their text wraps) before the page would shrink below 60 %.
    widths = column_widths([*wanted, 60])
    pages.box(ws, HEADER_ROW, out_row - 1, width + 2)
    pages.set_up(ws, widths, title_rows=(1, HEADER_ROW), last_row=out_row - 1)


NOTES_SHEET = "导入说明"


def _write_notes(ws, writer: _Writer, notes: list[tuple[str, str]]) -> None:
    """What the import would also have done, for the clerk to know before importing the corrected files again
    (students a roll moves to another school)."""
    writer.put(ws, 1, 1, "改正后重新导入时还会发生的变化（不是错误）")
    ws.cell(1, 1).font = BOLD
    for column, header in enumerate(("文件", "说明"), 1):
        writer.put(ws, 2, column, header, "header")
    for row, (file_name, note) in enumerate(notes, 3):
        writer.put(ws, row, 1, file_name)
        writer.put(ws, row, 2, note, "wrap")
    pages.box(ws, 2, len(notes) + 2, 2)
    pages.set_up(ws, (24, 90), title_rows=(1, 2), last_row=len(notes) + 2)


def write_error_workbook(path: Path, sheets: list[ErrorSheet], notes: list[tuple[str, str]] = ()) -> Path:
    """Write the summary sheet and one sheet per source file to path, atomically; return the path.

    `notes` (file name, text): what the import tells besides its problems, on a sheet of their own at the end.
    """
    # The summary and the tabs follow the same order, so a clerk reads both top to bottom alike.
    sheets = sorted(sheets, key=lambda s: (s.file_name, s.sheet_name or ""))
    workbook = Workbook()
    writer = _Writer(workbook)
    _write_summary(workbook.active, writer, sheets)
    taken = {SUMMARY_SHEET.lower()}
    repeated = {s.file_name for s in sheets if sum(o.file_name == s.file_name for o in sheets) > 1}
    for sheet in sheets:
        # Windows paths may arrive from the CLI; only the file's own name is useful as a title.
        stem = PureWindowsPath(sheet.file_name).stem or sheet.file_name
        if sheet.file_name in repeated and sheet.sheet_name:
            stem = f"{stem}-{sheet.sheet_name}"
        _write_file_sheet(workbook.create_sheet(unique_sheet_title(stem, taken)), writer, sheet)
    if notes:
        _write_notes(workbook.create_sheet(unique_sheet_title(NOTES_SHEET, taken)), writer, list(notes))
    return save_workbook(workbook, path, private=True)
