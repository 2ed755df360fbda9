"""The bureau's task list (附件1) and the schools' list (附件2) as workbooks laid out like the bureau's own tables,
built from the tab-separated text of the 2019 work plan kept in tests/data.

附件1's text lost the layout of its table: a row whose 一级指标 cell was merged from above starts with the
二级指标, and the 组织领导 block has no 配合股室 cell at all. Each line is put back into six columns (一级指标,
二级指标, 工作任务, 牵头股室, 配合股室, 完成时限) and the two indicator columns are merged down over their tasks,
as in the printed table.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

DATA = Path(__file__).parent.parent / "data"
TASKS_TSV = DATA / "任务清单_附件1.tsv"
SCHOOL_TASKS_TSV = DATA / "学校任务清单_附件2.tsv"


def task_rows() -> tuple[str, list[list[str]]]:
    """(title, data rows of six cells) from 附件1's text; header lines dropped."""
    lines = TASKS_TSV.read_text(encoding="utf-8").splitlines()
    title = lines[0].strip()
    rows = []
    for line in lines[1:]:
        if not line.strip() or line.startswith(("一级指标", "\t\t\t牵头股室")):
            continue
        cells = line.rstrip("\t").split("\t")
        if len(cells) == 5 and re.match(r"^\d+\.", cells[0]):
            cells = ["", *cells]  # the 一级指标 cell belonged to the merge above
        elif len(cells) == 5:
            cells = [*cells[:4], "", cells[4]]  # no 配合股室 cell
        elif len(cells) == 4:
            cells = [*cells, "", ""]  # neither 配合股室 nor 完成时限
        assert len(cells) == 6, line
        rows.append([c.strip() for c in cells])
    return title, rows


def _merge_down(ws, column: int, first_row: int, rows: list[list[str]]) -> None:
    """Merge each filled cell of the column down over the empty cells below it."""
    start = None
    for i in range(len(rows) + 1):
        filled = i == len(rows) or rows[i][column]
        if filled and start is not None and i - 1 > start:
            ws.merge_cells(start_row=first_row + start, end_row=first_row + i - 1, start_column=column + 1,
                           end_column=column + 1)
        if filled:
            start = i if i < len(rows) else None


def tasks_workbook(path: Path, rows: list[list[str]] | None = None, *, title: str | None = None,
                   offices: tuple[str, str] = ("牵头股室", "配合股室")) -> Path:
    """附件1 as an .xlsx: a title, the two-row header with 责任股室 over 牵头股室 and 配合股室, merged indicators."""
    seed_title, seed_rows = task_rows()
    rows = seed_rows if rows is None else rows
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务清单"
    ws.append([title or seed_title])
    ws.merge_cells("A1:F1")
    ws.append(["一级指标", "二级指标", "工作任务", "责任股室", None, "完成时限"])
    ws.append([None, None, None, *offices, None])
    for ref in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3"):
        ws.merge_cells(ref)
    for row in rows:
        ws.append([c or None for c in row])
    for column in (0, 1):
        _merge_down(ws, column, 4, rows)
    wb.save(path)
    return path


def school_task_rows() -> list[list[str]]:
    lines = SCHOOL_TASKS_TSV.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1) for line in lines[1:] if line.strip() and not line.startswith("一级指标")]


def school_tasks_workbook(path: Path) -> Path:
    """附件2 as an .xlsx: 一级指标 and one cell of numbered points beside it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["建始县各学校落实《湖北省教育精准扶贫行动计划（2015-2019）》工作任务清单"])
    ws.append(["一级指标", "二级指标"])
    for level1, items in school_task_rows():
        ws.append([level1, items])
    wb.save(path)
    return path
