"""Import one or several files as one transaction: every file valid, or nothing written."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import OperationalError

from jiaoyu_fupin.core import idnumber
from jiaoyu_fupin.core.policy import Policy
from jiaoyu_fupin.core.problems import ClerkError, ImportRefused, Problem
from jiaoyu_fupin.importers import collab as collab_importing
from jiaoyu_fupin.importers import (
    corrections,
    dropouts,
    org,
    pairing_records,
    payments,
    people,
    statistics,
    students,
    transfers,
)
from jiaoyu_fupin.importers import tasks as task_importing
from jiaoyu_fupin.importers.base import BatchMaker, Options, Prepared
from jiaoyu_fupin.importers.error_workbook import ErrorSheet
from jiaoyu_fupin.importers.reader import read_tables
from jiaoyu_fupin.importers.rowchecks import person_names
from jiaoyu_fupin.importers.table import Table, unknown_headers
from jiaoyu_fupin.store import dialect
from jiaoyu_fupin.store.integrity import record_totals
from jiaoyu_fupin.store.links import link_households, link_payments
from jiaoyu_fupin.store.models import Batch

# Kind -> (validate, write), in the order files are applied within one command: what others point at comes first.
IMPORTERS = {
    "schools": (org.validate_schools, org.write_schools),
    "registry": (people.validate_registry, people.write_registry),
    "roll": (students.validate_roll, students.write),
    "away": (students.validate_away, students.write),
    "population": (people.validate_population, people.write_population),
    "helpers": (org.validate_helpers, org.write_helpers),
    "pairings": (org.validate_pairings, org.write_pairings),
    "activities": (pairing_records.validate_activities, pairing_records.write_activities),
    "oversight": (pairing_records.validate_oversight, pairing_records.write_oversight),
    "payments": (payments.validate, payments.write),
    "dropouts": (dropouts.validate, dropouts.write),
    "population_counts": (statistics.validate_population_counts, statistics.write_population_counts),
    "school_stats": (statistics.validate_school_stats, statistics.write_school_stats),
    # Plans before records, so a record is linked to a plan row imported in the same command.
    "collab_plan": (collab_importing.validate_plan, collab_importing.write_plan),
    "collab_targets": (collab_importing.validate_targets, collab_importing.write_targets),
    "collab_record": (collab_importing.validate_records, collab_importing.write_records),
    "tasks": (task_importing.validate_tasks, task_importing.write_tasks),
    "school_tasks": (task_importing.validate_school_tasks, task_importing.write_tasks),
}
ORDER = list(IMPORTERS)


@dataclass
class FileResult:
    path: Path
    kind: str | None = None
    sheet: str | None = None
    term: str | None = None
    header_row: int | None = None
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    merged: int = 0  # rows folded into another row of the file: rows = new + changed + unchanged + merged
    moved: list[str] = field(default_factory=list)  # students this roll moves to another school (transfers.py)
    batch_id: int | None = None
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    table: Table | None = None  # kept for the error workbook


@dataclass
class ImportResult:
    files: list[FileResult]
    dry_run: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def error_sheets(self) -> list[ErrorSheet]:
        """What the error workbook shows: per file with problems, its header and the original rows at fault.

        Nothing when no problem is on a row (a missing file, a folder, an unreadable file, no --term): a workbook
        would only repeat the screen, and leave a file behind for nothing.
        """
        if not any(p.row for p in self.problems):
            return []
        sheets = []
        for f in self.files:
            if not f.problems:
                continue
            table = f.table
            sheets.append(ErrorSheet(
                file_name=f.path.name, sheet_name=f.sheet, headers=table.headers if table is not None else [],
                rows=table.original_rows({p.row for p in f.problems if p.row}) if table is not None else {},
                problems=f.problems,
            ))
        return sheets

    def moved_notes(self) -> list[tuple[str, str]]:
        """(file name, line) of the students the files move to another school: the error workbook lists them."""
        return [(f.path.name, line) for f in self.files for line in transfers.moved_notes(f.moved, None)]


class _Rollback(Exception):
    pass


class DatedError(ClerkError):
    """--dated earlier than data already in the ledger: as-of reports could not rebuild the past; Chinese message.
    Refused by the data (exit 1), as a file with bad rows is."""

    misuse = False


def _check_dated(conn: Connection, dated: datetime) -> None:
    """A back-filled file must not be dated before a batch already imported: the versions an import replaces are
    kept in the order of importing, so rewinding the ledger to a time is right only when that order is the order of
    the data's dates (a file dated earlier written over later data would also leave the ledger's "now" wrong)."""
    # A batch taken out (fupin batches revert) no longer holds data, and a revert writes none of its own: neither
    # stands in the way, so "revert the later batches, then import by date" works as the hint below says.
    latest = conn.execute(select(Batch.effective_at, Batch.id, Batch.file_name).where(
        Batch.effective_at.is_not(None), Batch.reverted_by.is_(None), Batch.kind != "revert")
                          .order_by(Batch.effective_at.desc(), Batch.id.desc()).limit(1)).first()
    if latest is None or _naive(dated) >= _naive(latest[0]):
        return
    when = _naive(latest[0]).replace(tzinfo=UTC).astimezone()
    raise DatedError(
        f"数据日期 {dated.astimezone():%Y-%m-%d %H:%M} 早于台账中已有的批次 #{latest[1]}（{latest[2]}）的数据日期"
        f" {when:%Y-%m-%d %H:%M}，什么也没有写入",
        "补录以前的数据须按数据日期从早到晚导入：先导入较早月份的文件。若较晚的数据已经导入，请撤销这些批次后按日期"
        "依次重新导入，或者不加 --dated（按现在导入）")


def _naive(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive, PostgreSQL may not."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def require_one_file(paths: list[Path], replaces: int | str | None) -> None:
    """A correction (--replaces) is one file: which of several would the batch be replaced by? (misuse)"""
    if replaces is not None and len(paths) != 1:
        raise ClerkError(f"--replaces 一次只能给一个文件，现在给了 {len(paths)} 个",
                         "请把更正后的文件单独导入：fupin import 更正文件.xlsx --replaces 批次编号")


def import_files(ledger, paths: list[Path], *, kind: str | None = None, sheet: str | None = None,
                 term: str | None = None, dry_run: bool = False, dated: datetime | None = None,
                 replaces: int | str | None = None,
                 progress: Callable[[str], None] | None = None, policy: Policy | None = None) -> ImportResult:
    """Read, validate and write every file in one transaction; any problem (or --dry-run) rolls all back.

    `dated` (local time): when the files' data was true, recorded as the batches' effective time (default: now).
    Raises DatedError when it is earlier than a batch already in the ledger, and ClerkError when another writer
    kept the ledger past dialect.BUSY_TIMEOUT_MS (SQLite).

    `replaces` (a batch number, or the file name of a batch): the files are the correction of that batch. It is
    reverted first (importers.revert), in the same transaction, and the new batches record what they replace; a
    file of another kind or term is refused.
    """
    require_one_file(paths, replaces)
    effective = dated.astimezone(UTC) if dated is not None else None
    results = []
    for path in paths:
        if progress:
            progress(f"读取 {Path(path).name}")
        try:
            tables = read_tables(Path(path), kind=kind, sheet=sheet)
        except ImportRefused as refused:
            results.append(FileResult(path=Path(path), problems=refused.problems))
            continue
        # A workbook with one sheet per school gives one result (and one batch) per sheet.
        for table in tables:
            results.append(FileResult(
                path=Path(path), kind=table.kind.name, sheet=table.sheet, header_row=table.header_row,
                ignored_columns=unknown_headers(table), notes=list(table.notes), table=table,
            ))
    outcome = ImportResult(files=results, dry_run=dry_run)
    readable = sorted((r for r in results if r.table is not None), key=lambda r: ORDER.index(r.kind))
    try:
        with ledger.transaction() as conn:
            if effective is not None:
                _check_dated(conn, effective)
            target = corrections.replace(conn, replaces, readable) if replaces is not None else None
            # The sheets of one workbook are all validated before any is written: a student on two of them
            # must agree with themself, as on one sheet; and so must a student on two rolls of one command.
            rolls: list[tuple[FileResult, pd.DataFrame]] | None = (
                [] if sum(r.kind in ROLL_KINDS for r in readable) > 1 else None)
            for _, group in itertools.groupby(readable, key=lambda r: (r.path, r.kind)):
                group = list(group)
                prepared = []
                for result in group:
                    if progress:
                        progress(f"校验并写入 {result.path.name}（{result.table.kind.title}）")
                    prepared.append(_validate(conn, result, Options(term=term, policy=policy)))
                    if target is not None:
                        corrections.same_term(result, target)
                if rolls is not None and group[0].kind in ROLL_KINDS:
                    _conflicts_across_parts(rolls, group, prepared)
                _copied_sheets(group, prepared)
                if group[0].kind == "payments":
                    payments.key_sheets_together(prepared)
                # A roll's cells stay while later rolls of the command may still find a row of it in conflict:
                # the error workbook copies the rows at fault.
                keep_rows = rolls is not None and group[0].kind in ROLL_KINDS
                for result, ready in zip(group, prepared, strict=True):
                    _write(conn, result, ready, effective, keep_rows=keep_rows)
            if target is not None and not any(r.problems for r in results):
                corrections.record(conn, readable, target, dry_run=dry_run)
            # Unreadable files were still followed by validating the readable ones, so the clerk gets every
            # problem in one round; any problem anywhere (or --dry-run) writes nothing.
            if any(r.problems for r in results) or dry_run:
                raise _Rollback
            link_households(conn, {r.kind for r in readable})
            link_payments(conn, {r.kind for r in readable})
            record_totals(conn, [r.batch_id for r in results])
    except _Rollback:
        pass
    except (OperationalError, sqlite3.OperationalError) as exc:
        # Rolled back already: nothing of these files is in the ledger.
        if not dialect.is_busy(exc):
            raise
        names = "、".join(dict.fromkeys(Path(p).name for p in paths))
        raise ClerkError(
            f"台账正被另一次导入（或另一个写台账的命令）占用，等了 {dialect.BUSY_TIMEOUT_MS // 1000} 秒仍未轮到："
            f"{names} 没有导入，台账中什么也没有写入",
            "请等另一次导入结束后重新运行同一条导入命令；若没有别人在导入，请检查是否有卡住的 fupin 进程",
            misuse=False) from exc
    written = outcome.ok and not dry_run
    for r in results:
        r.notes.extend(transfers.moved_notes(r.moved, r.batch_id if written else None))
    return outcome


def _validate(conn: Connection, result: FileResult, options: Options) -> Prepared:
    validate, _ = IMPORTERS[result.kind]
    prepared: Prepared = validate(conn, result.table, options)
    person_names(result.table, prepared.checked)
    result.notes.extend(prepared.checked.notes)
    result.rows = int(prepared.checked.keep.sum())
    result.merged = prepared.checked.merged
    result.term = prepared.term
    result.problems.extend(sorted(prepared.checked.problems, key=lambda p: (p.row or 0, p.letter or "")))
    return prepared


ROLL_KINDS = ("roll", "away")  # both give a student's one enrollment of a term


def _conflicts_across_parts(rolls: list[tuple[FileResult, pd.DataFrame]], group: list[FileResult],
                            prepared: list[Prepared]) -> None:
    """The same student in the same term on two sheets, or in two files, of one command, with another name,
    school or grade (一人多籍, or a copy gone wrong).

    On one sheet that is refused by the roll importer; across sheets and files each write silently overwrote the
    other's, so it is refused here the same way, on every row concerned, naming the other file, sheet and row.
    `rolls` gathers the rolls validated so far in the command; this group's are checked against them and added.
    """
    fresh = len(rolls)
    for result, ready in zip(group, prepared, strict=True):
        if not result.problems:
            rolls.append((result, _roll_rows(ready)))
    if len(rolls) - fresh == 0 or len(rolls) < 2:
        return
    rows = pd.concat([frame.assign(part=n) for n, (_, frame) in enumerate(rolls)], ignore_index=True)
    rows = rows[rows.groupby("key")["part"].transform("nunique") > 1]
    differ = rows.groupby("key")[["name", "school", "grade"]].transform("nunique").max(axis=1) > 1
    for _, clash in rows[differ.to_numpy()].groupby("key", sort=False):
        if clash["part"].max() < fresh:
            continue  # between earlier rolls only: told when those were checked
        for part, row, id_number in zip(clash["part"], clash["row"], clash["id_number"], strict=True):
            mine = rolls[part][0]
            others = "；".join(_where(mine, rolls[p][0], r)
                              for p, r in zip(clash["part"], clash["row"], strict=True) if p != part)
            mine.problems.append(mine.table.problem(
                "duplicate_conflict", f"同一学生（身份证号）同一学期在{others}也有，内容不一致（姓名、学校或年级）",
                "一名学生一个学期只能在一所学校有学籍：请核对这几行，删除多余的一行或改正错误的内容",
                field_name="id_number", row=int(row), value=idnumber.mask(id_number),
            ))


def _roll_rows(ready: Prepared) -> pd.DataFrame:
    students, enrollments = ready.frames["students"], ready.frames["enrollments"]
    return pd.DataFrame({
        "key": enrollments["id_number"].astype(str) + "|" + enrollments["term"].astype(str),
        "name": students["name"].astype(str), "school": enrollments["school_name"].astype(str),
        "grade": enrollments["stage"].astype(str) + enrollments["grade"].astype(str),
        "row": enrollments["source_row"], "id_number": enrollments["id_number"].astype(str),
    })


def _where(mine: FileResult, other: FileResult, row: int) -> str:
    """Another row of the command, as seen from `mine`: 本文件的工作表“X”第 3 行, or 文件“B.csv”第 3 行."""
    if other.path == mine.path:
        return f"本文件的工作表“{other.sheet}”第 {row} 行"
    sheet = f"工作表“{other.sheet}”" if other.sheet else ""
    return f"文件“{other.path.name}”{sheet}第 {row} 行"


def _copied_sheets(group: list[FileResult], prepared: list[Prepared]) -> None:
    """A payment sheet all of whose payments are on another sheet of the same workbook too (one file named twice
    in a command is one sheet twice: its rows are simply unchanged the second time).

    That is a 全县 sheet beside the schools' sheets, or a copy: reading both would record every payment twice.
    A student paid on two schools' sheets is a few rows, never a whole sheet, and is still recorded twice.
    """
    if len(group) < 2 or group[0].kind != "payments" or any(r.problems for r in group):
        return
    identity = ["id_number", "program_id", "term", "amount", "paid_on"]
    counts = [ready.frames["payments"][identity].astype(str).value_counts(dropna=False) for ready in prepared]

    def within(a: int, b: int) -> bool:
        return bool(len(counts[a])) and bool((counts[b].reindex(counts[a].index, fill_value=0) >= counts[a]).all())

    for a, b in itertools.permutations(range(len(group)), 2):
        # Two equal sheets: the later one is named; a sheet inside a bigger one: the smaller one is named.
        if group[a].sheet != group[b].sheet and within(a, b) and (not within(b, a) or a > b):
            group[a].problems.append(group[a].table.problem(
                "sheet_copied", f"工作表“{group[a].sheet}”的 {int(counts[a].sum())} 笔发放在工作表“{group[b].sheet}”中全都有",
                "像是汇总页和分页（或同一名册的两份）：两页都导入会把每笔发放记两次。请用 --sheet 只导入其中一种，"
                f"例如 --sheet {group[b].sheet}",
            ))


def _write(conn: Connection, result: FileResult, prepared: Prepared, effective: datetime | None, *,
           keep_rows: bool = False) -> None:
    if result.problems:
        return
    _, write = IMPORTERS[result.kind]
    batch = BatchMaker(conn, result.table, prepared.term, result.rows, effective)
    if not keep_rows:
        result.table.release_rows()
    counts = write(conn, prepared, batch)
    result.new, result.changed, result.unchanged = counts.new, counts.changed, counts.unchanged
    result.moved = counts.moved
    # Every row read is new, changed, unchanged or merged into another row of the file, and the screen says so.
    # The importers name what they merge; any row left over is still counted and told, never lost from the sum.
    # (A task list can give more ledger rows than it has rows: one cell holds several numbered items.)
    gap = result.rows - result.merged - counts.new - counts.changed - counts.unchanged
    if gap > 0:
        result.merged += gap
        result.notes.append(f"另有 {gap:,} 行与本文件的其他行是台账中的同一条记录，合并记入")
    result.batch_id = batch.id
    if batch.id is not None:
        conn.execute(
            text("UPDATE batches SET new_rows = :n, changed_rows = :c, unchanged_rows = :u WHERE id = :id"),
            {"n": counts.new, "c": counts.changed, "u": counts.unchanged, "id": batch.id},
        )






