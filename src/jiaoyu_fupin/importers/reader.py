"""Find the table in a file (any sheet, header below title rows) and read it as columns of text.

.xlsx and .xls go through fastexcel (calamine, Arrow columns): the fast path. CSV is decoded as UTF-8 (with or
without BOM) or GB18030 (a superset of GBK), detected, never asked of the clerk.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import hashlib
import io
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from jiaoyu_fupin.core.problems import ImportRefused, Problem, column_letter
from jiaoyu_fupin.importers.bounds import TooLarge, check_workbook, check_xls
from jiaoyu_fupin.importers.columns import Kind, header_key
from jiaoyu_fupin.importers.detect import SNIFF_ROWS, Finding, Header, candidates, locate, no_header

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
CSV_SEPARATORS = (",", "\t", ";", "|")
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
# Python's csv module stops at 131,072 characters in one field with an English error; a longer cell is read
# whole and then refused by name (_refuse_long_cells).
csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))


@dataclass
class Table:
    """One table read from a file: header texts, data columns as text, and each row's number as Excel shows it."""

    path: Path
    sha256: str
    sheet: str | None
    kind: Kind
    header_row: int  # 1-based
    headers: list[str]  # by position
    letters: list[str]  # Excel column letter by position
    frame: pd.DataFrame  # columns 0..n-1 as str (NA for empty), one row per data row
    rows: np.ndarray  # Excel row number of each frame row
    fields: dict[str, int] = field(default_factory=dict)  # field -> position
    header_above: frozenset[int] = frozenset()  # positions whose header text is in the row above header_row
    part: int = 0  # which of the file's data sheets this is (0 = the first, or the only one)
    notes: list[str] = field(default_factory=list)  # for the clerk, e.g. sheets of another kind left alone
    typed: dict = field(default_factory=dict)  # position -> which cells Excel stored as numbers (celltypes.py)

    @property
    def file_name(self) -> str:
        return self.path.name

    def column(self, field_name: str) -> pd.Series | None:
        pos = self.fields.get(field_name)
        return None if pos is None else self.frame[pos]

    def text(self, field_name: str) -> pd.Series:
        """The column's text, or an all-empty column when the file does not have it."""
        series = self.column(field_name)
        return series if series is not None else empty_text(len(self.frame))

    def problem(self, code, message, hint="", *, field_name=None, row=None, value=None) -> Problem:
        pos = self.fields.get(field_name) if field_name else None
        return Problem(
            code=code, message=message, hint=hint, file=self.file_name, sheet=self.sheet, row=row,
            column=self.headers[pos] if pos is not None else None,
            letter=self.letters[pos] if pos is not None else None, value=value,
        )

    def release_rows(self) -> None:
        """Drop the file's cells once its rows are validated into frames of their own.

        Only a file with problems needs its original rows again (for the error workbook); a valid million-row
        roll would otherwise keep a few hundred MB of text alive while it is written.
        """
        self.frame = self.frame.iloc[:0]

    def original_rows(self, row_numbers) -> dict[int, list[str | None]]:
        """The original cell texts of the given Excel rows, for the error workbook."""
        index = {int(r): i for i, r in enumerate(self.rows)}
        picked = {}
        for r in row_numbers:
            i = index.get(int(r))
            if i is not None:
                picked[int(r)] = [None if pd.isna(v) else str(v) for v in self.frame.iloc[i].tolist()]
        return picked


