"""A CSV's table: decoded as UTF-8 (with or without BOM), UTF-16 (Excel's Unicode text) or GB18030 (a superset of
GBK), detected, never asked of the clerk; comma, tab, semicolon or bar, whichever finds the header."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from jiaoyu_fupin.importers.detect import SNIFF_ROWS, candidates, locate, no_header
from jiaoyu_fupin.importers.table import Table, file_problem, header_refused, make_table

CSV_SEPARATORS = (",", "\t", ";", "|")
# Python's csv module stops at 131,072 characters in one field with an English error; a longer cell is read
# whole and then refused by name (table.refuse_long_cells).
csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))


def read_csv(path: Path, kind: str | None) -> Table:
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
        raise header_refused(path, found, None)
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
    return make_table(path, None, chosen, header, header.cells, frame, rows)


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
