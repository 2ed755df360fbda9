"""Where every task stands on a date: done or open, overdue when open past its deadline; and striking a task off
(动态销号) or putting it back, as dated events that are never deleted.

A bureau task has one state. A school task has one state per school: its events carry the school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, insert, select, update

from jiaoyu_fupin.checks.tasks import checks
from jiaoyu_fupin.core.names import resolve_school, text_key
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.tasks import CHECKS
from jiaoyu_fupin.store.models import School, Task, TaskEvent

DONE, OPEN, OVERDUE = "已完成", "未完成", "逾期"


class TaskError(ClerkError):
    """A task that is not there, a school that is not known, a strike-off the ledger does not agree with."""


@dataclass
class Row:
    number: int
    scope: str
    area: str
    item: str | None
    content: str
    lead_office: str | None
    supporting_offices: str | None
    deadline: date | None
    check_name: str | None
    school: str | None = None  # a school task's school
    school_id: int | None = None
    state: str = OPEN  # DONE / OPEN / OVERDUE
    done_on: date | None = None
    evidence: str | None = None
    reopened: int = 0  # how many times it was put back

    @property
    def offices(self) -> list[str]:
        return [o for o in (self.lead_office or "").split("、") if o]

    def as_json(self) -> dict:
        return {"number": self.number, "scope": self.scope, "area": self.area, "item": self.item,
                "content": self.content, "lead_office": self.lead_office, "supporting_offices": self.supporting_offices,
                "deadline": self.deadline.isoformat() if self.deadline else None, "check": self.check_name, "school": self.school,
                "state": self.state, "done_on": self.done_on.isoformat() if self.done_on else None,
                "evidence": self.evidence, "reopened": self.reopened}


def _day(value) -> date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def tasks(conn: Connection) -> list:
    t = Task.__table__.c
    return list(conn.execute(select(Task.__table__).order_by(t.scope, t.position, t.id)).mappings())


def schools(conn: Connection) -> dict[int, str]:
    return {int(i): n for i, n in conn.execute(select(School.id, School.name).order_by(School.id))}


def school_id(conn: Connection, name: str) -> int:
    known = schools(conn)
    found = resolve_school(name, known.values(), TaskError)
    return next(i for i, n in known.items() if n == found)


def board(conn: Connection, as_of: date, *, school: str | None = None, scope: str | None = None) -> list[Row]:
    """Every task's state as of the end of `as_of`: bureau tasks once, school tasks once per school (or only for
    `school`)."""
    events = pd.DataFrame(conn.execute(select(
        TaskEvent.id, TaskEvent.task_id, TaskEvent.school_id, TaskEvent.event, TaskEvent.on_date, TaskEvent.text,
    )).all(), columns=["id", "task_id", "school_id", "event", "on_date", "text"])
    events["on_date"] = events["on_date"].map(_day)
    events = events[events["on_date"] <= as_of] if len(events) else events
    history: dict[tuple, list] = {}
    for e in events.sort_values(["on_date", "id"]).itertuples():
        sid = None if pd.isna(e.school_id) else int(e.school_id)
        history.setdefault((int(e.task_id), sid), []).append(e)
    known = schools(conn)
    only = school_id(conn, school) if school else None
    rows = []
    for t in tasks(conn):
        if scope and t["scope"] != scope:
            continue
        places = [(None, None)] if t["scope"] == "bureau" else [
            (sid, name) for sid, name in known.items() if only is None or sid == only]
        for sid, name in places:
            row = Row(int(t["id"]), t["scope"], t["area"], t["item"], t["content"], t["lead_office"],
                      t["supporting_offices"], _day(t["deadline"]), t["check_name"], name, sid)
            for e in history.get((row.number, sid), []):
                if e.event == "done":
                    row.state, row.done_on, row.evidence = DONE, e.on_date, e.text
                else:
                    row.state, row.done_on, row.evidence = OPEN, None, None
                    row.reopened += 1
            if row.state != DONE and row.deadline is not None and row.deadline < as_of:
                row.state = OVERDUE
            rows.append(row)
    return rows


def select_rows(rows: list[Row], *, office: str | None = None, overdue: bool = False,
                due_within: int | None = None, as_of: date | None = None) -> list[Row]:
    """task list's filters: an office leading or helping, overdue only, or open and due within N days."""
    if office:
        key = text_key(office)
        rows = [r for r in rows if key in {text_key(o) for o in r.offices}
                or key in {text_key(o) for o in (r.supporting_offices or "").split("、") if o}]
    if overdue:
        rows = [r for r in rows if r.state == OVERDUE]
    if due_within is not None and as_of is not None:
        until = as_of + timedelta(days=due_within)
        rows = [r for r in rows if r.state == OPEN and r.deadline is not None and as_of <= r.deadline <= until]
    return rows