def library_failure(exc: BaseException) -> bool:
    """An error of the Excel readers: their own exceptions, and calamine's Rust panics on some damaged files, which
    reach Python as pyo3's PanicException, a BaseException that `except Exception` let through as a traceback."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def native_stderr_silenced():
    """calamine's Rust panics print their message (and with RUST_BACKTRACE a backtrace) straight to file descriptor
    2, past Python: while it reads, that goes nowhere, and the clerk gets the Chinese message instead."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (a service, a test capturing it)
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def file_problem(path: Path, code: str, message: str, hint: str = "") -> ImportRefused:
    return ImportRefused([Problem(code=code, message=message, hint=hint, file=path.name)])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_tables(path: Path, *, kind: str | None = None, sheet: str | None = None) -> list[Table]:
    """The file's tables: a CSV's one, or every sheet of a workbook that holds the kind of table found (a roster
    split into one sheet per school or township is one roster; reading only its best sheet lost the rest)."""
    path = Path(path)
    if path.is_dir():  # named by its path alone: "文件“样例县”" would call it a file again
        raise ImportRefused([Problem(
            code="file_is_folder", message=f"“{path}”是一个文件夹，不是文件",
            hint=f"请写出要导入的文件，例如 {path / '学籍.xlsx'}；文件夹里的 Excel 文件可以一次都写上：{path / '*.xlsx'}")])
    if not path.is_file():
        raise file_problem(path, "file_missing", f"找不到文件 {path}", "请检查文件名和所在文件夹")
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            with native_stderr_silenced():
                return _read_excel(path, kind, sheet)
        if suffix in CSV_SUFFIXES:
            return [_read_csv(path, kind)]
    except OSError as exc:  # the system says why in English ("Permission denied"): said here in the clerk's words
        why = "没有读取这个文件的权限" if isinstance(exc, PermissionError) else "读文件时出错（文件可能在移动硬盘或网络上，已断开）"
        raise file_problem(path, "file_unreadable", f"无法读取文件：{why}",
                           "请把文件复制到本机的文件夹后再导入，或请管理员开放读取权限") from None
    raise file_problem(path, "file_format", f"不支持的文件类型“{path.suffix}”",
                       "请另存为 .xlsx（推荐）、.xls 或 .csv 后再导入")


def _refused(path: Path, found: Finding, sheet: str | None) -> ImportRefused:
    code, message, hint = found.refusal
    return ImportRefused([Problem(code=code, message=message, hint=hint, file=path.name, sheet=sheet)])


def _read_excel(path: Path, kind: str | None, sheet: str | None) -> list[Table]:
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
        tables.append(_finish(path, name, chosen, header, headers, frame, rows, part=part))
        _fill_merged_down(tables[-1])
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


_QUANTITIES = ("amount", "count", "entrants", "enrolled", "graduates", "transfers_in", "transfers_out", "visit_count")


def _fill_merged_down(table: Table) -> None:
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
            raise _refused(path, refused[0], refused[1] if len(names) > 1 else None)
        return [], []
    best = max(taken, key=lambda f: f[0].rank)[0].kind
    for f in found_sheets:
        # A sheet of the same roster that cannot be read as it (one school's sheet without 身份证号) refuses the
        # file: importing the other sheets alone would leave that school out without a word.
        if f[0].fit is None and f[0].likely is best:
            raise _refused(path, f[0], f[1])
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


def empty_text(n: int) -> pd.Series:
    """An all-empty text column (built in Arrow: a list of a million NAs costs half a second)."""
    import pyarrow as pa

    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype="str"))


def release_freed_memory() -> None:
    """Hand memory that is already freed back to the operating system.

    calamine's cell grid (about a gigabyte for a million rows) is freed once the sheet is in Arrow, but glibc keeps
    those pages; without this the rest of the import would stack its own peak on top of them.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()  # Arrow's own pool keeps freed blocks too
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _as_text(array, n: int) -> pd.Series:
    """Trimmed text with empty cells as NA, done in Arrow before pandas sees it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not n:
        return pd.Series([], dtype="str")
    array = pc.utf8_trim_whitespace(array.cast(pa.string()))
    array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    return pd.Series(array.to_pandas(), dtype="str")


