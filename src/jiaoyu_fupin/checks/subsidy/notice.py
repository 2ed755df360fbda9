"""The public notice (公示) of a term's aided students: names, school, grade, class and program, nothing more.

教财厅函〔2017〕28号: a posted list never shows ID number, birth date, home address, phone or bank card, nor any detail
of the family's hardship. Only those columns exist in the rows built here, so no code path can leak the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Connection, text

from jiaoyu_fupin.checks.subsidy.coverage import require_roll
from jiaoyu_fupin.checks.subsidy.details import by_ids
from jiaoyu_fupin.checks.subsidy.entitlements import enrolled_with_category, entitlements
from jiaoyu_fupin.checks.subsidy.model import yuan
from jiaoyu_fupin.checks.subsidy.scope import Scope
from jiaoyu_fupin.checks.subsidy.standards import rules
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.idmask import mask_text
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.xlsx import pages
from jiaoyu_fupin.xlsx.sheets import save_workbook, write_table
from jiaoyu_fupin.xlsx.workbook import unique_sheet_title

MIN_DAYS = 5  # working days a notice stays up, at least


@dataclass(frozen=True)
class NoticeRow:
    school: str
    township: str | None
    grade: str
    class_name: str | None
    name: str
    program: str
    amount: Decimal
    order: tuple  # stage, grade number: keeps 小班 before 中班 and 一年级 before 二年级


def require_posting_days(working_days: int) -> None:
    """A notice stays up MIN_DAYS working days at least (misuse: the clerk asked for fewer)."""
    if working_days < MIN_DAYS:
        raise ClerkError(f"公示期不得少于 {MIN_DAYS} 个工作日，现在是 {working_days}")


def posting_period(start: date, working_days: int = MIN_DAYS) -> tuple[date, date]:
    """First and last day of a notice that stays up `working_days` working days (Saturdays and Sundays skipped)."""
    require_posting_days(working_days)
    day, left = start, working_days
    while day.weekday() >= 5:
        day += timedelta(days=1)
    first = day
    while True:
        if day.weekday() < 5:
            left -= 1
            if left == 0:
                return first, day
        day += timedelta(days=1)


_ENTITLED = ("SELECT s.id, s.name, sc.name, sc.township, e.stage, e.grade, e.class_name FROM students s"
             " JOIN enrollments e ON e.student_id = s.id AND e.term = :term JOIN schools sc ON sc.id = e.school_id"
             " WHERE s.id IN ({ids})")
# Every payment of the term with where its student is on the roll: those 在校 at a county school are posted, the
# rest are counted by reason (left_out), so no paid row leaves the notice unsaid.
_PAID = text(
    "SELECT p.student_id, s.name, sc.name, sc.township, e.stage, e.grade, e.class_name, pr.name, p.amount, sc.id,"
    " e.status, e.study_place, p.school_name FROM payments p JOIN programs pr ON pr.id = p.program_id"
    " LEFT JOIN students s ON s.id = p.student_id"
    " LEFT JOIN enrollments e ON e.student_id = p.student_id AND e.term = p.term"
    " LEFT JOIN schools sc ON sc.id = e.school_id WHERE p.term = :term ORDER BY p.id"
)
# Why a paid row is not posted, in the order the clerk reads them (the check's kinds: unknown_student, not_enrolled).
LEFT_OUT = {"unknown": "名册外人员", "not_enrolled": "非在校学生", "away": "县外就读学生"}


@dataclass
class Notice:
    rows: list[NoticeRow]
    left_out: dict[str, int]  # LEFT_OUT key → payment rows of the scope not posted (paid notices only)


def notice_rows(conn: Connection, term: Term, scope: Scope, *, paid: bool = False) -> list[NoticeRow]:
    """The students to post (see notice)."""
    return notice(conn, term, scope, paid=paid).rows


def notice(conn: Connection, term: Term, scope: Scope, *, paid: bool = False) -> Notice:
    """The students to post: entitled this term under the standards in force, or (paid=True) those paid, one line
    per student and program (a 补发 is not a second 人次: the amounts add up), with the paid rows not posted
    counted by reason: a notice posts students 在校 at the county's schools, and nobody else.

    NoRollError for a term whose roll is not in the ledger, as for the check: "nobody to post" would mislead;
    ScopeError for a school or township the ledger does not know; a ClerkError (refused, exit 1) when nobody is
    to be posted: an empty notice is not one."""
    scope = scope.resolve(conn)
    require_roll(conn, term, purpose="notice")
    found = _paid_rows(conn, term, scope) if paid else Notice(_entitled_rows(conn, term, scope), {})
    if not found.rows:
        raise ClerkError(f"{term}（{scope.label}）没有可公示的学生",
                         "请确认该学期的学籍" + ("和发放名册" if paid else "") + "已经导入", misuse=False)
    found.rows.sort(key=lambda r: (r.township or "", r.school, r.order, _natural(r.class_name), r.name, r.program))
    return found


def left_out_line(left_out: dict[str, int], term: Term) -> str:
    """What a paid notice leaves out, for the clerk's screen: counts by reason, never a name or an ID."""
    total = sum(left_out.values())
    return (f"另有 {total:,} 笔发放没有列入公示（公示只列本学期在本县学校在校的学生）："
            + "、".join(f"{LEFT_OUT[k]} {n:,} 笔" for k, n in left_out.items())
            + f"；请用 fupin subsidy check --term {term} 核对")


