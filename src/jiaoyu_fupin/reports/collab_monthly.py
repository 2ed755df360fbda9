"""The monthly report's lines on collaboration and on the task board: (group, item, count, amount, note)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from jiaoyu_fupin.checks.collab.progress import OVERDUE, CollabError, progress
from jiaoyu_fupin.core.collab import RECORD_KINDS


def collab_lines(conn: Connection, first: date, last: date) -> list[tuple]:
    """The month's records by kind, and the plan rows due by the month's end with nothing recorded."""
    try:
        p = progress(conn, first.year, last)
    except CollabError:
        return []
    mine = p.records[p.records["month"] == first.month]
    lines = []
    for kind in RECORD_KINDS:
        rows = mine[mine["kind"] == kind]
        if len(rows):
            amount = sum(rows["amount"], Decimal(0))
            note = "；".join(part for part in (
                f"人数 {int(rows['people'].sum())}" if rows["people"].sum() else "",
                f"受益 {int(rows['person_times'].sum())} 人次" if rows["person_times"].sum() else "") if part)
            lines.append(("扶贫协作", f"本月{kind}", len(rows), amount or None, note))
    if not lines:
        lines.append(("扶贫协作", "本月协作记录", 0, None, "台账中本月没有协作记录"))
    overdue = [pl for pl in p.plans if pl.status == OVERDUE]
    lines.append(("扶贫协作", "计划逾期未开展", len(overdue), None,
                  "；".join(f"{pl.project}（{pl.period}）" for pl in overdue)))
    return lines


def task_lines(conn: Connection, first: date, last: date) -> list[tuple]:
    """局机关任务: due in the month, struck off in the month, overdue at the month's end."""
    from jiaoyu_fupin.checks.tasks.board import DONE, board
    from jiaoyu_fupin.checks.tasks.board import OVERDUE as TASK_OVERDUE

    rows = board(conn, last, scope="bureau")
    if not rows:
        return []
    due = [r for r in rows if r.deadline is not None and first <= r.deadline <= last]
    done = [r for r in rows if r.state == DONE and r.done_on is not None and first <= r.done_on <= last]
    overdue = [r for r in rows if r.state == TASK_OVERDUE]
    return [("任务清单", "本月到期", len(due), None, f"其中已销号 {sum(r.state == DONE for r in due)} 项"),
            ("任务清单", "本月销号", len(done), None, ""),
            ("任务清单", "逾期未销号", len(overdue), None, f"截至 {last:%Y-%m-%d}，共 {len(rows)} 项任务")]


def school_task_tally(conn: Connection, first: date, last: date) -> dict[int, dict[str, int]]:
    """The schools' list (附件2) per school: items, struck off in the month, overdue at the month's end."""
    from jiaoyu_fupin.checks.tasks.board import DONE, board
    from jiaoyu_fupin.checks.tasks.board import OVERDUE as TASK_OVERDUE

    out: dict[int, dict[str, int]] = {}
    for r in board(conn, last, scope="school"):
        t = out.setdefault(r.school_id, {"total": 0, "done": 0, "overdue": 0})
        t["total"] += 1
        t["done"] += r.state == DONE and r.done_on is not None and first <= r.done_on <= last
        t["overdue"] += r.state == TASK_OVERDUE
    return out