def _read_csv(path: Path, kind: str | None) -> Table:
    kinds = candidates(kind)
    raw = path.read_bytes()
    text = _decode(path, raw)
    lines = text.splitlines()
    if not any(line.strip(", \t") for line in lines):
        raise file_problem(path, "file_empty", "文件中没有任何数据", "请确认选对了文件")
    # Comma first; tab-separated .txt exports and semicolon CSVs from European-locale Excel are the others seen.
    found, sep = None, CSV_SEPARATORS[0]
    for candidate in CSV_SEPARATORS:
        grid = [[c.strip() for c in row]
                for row in csv.reader(io.StringIO("\n".join(lines[:SNIFF_ROWS])), delimiter=candidate)]
        here = locate(grid, kinds)
        if here is not None and (found is None or here.rank > found.rank):
            found, sep = here, candidate
    if found is None:
        raise file_problem(path, *no_header(kinds, "文件"))
    if found.fit is None:
        raise _refused(path, found, None)
    header, chosen = found.header, found.fit.kind
    try:
        with warnings.catch_warnings():
            # A row longer than the header (a trailing comma, a note beside the table) loses only cells that
            # have no column; pandas says so on stderr in English, which the clerk can do nothing with.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text), sep=sep, skiprows=header.row + 1, header=None, dtype="str", keep_default_na=False,
                na_values=[], skip_blank_lines=False, names=range(len(header.cells)), index_col=False,
            )
    except (pd.errors.ParserError, ValueError) as exc:
        # pandas explains in English ("Error tokenizing data. C error: …"); the clerk is told what it means.
        why = ("有一个英文双引号（\"）没有配对，其后的内容无法分成行和列" if "EOF inside string" in str(exc)
               else "内容无法分成行和列")
        raise file_problem(path, "csv_malformed", f"CSV 文件格式有误：{why}",
                           "请用 Excel 打开后另存为 .xlsx 再导入") from None
    frame = frame.astype("str").apply(lambda s: s.str.strip()).replace("", pd.NA) if len(frame) else frame
    if '="' in text and len(frame):
        # ="422822200703150119" is how exports keep a number as text in a CSV (Excel shows the digits only):
        # unwrapping it is reading the cell as Excel does, not repairing it.
        frame = frame.apply(lambda s: s.str.replace(r'^="(.*)"$', r"\1", regex=True)).replace("", pd.NA)
    rows = np.arange(header.row + 2, header.row + 2 + len(frame))
    return _finish(path, None, chosen, header, header.cells, frame, rows)


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise file_problem(path, "csv_encoding",
                               f"文件开头标明是 UTF-8 编码，但第 {exc.start + 4:,} 个字节起的内容不是 UTF-8：文件可能已损坏，"
                               "或是拼接了不同编码的内容",
                               "请用 Excel 或 WPS 打开核对，另存为 .xlsx 或“CSV UTF-8”格式后重新导入") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's “Unicode 文本” (tab-separated UTF-16)
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_problem(path, "csv_encoding", "无法识别 CSV 文件的编码（既不是 UTF-8 也不是 GBK）",
                       "请用 Excel 打开后另存为 .xlsx，或另存为“CSV UTF-8”格式")


def _finish(path, sheet, kind, header: Header, headers, frame, rows, part: int = 0) -> Table:
    from jiaoyu_fupin.importers.columns import match_headers

    _refuse_long_cells(path, sheet, frame, rows, [str(h) for h in headers])
    return Table(
        path=path, sha256=sha256_of(path), sheet=sheet, kind=kind, header_row=header.row + 1,
        headers=[str(h) for h in headers], letters=[column_letter(i) for i in range(len(headers))],
        frame=frame, rows=rows, fields=match_headers(kind, [str(h) for h in headers]), header_above=header.above,
        part=part,
    )


def _refuse_long_cells(path: Path, sheet: str | None, frame: pd.DataFrame, rows: np.ndarray, headers: list[str]) -> None:
    """A cell longer than Excel allows (32,767 characters) is no value a clerk typed: a pasted page, a damaged
    export or an attack. Refused by row and column before any of it is parsed, shown, stored or written back."""
    problems = []
    for position in frame.columns:
        lengths = frame[position].str.len().to_numpy(dtype=float, na_value=0)
        for i in np.flatnonzero(lengths > MAX_CELL_CHARS)[:5]:
            problems.append(Problem(
                code="cell_too_long", file=path.name, sheet=sheet, row=int(rows[i]), letter=column_letter(int(position)),
                column=headers[position] if position < len(headers) and headers[position] else column_letter(int(position)),
                message=f"单元格有 {int(lengths[i]):,} 个字符，超过 Excel 单元格的上限 {MAX_CELL_CHARS:,} 个字符，不是要导入的数据",
                hint="请用 Excel 或 WPS 打开文件，找到这个单元格删去多余的内容后重新导入"))
    if problems:
        raise ImportRefused(problems)


def unknown_headers(table: Table) -> list[str]:
    """Headers of the file that map to no field of its kind: named once in the output, never an error."""
    used = set(table.fields.values())
    return [h for i, h in enumerate(table.headers) if h and i not in used and header_key(h)]
