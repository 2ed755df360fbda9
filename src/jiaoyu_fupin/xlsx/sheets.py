"""Report sheets a clerk prints and stamps: a title, notes, a bordered table with bold headers, frozen panes, and
the page set-up of `pages` (A4, fitted to width, never below 60 %, headers on every page)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from jiaoyu_fupin.xlsx import pages
from jiaoyu_fupin.xlsx.workbook import display_width, save_workbook

__all__ = ["MONEY_FORMAT", "COUNT_FORMAT", "write_table", "save_workbook", "column_widths", "sign", "remainder"]

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
_MAX_WIDTH = 48
_MIN_WIDTH = 6
_HEADER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_NOTE = Alignment(wrap_text=True, vertical="top")


def column_widths(wanted: Sequence[float]) -> list[float]:
    """Widths that let the table print at no less than pages.MIN_SCALE: the widest columns give way first (their
    text wraps), the narrow ones keep their room."""
    widths = [min(_MAX_WIDTH, max(_MIN_WIDTH, w)) for w in wanted]
    while pages.fit(widths).scale < pages.MIN_SCALE and max(widths) > 10:
        i = widths.index(max(widths))
        widths[i] -= 1
    return widths


def write_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
    text_columns: Sequence[int] = (),
) -> int:
    """Write a titled table; returns the number of data rows.

    Decimals become numbers formatted with two decimals and thousands separators; columns listed in
    text_columns (0-based) are stored and formatted as text so Excel never turns a number-like code into a number.
    Text longer than its column wraps inside it, and the row is made tall enough to show it all.
    """
    top = 1 + (1 if title else 0) + len(notes)
    header_row = top
    wanted = [display_width(h) + 2 for h in headers]
    n = 0
    for n, values in enumerate(rows, start=1):
        r = header_row + n
        for j, value in enumerate(values, start=1):
            if j - 1 in text_columns and value is not None:
                value = str(value)
            cell = ws.cell(r, j, value)  # Decimal is written with its exact digits
            if isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.number_format = COUNT_FORMAT
            elif j - 1 in text_columns:
                cell.number_format = "@"
            if value is not None and j <= len(wanted):
                wanted[j - 1] = max(wanted[j - 1], display_width(str(value)) + 2)
    widths = column_widths(wanted)
    span = len(headers)
    if title:
        ws.cell(1, 1, title).font = Font(bold=True, size=14)
        ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 24
        _merge(ws, 1, span)
    for i, note in enumerate(notes):
        r = 1 + (1 if title else 0) + i
        ws.cell(r, 1, note).alignment = _NOTE
        _merge(ws, r, span)
        _fit_height(ws, r, [pages.lines_needed(note, sum(widths))])
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(header_row, j, header)
        cell.font = Font(bold=True)
        cell.alignment = _HEADER
    _fit_height(ws, header_row, [pages.lines_needed(h, widths[j]) for j, h in enumerate(headers)])
    for r in range(header_row + 1, header_row + n + 1):
        needed = []
        cells = [ws.cell(r, j) for j in range(1, span + 1)]  # not ws[r]: it scans the whole sheet for its width
        for j, cell in enumerate(cells):
            if isinstance(cell.value, str) and display_width(cell.value) + 2 > widths[j]:
                cell.alignment = pages.WRAP
                needed.append(pages.lines_needed(cell.value, widths[j]))
        if needed:
            for cell in cells:
                if not cell.alignment.wrap_text:
                    cell.alignment = pages.MIDDLE
        _fit_height(ws, r, needed)
    pages.box(ws, header_row, header_row + n, span)
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    pages.set_up(ws, widths, title_rows=(1 if title else header_row, header_row), last_row=header_row + n)
    return n


def _merge(ws: Worksheet, row: int, span: int) -> None:
    if span > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)


def _fit_height(ws: Worksheet, row: int, lines: Sequence[int]) -> None:
    most = max(lines, default=1)
    if most > 1:
        ws.row_dimensions[row].height = pages.ROW_PT * most


def remainder(rows: Sequence[Sequence], total: Sequence, label: str, *, skip: Sequence[int] = ()) -> list | None:
    """The row that makes `rows` add up to `total`: what the total counts but no row does (a payment whose school
    is unknown, a helper working at the bureau …), under `label`; None when the rows already add up. Columns in
    `skip` (rates) and those the total leaves empty stay empty."""
    out: list = [label]
    for i in range(1, len(total)):
        t = total[i]
        if i in skip or not isinstance(t, int | Decimal) or isinstance(t, bool):
            out.append(None)
            continue
        out.append(t - sum((r[i] or 0) for r in rows))
    return out if any(v for v in out[1:]) else None


def sign(ws: Worksheet, sign_off, day: date) -> None:
    """End a sheet sent upward with its sign-off lines (settings.SignOff); None leaves the sheet as it is."""
    if sign_off is not None:
        pages.sign_off(ws, sign_off.groups(day), pages.sheet_widths(ws))


def landscape(ws: Worksheet) -> None:
    """The page of a sheet not written by write_table: A4 fitted to the width of its columns as they stand."""
    pages.set_up(ws, pages.sheet_widths(ws))
