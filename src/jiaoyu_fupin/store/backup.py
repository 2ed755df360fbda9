"""`fupin db backup` and `fupin db restore`: a consistent copy of an SQLite ledger, and putting one back.

A backup is taken with SQLite's online backup in one step: one read transaction, so an import running meanwhile is
in the copy entirely or not at all, and it never waits for the import. The copy is a single file (no -wal beside
it), 0600, checked with integrity_check before it is kept. A restore refuses a file that fails `verify`, never
writes over the current ledger: the restored copy is renamed into place, and the current ledger is kept aside under
a dated name. Audit records the current ledger has and the backup has not are carried into the restored ledger.
On PostgreSQL, pg_dump and pg_restore do this job (README, 备份与恢复).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from jiaoyu_fupin.core.files import PRIVATE, sweep, temp_name, write_atomic
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.store import audit, integrity

AUDIT_COLUMNS = ("recorded_at", "os_user", "command", "output", "people")


class BackupError(ClerkError):
    """A backup or restore that cannot be done as asked; message and hint in Chinese."""


@dataclass
class Restored:
    path: Path  # the ledger, now holding the backup's data
    kept_aside: Path | None  # the ledger as it was before, renamed
    audit_carried: int  # audit records carried over from the ledger as it was


def ledger_file(url: str) -> Path:
    """The SQLite file behind a ledger's URL; any other database is refused with the PostgreSQL way."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        name = parsed.render_as_string(hide_password=True)
        raise BackupError(f"fupin db backup / restore 只用于 SQLite 台账文件，当前台账是 {name}",
                          "PostgreSQL 台账请用 pg_dump 备份、pg_restore 恢复（见 README 的“备份与恢复”）")
    return Path(parsed.database)


def _copy(source: Path, target: Path) -> None:
    """All pages in one step, then a plain rollback journal: the copy is one self-contained file."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()


def backup(ledger, target: Path, *, command: str) -> Path:
    """Copy the ledger to `target` (which must not exist yet), consistently, while imports may be running.

    A backup holds every child's full ID number: its audit record goes into the copy and into the ledger before the
    copy takes its name. The copy never waits for an import; the ledger's record does (busy timeout), and if it
    cannot be written the copy is removed: a backup is never made without its record.
    """
    source = ledger_file(ledger.url)
    target = Path(target)
    if target.exists():
        raise BackupError(f"备份文件“{target}”已存在，不会覆盖它", "请换一个文件名，例如带上日期：fupin_20191120.db")
    values = audit.new_record(command=command, output=target, people=ledger.counts()["students"])

    def write(tmp: Path) -> None:
        _copy(source, tmp)  # into the empty 0600 file write_atomic made: never readable by others, even half done
        copy = create_engine(f"sqlite:///{tmp}")
        try:
            with copy.begin() as conn:
                audit.write_record(conn, values)
        finally:
            copy.dispose()
        checked = sqlite3.connect(f"file:{tmp}?mode=ro", uri=True)
        try:
            lines = [r[0] for r in checked.execute("PRAGMA quick_check")]
        finally:
            checked.close()
        if lines != ["ok"]:
            raise BackupError(f"备份副本检查未通过：{'；'.join(lines[:5])}", "台账文件可能已损坏：请运行 fupin db verify")
        with ledger.transaction() as conn:
            audit.write_record(conn, values)

    return write_atomic(target, write, private=True)


def verify_file(path: Path) -> integrity.Verification:
    """`verify` on a file that is not the open ledger, read-only: a candidate for restore."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件“{path}”不存在", "请检查文件名和路径")
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        return integrity.verify(engine)
    finally:
        engine.dispose()


def restore(url: str, source: Path, *, now: datetime | None = None) -> Restored:
    """Put the backup `source` in place of the ledger at `url`, which is kept aside. The caller verified `source`."""
    current = ledger_file(url)
    source = Path(source)
    if current.exists() and source.resolve() == current.resolve():
        raise BackupError("要恢复的文件就是台账本身", "请写备份文件的路径")
    sweep(current.parent)  # a restore killed outright left its copy beside the ledger
    tmp = temp_name(current)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    try:
        _copy(source, tmp)
        aside, carried = None, 0
        if current.exists():
            aside = current.with_name(f"{current.name}.恢复前_{(now or datetime.now()):%Y%m%d_%H%M%S}")
            if _leave_wal(current):
                carried = _carry_audit(current, tmp)
                _keep_aside(current, aside)
            else:  # a damaged file: moved aside as it is, with its log
                os.replace(current, aside)
                for suffix in ("-wal", "-shm"):
                    if Path(f"{current}{suffix}").exists():
                        os.replace(f"{current}{suffix}", f"{aside}{suffix}")
        os.replace(tmp, current)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}-journal").unlink(missing_ok=True)
    return Restored(current, aside, carried)


def _leave_wal(current: Path) -> bool:
    """Fold the current ledger's write-ahead log into its file and leave WAL mode; False when the file is damaged.
    Leaving WAL needs every other connection closed, so a restore never pulls the file from under an import, and
    no -wal is left to be mixed with the restored file."""
    conn = sqlite3.connect(current, timeout=5)
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        mode = "wal"
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    if mode.lower() != "delete" or Path(f"{current}-wal").exists():
        raise BackupError("台账正被其他程序使用（例如正在导入或出报表），现在不能恢复", "请等其他 fupin 命令结束后再恢复")
    return True


def _carry_audit(current: Path, restored: Path) -> int:
    """Audit records made since the backup must survive its restore: copy those the restored file lacks."""
    src = sqlite3.connect(f"file:{current}?mode=ro", uri=True)
    dst = sqlite3.connect(restored)
    try:
        if not all(c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_records'").fetchone()
                   for c in (src, dst)):
            return 0
        columns = ", ".join(AUDIT_COLUMNS)
        have = set(dst.execute(f"SELECT {columns} FROM audit_records"))  # noqa: S608
        missing = [r for r in src.execute(f"SELECT {columns} FROM audit_records ORDER BY id")  # noqa: S608
                   if r not in have]
        dst.executemany(f"INSERT INTO audit_records ({columns}) VALUES (?, ?, ?, ?, ?)", missing)  # noqa: S608
        dst.commit()
        return len(missing)
    finally:
        dst.close()
        src.close()


def _keep_aside(current: Path, aside: Path) -> None:
    """A second name for the current file (a hard link; a copy where links are not allowed): the rename that puts
    the restored file in place then never leaves the ledger's name empty."""
    try:
        os.link(current, aside)
    except OSError:
        shutil.copy2(current, aside)
    os.chmod(aside, PRIVATE)
