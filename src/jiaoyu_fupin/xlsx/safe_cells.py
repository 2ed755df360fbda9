"""Text written to a workbook stays text: a name typed as =HYPERLINK(...) or =1+1 is never a live formula.

openpyxl turns any string that starts with "=" into a formula and "#N/A" into an error value; Excel and WPS
re-read a cell that starts with "+", "-" or "@" as a formula as soon as the clerk edits it, and a leading tab or
carriage return hides the rest of the text from the eye. Every workbook fupin writes passes through
importers.template.save_workbook, which calls make_inert: such cells are stored as text with Excel's quote
prefix, shown exactly as typed. A formula fupin means to write goes through `formula()`, which marks it.
Write-only worksheets stream their rows to disk as they are appended, so their rows go through inert_row.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_MARK = "_fupin_formulas"  # per worksheet: coordinates of the formulas fupin writes on purpose


def risky(text: str) -> bool:
    """Text a spreadsheet could read as a formula (or that hides behind a tab or carriage return)."""
    return text.startswith(RISKY_START)


def formula(cell: Cell, text: str) -> Cell:
    """Write a formula on purpose: the only way one survives make_inert."""
    cell.value = text
    ws = cell.parent
    marked = getattr(ws, _MARK, None)
    if marked is None:
        marked = set()
        setattr(ws, _MARK, marked)
    marked.add(cell.coordinate)
    return cell


def _as_text(cell: Cell) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True


def make_inert(workbook: Workbook) -> int:
    """Store every risky text cell of the workbook as text; returns how many cells were changed."""
    if getattr(workbook, "write_only", False):
        return 0  # already on disk: inert_row guarded each row as it was appended
    changed = 0
    for ws in workbook.worksheets:
        marked = getattr(ws, _MARK, set())
        for cell in ws._cells.values():  # every written cell, without creating the empty ones in between
            value = cell._value
            if not isinstance(value, str) or not value:
                continue
            kind = cell.data_type
            if kind == "f" and cell.coordinate in marked:
                continue
            if kind in ("f", "e") or (kind == "s" and risky(value)):
                _as_text(cell)
                changed += 1
    return changed


def inert_row(ws, values: Iterable) -> list:
    """A row for a write-only worksheet's append, its risky texts wrapped as text cells."""
    row = []
    for value in values:
        if isinstance(value, str) and value and (risky(value) or value.startswith("#")):
            cell = WriteOnlyCell(ws, value=value)
            _as_text(cell)
            row.append(cell)
        else:
            row.append(value)
    return row
