"""`fupin pair handbook`: the 结对帮扶手册 a school archives for a term, one sheet per helper of the school.

Each helper's sheet lists the students paired with them during the term and a grid of the 六个一: the date of the
first record for each item and month, 逾期 where it is overdue, 未到期 where it is not due yet, — where the pairing
did not owe it; then every record of the term. Printed and signed, so ID numbers are masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jiaoyu_fupin.checks.pairing import six_ones
from jiaoyu_fupin.checks.pairing.data import PairingError, load
from jiaoyu_fupin.core import idnumber
from jiaoyu_fupin.core import pairing as rules
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.xlsx import pages
from jiaoyu_fupin.xlsx.sheets import write_table
from jiaoyu_fupin.xlsx.workbook import save_workbook, unique_sheet_title

CELL_TEXT = {six_ones.OVERDUE: "逾期", six_ones.PENDING: "未到期"}
NOT_OWED = "—"
INDEX_SHEET = "目录"


@dataclass
class StudentRow:
    name: str
    id_number: str
    school: str
    grade: str
    class_name: str
    start_date: str
    end_date: str
    cells: list[str]  # one per column of Handbook.columns


@dataclass
class HelperBook:
    code: str
    name: str
    role: str
    phone: str
    students: list[StudentRow] = field(default_factory=list)
    records: list[tuple[str, str, str, str]] = field(default_factory=list)  # date, student, item, note
    tally: dict = field(default_factory=dict)
    sheet: str = ""


@dataclass
class Handbook:
    school: str
    term: str
    as_of: date
    columns: list[tuple[str, str, str]]  # (item, period, header text) of the 六个一 grid
    helpers: list[HelperBook]


def build(ledger, school: str, *, term: Term | None = None, as_of: date | None = None) -> Handbook:
    as_of = as_of or date.today()
    term = term or Term.of_date(as_of)
    with ledger.engine.connect() as conn, conn.begin():
        data = load(conn, term, as_of, records=True)
    sid = data.school_id(school)
    name = data.schools.loc[data.schools["id"] == sid, "name"].iloc[0]
    staff = data.helpers[data.helpers["school_id"] == sid]
    first, last = rules.first_day(term).isoformat(), rules.last_day(term).isoformat()
    p = data.pairings
    p = p[p["helper_id"].isin(set(staff["id"])) & (p["start_date"] <= last)
          & (p["end_date"].isna() | (p["end_date"] >= first))]
    if p.empty:
        raise PairingError(f"{name}在 {term} 没有结对关系，手册无内容可写",
                           "请先导入帮扶责任人和结对关系，或核对 --term 和 --school")
    dues = six_ones.statuses(data, p)
    cells = {(r.helper_id, r.student_id, r.item, r.period): (r.done_on if r.status == six_ones.DONE
                                                            else CELL_TEXT[r.status]) for r in dues.itertuples()}
    tallies = six_ones.tallies(dues, ["helper_id"])
    columns = [(i, str(term), rules.LABELS[i]) for i in rules.TERM_ITEMS]
    columns += [(i, rules.month_label(y, m), f"{m}月{rules.LABELS[i]}")
                for y, m in rules.term_months(term) for i in rules.MONTHLY_ITEMS]
    names = dict(zip(data.schools["id"], data.schools["name"], strict=True))
    enrolled = data.enrolled.drop_duplicates("student_id").set_index("student_id")
    students = data.students.set_index("id")
    acts = data.activities[data.activities["activity_date"] <= as_of.isoformat()]
    acts = dict(tuple(acts[acts["helper_id"].isin(set(staff["id"]))].groupby("helper_id")))
    by_helper = dict(tuple(p.groupby("helper_id")))

    books = []
    for h in staff.sort_values("helper_code").itertuples():
        if h.id not in by_helper:
            continue
        mine = by_helper[h.id].sort_values(["start_date", "student_id"])
        book = HelperBook(h.helper_code, h.name, h.role or "", h.phone or "", tally=tallies.get((h.id,), six_ones.EMPTY))
        for r in mine.itertuples():
            e = enrolled.loc[r.student_id] if r.student_id in enrolled.index else None
            book.students.append(StudentRow(
                students.at[r.student_id, "name"], idnumber.mask(students.at[r.student_id, "id_number"]),
                names.get(e["school_id"]) or e["school_name"] if e is not None else "（本学期不在籍）",
                grade_label(e["stage"], e["grade"]) if e is not None else "",
                (e["class_name"] or "") if e is not None else "", r.start_date, r.end_date or "",
                [cells.get((h.id, r.student_id, i, period), NOT_OWED) for i, period, _ in columns],
            ))
        records = acts.get(h.id, data.activities.iloc[0:0])
        records = records[records["student_id"].isin(set(mine["student_id"]))]
        for r in records.sort_values(["activity_date", "student_id"]).itertuples():
            book.records.append((r.activity_date, students.at[r.student_id, "name"],
                                 rules.LABELS.get(r.activity_type, r.activity_type), r.note or ""))
        books.append(book)
    return Handbook(name, str(term), as_of, columns, books)


def _sheet_names(books: list[HelperBook]) -> None:
    taken = {INDEX_SHEET.lower()}
    for book in books:
        book.sheet = unique_sheet_title(f"{book.name}_{book.code[-4:]}", taken)


def write_handbook(path: Path, handbook: Handbook) -> Path:
    _sheet_names(handbook.helpers)
    wb = Workbook()
    index = wb.active
    index.title = INDEX_SHEET
    headers = ["序号", "帮扶责任人", "职务", "结对学生", "六个一应做", "已做", "逾期", "未到期", "工作表"]
    rows = [[n, b.name, b.role, len(b.students), b.tally["due"], b.tally["done"], b.tally["overdue"],
             b.tally["pending"], b.sheet] for n, b in enumerate(handbook.helpers, 1)]
    write_table(index, headers, rows, title=f"{handbook.school}结对帮扶手册（{handbook.term}）",
                notes=[f"截至 {handbook.as_of.isoformat()}；每名责任人一页，格中日期为该项第一次记录的日期"])
    for book in handbook.helpers:
        _helper_sheet(wb.create_sheet(book.sheet), handbook, book)
    return save_workbook(wb, path)


STUDENT_HEADERS = ("学生姓名", "身份证号", "就读学校", "年级", "班级", "结对日期", "结束日期")
# A helper's page carries seven student columns and fourteen 六个一 columns: these widths keep it on a landscape
# page at about 60 % or more (a school's long name wraps; a date just fits its column).
_STUDENT_WIDTHS = (11, 20, 10, 7, 5, 11, 11)  # A holds the records' dates too
_GRID_WIDTH = 10.5


def _helper_sheet(ws, handbook: Handbook, book: HelperBook) -> None:
    bold = Font(bold=True)
    headers = [*STUDENT_HEADERS, *(text for _, _, text in handbook.columns)]
    widths = [*_STUDENT_WIDTHS, *(_GRID_WIDTH,) * len(handbook.columns)]
    ws.append([f"结对帮扶手册（{handbook.term}）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].alignment = Alignment(horizontal="center")
    # One line across the page: in the grid's narrow columns a school's name would be cut off by the next cell.
    ws.append(["　　".join(f"{label}：{value}" for label, value in (
        ("帮扶责任人", book.name), ("工作单位", handbook.school), ("职务", book.role), ("联系电话", book.phone)))])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws.append([])
    ws.append(headers)
    for cell in ws[4]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[4].height = pages.ROW_PT * 2
    for s in book.students:
        ws.append([s.name, s.id_number, s.school, s.grade, s.class_name, s.start_date, s.end_date, *s.cells])
        if pages.lines_needed(s.school, _STUDENT_WIDTHS[2]) > 1:
            ws.cell(ws.max_row, 3).alignment = pages.WRAP
            ws.row_dimensions[ws.max_row].height = pages.ROW_PT * pages.lines_needed(s.school, _STUDENT_WIDTHS[2])
    pages.box(ws, 4, ws.max_row, len(headers))
    ws.append([])
    ws.append(["帮扶记录"])
    ws.cell(ws.max_row, 1).font = bold
    ws.append(["日期", "学生", "项目", "内容"])
    first = ws.max_row
    for cell in ws[first]:
        cell.font = bold
    for record in book.records:
        ws.append(list(record))
    # The record's text runs across the page: column D to the last column, merged, wrapping.
    for r in range(first, ws.max_row + 1):
        ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=len(headers))
        text = ws.cell(r, 4).value or ""
        ws.cell(r, 4).alignment = pages.WRAP
        lines = pages.lines_needed(text, sum(widths[3:]))
        if lines > 1:
            ws.row_dimensions[r].height = pages.ROW_PT * lines
    pages.box(ws, first, ws.max_row, len(headers))
    ws.append([])
    ws.append(["责任人签字：", None, None, "学校审核：", None, None, "日期："])
    ws.row_dimensions[ws.max_row].height = pages.ROW_PT * 2
    ws.freeze_panes = "B5"
    pages.set_up(ws, widths, title_rows=(1, 4), last_row=ws.max_row)
