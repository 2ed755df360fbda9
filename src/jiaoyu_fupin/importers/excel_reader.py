"""A workbook's tables (.xlsx, .xls and the rest), through fastexcel (calamine, Arrow columns): the fast path.

Every sheet is read once; the header is found in its first rows (detect.py); the sheets that hold the kind of
table that fits best are read as columns of trimmed text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jiaoyu_fupin.core.problems import ImportRefused
from jiaoyu_fupin.importers.bounds import TooLarge, check_workbook, check_xls
from jiaoyu_fupin.importers.columns import Kind
from jiaoyu_fupin.importers.detect import SNIFF_ROWS, candidates, locate, no_header
from jiaoyu_fupin.importers.merged_cells import fill_merged_down
from jiaoyu_fupin.importers.native import library_failure, release_freed_memory
from jiaoyu_fupin.importers.table import Table, empty_text, file_problem, header_refused, make_table


def read_excel(path: Path, kind: str | None, sheet: str | None) -> list[Table]:
    import fastexcel

    kinds = candidates(kind)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:  # before calamine allocates a sheet's whole grid
            check_xls(path) if path.suffix.lower() == ".xls" else check_workbook(path)
        except TooLarge as exc:
            raise file_problem(path, "file_too_large", str(exc),
                               "请用 Excel 或 WPS 打开文件，把数据复制到一个新工作簿（只复制有数据的行和列）另存后重新导入；"
                               "不明来源的文件请不要导入") from None
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except BaseException as exc:  # fastexcel raises its own error classes for every kind of broken file
        if not library_failure(exc):
            raise
        raise _unreadable(path, exc) from None
    if sheet is not None and sheet not in names:
        raise file_problem(path, "sheet_missing", f"文件中没有名为“{sheet}”的工作表（现有：{'、'.join(names)}）",
                           "请检查 --sheet 的拼写")
    sheets, notes = _data_sheets(path, reader, [sheet] if sheet else names, kinds)
    if not sheets:
        if all(_load_excel(reader, n) is None for n in names):
            raise file_problem(path, "file_empty", "文件中没有任何数据（所有工作表都是空的）", "请确认选对了文件")
        code, message, hint = no_header(kinds, f"工作表“{sheet}”" if sheet else "文件")
        raise file_problem(path, code, message, hint)
    tables = []
    for part, (found, name, batch, positions) in enumerate(sheets):
        header, chosen = found.header, found.fit.kind
        sheets[part] = None  # each sheet's cells are let go of once it is a frame
        width = max(positions) + 1
        headers = [""] * width
        for i, v in enumerate(header.cells[:width]):
            headers[i] = v
        frame = _text_frame(batch.slice(header.row + 1), positions, width)
        del batch
        release_freed_memory()
        rows = np.arange(header.row + 2, header.row + 2 + len(frame))
        tables.append(make_table(path, name, chosen, header, headers, frame, rows, part=part))
        fill_merged_down(tables[-1])
    tables[0].notes.extend(notes)
    return tables


def _unreadable(path: Path, exc: Exception) -> ImportRefused:
    """Why a workbook cannot be read, in the clerk's terms where the cause is a common one."""
    if path.name.startswith("~$"):
        return file_problem(path, "file_unreadable",
                            f"这是 Excel 或 WPS 打开“{path.name[2:]}”时自动生成的临时文件，不是数据文件",
                            "不要导入它：关闭 Excel 或 WPS 后它会自动消失，或者把它从命令中去掉")
    with path.open("rb") as fh:
        head = fh.read(2048).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and any(tag in head for tag in (b"<html", b"<table", b"urn:schemas-microsoft-com")):
        # Business systems (学籍, 国扶办, banks) often export a web page or XML named .xls.
        return file_problem(path, "file_unreadable",
                            f"文件扩展名是 {path.suffix}，但内容其实是网页（HTML/XML）表格，不是 Excel 工作簿（常见于业务系统导出的文件）",
                            "请用 Excel 或 WPS 打开它，“另存为” Excel 工作簿（.xlsx）后重新导入")
    return file_problem(path, "file_unreadable", "无法读取该 Excel 文件：文件可能已损坏，或并不是 Excel 文件",
                        "请用 Excel 或 WPS 打开确认，另存为 .xlsx 后重新导入")