def _task(conn: Connection, number: int) -> dict:
    found = conn.execute(select(Task.__table__).where(Task.__table__.c.id == number)).mappings().first()
    if found is None:
        raise TaskError(f"没有编号为 {number} 的任务", "请用 fupin task list 查看任务编号")
    return found


def _where(task: dict, school: str | None, conn: Connection) -> tuple[int | None, str]:
    if task["scope"] == "school":
        if not school:
            raise TaskError(f"任务 {task['id']} 是各学校都要完成的任务，须指明是哪所学校", "请加 --school 学校名称")
        sid = school_id(conn, school)
        return sid, schools(conn)[sid]
    if school:
        raise TaskError(f"任务 {task['id']} 是局机关的任务，不分学校", "请去掉 --school")
    return None, "局机关"


def _state(conn: Connection, number: int, sid: int | None, on: date) -> Row:
    rows = [r for r in board(conn, on) if r.number == number and r.school_id == sid]
    return rows[0]


def _not_future(day: date) -> None:
    """A sign-off records what has happened: a date after today is a typing mistake, not a plan."""
    if day > date.today():
        raise TaskError(f"日期 {day.isoformat()} 在今天之后", "请写实际完成（或重新打开）的日期")


def sign_off(conn: Connection, number: int, on: date, evidence: str, *, school: str | None = None,
               now: datetime | None = None) -> Row:
    """动态销号: record the task done on `on` with its evidence. Refused when it is done already, or when its check
    finds the ledger disagrees (the task stays open, and the message says what the ledger found)."""
    _not_future(on)
    task = _task(conn, number)
    sid, where = _where(task, school, conn)
    if not evidence.strip():
        raise TaskError("销号须写明完成的依据", "请用 --evidence 写明文件、记录或核对结果")
    state = _state(conn, number, sid, on)
    if state.state == DONE:  # the data refuses, as closing a closed case does: exit 1
        raise TaskError(f"任务 {number}（{where}）已于 {state.done_on:%Y-%m-%d} 销号，是完成状态",
                        "需要重新办理时先用 fupin task reopen", misuse=False)
    if task["check_name"]:
        found = checks.verdict(conn, task["check_name"], on, school=where if sid else None)
        if not found.agrees:
            raise TaskError(f"任务 {number} 不能销号：{found.detail}",
                            "台账核对通过后才能销号；核对结果有误时请先更正台账", misuse=False)
        evidence = f"{evidence}（台账核对：{found.detail}）"
    _record(conn, number, sid, "done", on, evidence, now)
    return _state(conn, number, sid, on)


def reopen(conn: Connection, number: int, on: date, reason: str, *, school: str | None = None,
           now: datetime | None = None) -> Row:
    """Put a struck-off task back (its 销号 stays in the history, dated)."""
    _not_future(on)
    task = _task(conn, number)
    sid, where = _where(task, school, conn)
    if not reason.strip():
        raise TaskError("重新打开须写明原因", "请用 --reason 写明原因")
    if _state(conn, number, sid, on).state != DONE:
        raise TaskError(f"任务 {number}（{where}）在 {on:%Y-%m-%d} 并未销号，无需重新打开", misuse=False)
    _record(conn, number, sid, "reopen", on, reason, now)
    return _state(conn, number, sid, on)


def _record(conn: Connection, number: int, sid: int | None, event: str, on: date, text: str,
            now: datetime | None) -> None:
    conn.execute(insert(TaskEvent.__table__).values(task_id=number, school_id=sid, event=event, on_date=on,
                                                    text=text.strip(),
                                                    recorded_at=now or datetime.now(UTC)))


def tie(conn: Connection, number: int, check: str | None) -> None:
    """Tie a task to a ledger check (or untie it with None, or "none" as typed on the command line)."""
    _task(conn, number)
    check = None if check == "none" else check
    if check is not None and check not in CHECKS:
        raise TaskError(f"没有名为“{check}”的核对", "可选：" + "、".join(f"{c.name}（{c.title}）" for c in CHECKS.values())
                        + "；none 表示解除")
    conn.execute(update(Task.__table__).where(Task.id == number).values(check_name=check))


def tally(rows: list[Row], key) -> dict[str, dict[str, int]]:
    """{group: {total, done, open, overdue}} in first-seen order; key gives a row's groups (a list)."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        for group in key(r):
            t = out.setdefault(group, {"total": 0, "done": 0, "open": 0, "overdue": 0})
            t["total"] += 1
            t["done" if r.state == DONE else "overdue" if r.state == OVERDUE else "open"] += 1
    return out