def _paid_rows(conn: Connection, term: Term, scope: Scope) -> Notice:
    ids, names = scope.school_ids(conn), scope.school_names(conn)
    # The county's notice accounts for every paid row; a school's or township's for the rows placed in it (by the
    # roll, else by the school the roster names), as the check's scope does.
    whole = scope.school is None and scope.township is None
    lines: dict[tuple, list] = {}
    left_out = dict.fromkeys(LEFT_OUT, 0)
    for (student_id, name, school, township, stage, grade, class_name, program, fen, school_id, status, place,
         roster_school) in conn.execute(_PAID, {"term": str(term)}):
        if student_id is None:
            reason = "unknown"
        elif status != "在校":
            reason = "not_enrolled"
        elif place != "县内" or school_id is None:
            reason = "away"
        else:
            reason = None
        if reason is None:
            if school_id in ids:
                line = lines.setdefault((student_id, program), [school, township, stage, grade, class_name, name,
                                                                program, 0])
                line[-1] += fen
        elif whole or school_id in ids or (school_id is None and roster_school in names):
            left_out[reason] += 1
    return Notice([_row(*line) for line in lines.values()], {k: n for k, n in left_out.items() if n})


def _entitled_rows(conn: Connection, term: Term, scope: Scope) -> list[NoticeRow]:
    schools = scope.school_ids(conn)
    programs = dict(conn.execute(text("SELECT id, name FROM programs")).all())
    entitled = entitlements(enrolled_with_category(conn, term), rules(conn, term))
    entitled = entitled[(entitled["in_county"] == 1) & entitled["school_id"].isin(schools)]
    people = {r[0]: r[1:] for r in by_ids(conn, _ENTITLED, entitled["student_id"], {"term": str(term)})}
    out = []
    for sid, program_id, fen in zip(entitled["student_id"], entitled["program_id"], entitled["fen_min"], strict=True):
        name, school, township, stage, grade, class_name = people[sid]
        out.append(_row(school, township, stage, grade, class_name, name, programs[program_id], fen))
    return out


def _natural(class_name: str | None) -> tuple:
    """2班 before 10班, as the school lists its classes."""
    digits = re.search(r"\d+", class_name or "")
    return (int(digits.group()) if digits else 0, class_name or "")


def _row(school, township, stage, grade, class_name, name, program, fen) -> NoticeRow:
    # Every text is one a clerk typed: an ID number typed into a name (or a class, a school) is masked here, so the
    # posted list holds none whatever the ledger holds.
    return NoticeRow(school=mask_text(school), township=mask_text(township), grade=grade_label(stage, grade),
                     class_name=mask_text(class_name), name=mask_text(name), program=mask_text(program),
                     amount=yuan(fen), order=(stage or "", grade or 0))


def write_notice(rows: list[NoticeRow], term: Term, path: Path, *, start: date, working_days: int = MIN_DAYS,
                 with_amount: bool = False, paid: bool = False, contact: str | None = None) -> Path:
    """One sheet per school, each ready to print and post on its own."""
    first, last = posting_period(start, working_days)
    headers = ["序号", "姓名", "学校", "年级", "班级", "资助项目"] + (["资助金额（元）"] if with_amount else [])
    what = "学生资助发放" if paid else "拟资助学生"
    wb = Workbook()
    wb.remove(wb.active)
    by_school: dict[str, list[NoticeRow]] = {}
    for row in rows:
        by_school.setdefault(row.school, []).append(row)
    taken: set[str] = set()
    for school, group in by_school.items() or [("（无）", [])]:
        ws = wb.create_sheet(unique_sheet_title(school, taken))
        period = (f"公示期：{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日"
                  f"（{working_days}个工作日）")
        table = [[i, r.name, r.school, r.grade, r.class_name, r.program] + ([r.amount] if with_amount else [])
                 for i, r in enumerate(group, start=1)]
        n = write_table(ws, headers, table, title=f"{school}{term.year}年{term.season_name}季学期{what}名单公示",
                        notes=[period])
        _footer(ws, ws.max_row + 2, n, contact)
    return save_workbook(wb, path)


def _footer(ws, row: int, count: int, contact: str | None) -> None:
    lines = [f"共 {count} 人次。对公示名单如有异议，请在公示期内向学校学生资助工作部门实名反映。"]
    if contact:
        lines.append(f"联系方式：{contact}")
    widths = pages.sheet_widths(ws)
    span, width = len(widths), sum(widths)
    for i, line in enumerate(lines):
        cell = ws.cell(row + i, 1, line)
        cell.font = Font(size=11)
        cell.alignment = pages.WRAP
        if span > 1:
            ws.merge_cells(start_row=row + i, start_column=1, end_row=row + i, end_column=span)
        ws.row_dimensions[row + i].height = pages.ROW_PT * pages.lines_needed(line, width)
    pages.extend_print_area(ws, row + len(lines) - 1)