def _data_sheets(path: Path, reader, names: list[str], kinds: list[Kind]) -> tuple[list, list[str]]:
    """(header found, sheet name, Arrow batch, column positions) of every sheet whose table is of the kind that fits
    best anywhere in the file, in workbook order; and notes naming the sheets with a table that are left alone.

    Sheets of another kind are named, not imported: a 汇总 sheet with 学校名称 and 学段 would read as a school
    list, and a guess there would change the ledger's schools. Hidden sheets (an old copy, 发放名册 (2)) are left
    alone too when a visible sheet holds a table: the clerk does not see them, and their payments would count twice.
    A sheet whose header detect.py refuses is named too, or refuses the file when no sheet can be taken or when it
    is one column short of the very kind the file is taken as.
    """
    found_sheets = []
    for name in names:
        # One parse per sheet: calamine reads a whole sheet even for its first rows, so the sheet is loaded
        # once with absolute row numbers and the header is looked for in its first rows.
        loaded = _load_excel(reader, name)
        if loaded is None:
            continue
        batch, positions, hidden = loaded
        found = locate(_grid(batch, positions), kinds)
        if found:
            found_sheets.append((found, name, batch, positions, hidden))
    notes = []
    if len(names) > 1 and not all(f[4] for f in found_sheets):
        notes = [f"工作表“{f[1]}”是隐藏的，没有导入；需要时请取消隐藏并核对后，另用 --sheet {f[1]} 导入"
                 for f in found_sheets if f[4]]
        found_sheets = [f for f in found_sheets if not f[4]]
    taken = [f for f in found_sheets if f[0].fit is not None]
    if not taken:
        refused = max(found_sheets, key=lambda f: f[0].rank, default=None)
        if refused is not None:
            raise header_refused(path, refused[0], refused[1] if len(names) > 1 else None)
        return [], []
    best = max(taken, key=lambda f: f[0].rank)[0].kind
    for f in found_sheets:
        # A sheet of the same roster that cannot be read as it (one school's sheet without 身份证号) refuses the
        # file: importing the other sheets alone would leave that school out without a word.
        if f[0].fit is None and f[0].likely is best:
            raise header_refused(path, f[0], f[1])
    notes += [f"工作表“{f[1]}”像是{f[0].kind.title}，没有导入：一次只导入一个文件中同一类的表，需要时请另用 --sheet {f[1]} 导入"
              for f in taken if f[0].kind is not best]
    notes += [f"工作表“{f[1]}”没有导入：{f[0].refusal[1]}" for f in found_sheets if f[0].fit is None]
    return [f[:4] for f in taken if f[0].kind is best], notes


def _text_frame(data, positions: list[int], width: int) -> pd.DataFrame:
    """Columns 0..width-1 of trimmed text (NA when empty), gaps between used columns included."""
    n = data.num_rows
    by_pos = dict(zip(positions, data.columns, strict=True))
    return pd.DataFrame({pos: _as_text(by_pos[pos], n) if pos in by_pos else empty_text(n) for pos in range(width)})


def _load_excel(reader, name: str):
    """(Arrow batch of text with row i = Excel row i+1, absolute column positions, hidden), or None for an empty
    sheet."""
    try:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        batch = sheet.to_arrow()
    except BaseException as exc:  # an empty sheet has no range at all
        if not library_failure(exc):
            raise
        return None
    if batch.num_rows == 0 or all(column.null_count == len(column) for column in batch.columns):
        return None
    return batch, [info.absolute_index for info in sheet.selected_columns], sheet.visible != "visible"


def _grid(batch, positions: list[int]) -> list[list[str]]:
    head = batch.slice(0, SNIFF_ROWS)
    width = max(positions, default=-1) + 1
    grid = [[""] * width for _ in range(head.num_rows)]
    for pos, array in zip(positions, head.columns, strict=True):
        for r, v in enumerate(array.to_pylist()):
            grid[r][pos] = (v or "").strip()
    return grid


def _as_text(array, n: int) -> pd.Series:
    """Trimmed text with empty cells as NA, done in Arrow before pandas sees it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not n:
        return pd.Series([], dtype="str")
    array = pc.utf8_trim_whitespace(array.cast(pa.string()))
    array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    return pd.Series(array.to_pandas(), dtype="str")
