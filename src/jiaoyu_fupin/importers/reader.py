"""Find the table in a file (any sheet, header below title rows) and read it as columns of text.

The way in for every import: the file is checked (a folder, missing, unreadable, a format fupin does not read)
and handed to the reader of its format, excel_reader or csv_reader, which return Tables (table.py).
"""

from __future__ import annotations

from pathlib import Path

from jiaoyu_fupin.core.problems import ImportRefused, Problem
from jiaoyu_fupin.importers.csv_reader import read_csv
from jiaoyu_fupin.importers.excel_reader import read_excel
from jiaoyu_fupin.importers.native import native_stderr_silenced
from jiaoyu_fupin.importers.table import Table, file_problem

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}


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
                return read_excel(path, kind, sheet)
        if suffix in CSV_SUFFIXES:
            return [read_csv(path, kind)]
    except OSError as exc:  # the system says why in English ("Permission denied"): said here in the clerk's words
        why = "没有读取这个文件的权限" if isinstance(exc, PermissionError) else "读文件时出错（文件可能在移动硬盘或网络上，已断开）"
        raise file_problem(path, "file_unreadable", f"无法读取文件：{why}",
                           "请把文件复制到本机的文件夹后再导入，或请管理员开放读取权限") from None
    raise file_problem(path, "file_format", f"不支持的文件类型“{path.suffix}”",
                       "请另存为 .xlsx（推荐）、.xls 或 .csv 后再导入")
