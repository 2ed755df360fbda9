"""One table read from a file, whatever its format: header texts, data columns as text, each row's Excel number.

Built by make_table once a reader (excel_reader, csv_reader) has found the header and read the cells; the checks
every table gets, whatever the file was, are here too (a cell longer than Excel allows is refused).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from jiaoyu_fupin.core.problems import ImportRefused, Problem, column_letter
from jiaoyu_fupin.importers.columns import Kind, header_key, match_headers
from jiaoyu_fupin.importers.detect import Finding, Header

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell


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
            if i is not None and i < len(self.frame):  # released rows (a file already written) are not copied
                picked[int(r)] = [None if pd.isna(v) else str(v) for v in self.frame.iloc[i].tolist()]
        return picked


def empty_text(n: int) -> pd.Series:
    """An all-empty text column (built in Arrow: a list of a million NAs costs half a second)."""
    import pyarrow as pa

    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype="str"))


def unknown_headers(table: Table) -> list[str]:
    """Headers of the file that map to no field of its kind: named once in the output, never an error."""
    used = set(table.fields.values())
    return [h for i, h in enumerate(table.headers) if h and i not in used and header_key(h)]


def file_problem(path: Path, code: str, message: str, hint: str = "") -> ImportRefused:
    return ImportRefused([Problem(code=code, message=message, hint=hint, file=path.name)])


def header_refused(path: Path, found: Finding, sheet: str | None) -> ImportRefused:
    code, message, hint = found.refusal
    return ImportRefused([Problem(code=code, message=message, hint=hint, file=path.name, sheet=sheet)])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_table(path, sheet, kind, header: Header, headers, frame, rows, part: int = 0) -> Table:
    refuse_long_cells(path, sheet, frame, rows, [str(h) for h in headers])
    return Table(
        path=path, sha256=sha256_of(path), sheet=sheet, kind=kind, header_row=header.row + 1,
        headers=[str(h) for h in headers], letters=[column_letter(i) for i in range(len(headers))],
        frame=frame, rows=rows, fields=match_headers(kind, [str(h) for h in headers]), header_above=header.above,
        part=part,
    )


def refuse_long_cells(path: Path, sheet: str | None, frame: pd.DataFrame, rows: np.ndarray, headers: list[str]) -> None:
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
