"""Cells merged down over rows, read as Excel shows them: the value on every row of the merge."""

from __future__ import annotations

import pandas as pd

from jiaoyu_fupin.importers.native import library_failure
from jiaoyu_fupin.importers.table import Table

_QUANTITIES = ("amount", "count", "entrants", "enrolled", "graduates", "transfers_in", "transfers_out", "visit_count")


def fill_merged_down(table: Table) -> None:
    """A cell merged down over a block of rows (学校、年级、学期 written once for a class) reads as empty below its
    first row, though Excel shows it on every row: its value is copied down, as Excel shows it.

    Looked for only when a required column (or 学期) has empty cells: finding merges parses the sheet once more,
    which a clean million-row roll should not pay for. Only single-column merges, and only into rows that hold
    data: a 合计 line merged across columns must stay a 合计 line.
    """
    frame = table.frame
    watched = [table.fields[c.field] for c in table.kind.columns
               if (c.required or c.field == "term") and c.field in table.fields]
    if not len(frame) or not watched or not frame[watched].isna().to_numpy().any():
        return
    try:
        from python_calamine import CalamineWorkbook

        ranges = CalamineWorkbook.from_path(str(table.path)).get_sheet_by_name(table.sheet).merged_cell_ranges or []
    except BaseException as exc:  # best effort: without it the empty cells are refused by name, as before
        if not library_failure(exc):
            raise
        return
    index = {int(r): i for i, r in enumerate(table.rows)}  # Excel row number -> frame row
    has_data = frame[list(table.fields.values())].notna().any(axis=1).to_numpy()
    # A quantity merged over rows (1000 yuan beside two siblings) is their total, not each row's: copied down it
    # would be paid or counted once per row, so its empty cells stay empty and are refused by name.
    quantities = {table.fields[f] for f in _QUANTITIES if f in table.fields}
    for (r1, c1), (r2, c2) in ranges:
        top = index.get(r1 + 1)
        if c1 != c2 or r2 <= r1 or c1 >= frame.shape[1] or c1 in quantities or top is None or pd.isna(frame.iat[top, c1]):
            continue
        below = [i for i in (index.get(r + 1) for r in range(r1 + 1, r2 + 1)) if i is not None and has_data[i]]
        frame.iloc[below, c1] = frame.iat[top, c1]
