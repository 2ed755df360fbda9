"""Audit records: every command that writes children's full ID numbers out of the ledger says so in the ledger
first (when, the operating-system account, the command, where to, how many people). Under the Personal Information
Protection Law a minor's data is sensitive personal information; the bureau must be able to say who took it out.

The record is written before the output: an export the ledger cannot record (a ledger locked past the busy
timeout, one made by a newer fupin) does not happen.
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import Connection, insert, select

from jiaoyu_fupin.core.idmask import mask_text
from jiaoyu_fupin.store.models import AuditRecord

STDOUT = "标准输出"


@dataclass(frozen=True)
class Entry:
    recorded_at: datetime  # local time
    os_user: str
    command: str
    output: str
    people: int

    def as_json(self) -> dict:
        return {"recorded_at": self.recorded_at.isoformat(timespec="seconds"), "os_user": self.os_user,
                "command": self.command, "output": self.output, "people": self.people}


_FULL_ID = re.compile(r"\d{17}[\dXx]")


def people_in(doc) -> int:
    """How many people's full ID numbers a JSON document (as a command prints it) holds: distinct 18-character
    ID numbers anywhere in it. Masked ones (4228**********501X) do not count."""
    found: set[str] = set()
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, str) and len(item) == 18 and _FULL_ID.fullmatch(item):
            found.add(item.upper())
    return len(found)


def masked(text: str) -> str:
    """`text` with every ID number in it masked: a command given a child's ID (dropout show 4228…) is listed by
    `fupin audit` on screen."""
    return mask_text(text)


def os_user() -> str:
    """The account running fupin: the login name, else the user id."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no name for this uid (a container), or no pwd module
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "未知"


def new_record(*, command: str, output: Path | str | None, people: int) -> dict:
    """The values of an audit record made now: `people` people's full ID numbers go to `output` (None: standard
    output)."""
    return {"recorded_at": datetime.now(UTC), "os_user": os_user(), "command": command,
            "output": STDOUT if output is None else str(Path(output).resolve()), "people": int(people)}


def write_record(conn: Connection, values: dict) -> None:
    conn.execute(insert(AuditRecord.__table__).values(**values))


def record(ledger, *, command: str, output: Path | str | None, people: int) -> dict:
    """Record in the ledger that `command` writes `people` people's full ID numbers to `output`."""
    values = new_record(command=command, output=output, people=people)
    with ledger.transaction() as conn:
        write_record(conn, values)
    return values


def entries(ledger, since: date | None = None) -> list[Entry]:
    """Audit records, oldest first; `since`: from that day on (local time)."""
    table = AuditRecord.__table__
    query = select(table.c.recorded_at, table.c.os_user, table.c.command, table.c.output, table.c.people)
    if since is not None:
        start = datetime.combine(since, time.min).astimezone().astimezone(UTC)
        query = query.where(table.c.recorded_at >= start)
    with ledger.engine.connect() as conn:
        rows = conn.execute(query.order_by(table.c.recorded_at, table.c.id)).all()
    return [Entry(_local(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def _local(value) -> datetime:
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if stamp.tzinfo is None:  # SQLite keeps the UTC time without its zone
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone().replace(tzinfo=None)
