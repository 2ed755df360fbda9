"""Report sheets a clerk prints and stamps: a title, bold headers, frozen panes, A4 landscape fitted to width."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from jiaoyu_fupin.importers.template import display_width, save_workbook

__all__ = ["MONEY_FORMAT", "COUNT_FORMAT", "write_table", "save_workbook"]

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
_MAX_WIDTH = 48


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
    """
    top = 1
    if title:
        ws.cell(1, 1, title).font = Font(bold=True, size=14)
        top += 1
    for note in notes:
        ws.cell(top, 1, note)
        top += 1
    header_row = top
    widths = [display_width(h) + 2 for h in headers]
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(header_row, j, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
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
            if value is not None and j <= len(widths):
                widths[j - 1] = max(widths[j - 1], min(_MAX_WIDTH, display_width(str(value)) + 2))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(header_row, j).column_letter].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    ws.print_title_rows = f"{header_row}:{header_row}"
    landscape(ws)
    return n


def landscape(ws: Worksheet) -> None:
    """A4 landscape, every column on one page width, as many pages down as needed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
