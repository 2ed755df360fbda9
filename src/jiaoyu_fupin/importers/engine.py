"""Import one or several files as one transaction: every file valid, or nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text

from jiaoyu_fupin.importers import dropouts, org, pairing_records, payments, people, statistics, students
from jiaoyu_fupin.importers.base import BatchMaker, Options, Prepared
from jiaoyu_fupin.importers.error_workbook import ErrorSheet
from jiaoyu_fupin.importers.reader import Table, read_tables, unknown_headers
from jiaoyu_fupin.problems import ImportRefused, Problem

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
        """What the error workbook shows: per file with problems, its header and the original rows at fault."""
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


class _Rollback(Exception):
    pass


def import_files(ledger, paths: list[Path], *, kind: str | None = None, sheet: str | None = None,
                 term: str | None = None, dry_run: bool = False,
                 progress: Callable[[str], None] | None = None) -> ImportResult:
    """Read, validate and write every file in one transaction; any problem (or --dry-run) rolls all back."""
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
            for result in readable:
                if progress:
                    progress(f"校验并写入 {result.path.name}（{result.table.kind.title}）")
                _one(conn, result, Options(term=term))
            # Unreadable files were still followed by validating the readable ones, so the clerk gets every
            # problem in one round; any problem anywhere (or --dry-run) writes nothing.
            if any(r.problems for r in results) or dry_run:
                raise _Rollback
            _link_households(conn, {r.kind for r in readable})
            _link_payments(conn, {r.kind for r in readable})
    except _Rollback:
        pass
    return outcome


def _one(conn: Connection, result: FileResult, options: Options) -> None:
    validate, write = IMPORTERS[result.kind]
    prepared: Prepared = validate(conn, result.table, options)
    result.notes.extend(prepared.checked.notes)
    result.rows = int(prepared.checked.keep.sum())
    result.term = prepared.term
    if prepared.checked.problems:
        result.problems.extend(sorted(prepared.checked.problems, key=lambda p: (p.row or 0, p.letter or "")))
        return
    batch = BatchMaker(conn, result.table, prepared.term, result.rows)
    result.table.release_rows()
    counts = write(conn, prepared, batch)
    result.new, result.changed, result.unchanged = counts.new, counts.changed, counts.unchanged
    result.batch_id = batch.id
    if batch.id is not None:
        conn.execute(
            text("UPDATE batches SET new_rows = :n, changed_rows = :c, unchanged_rows = :u WHERE id = :id"),
            {"n": counts.new, "c": counts.changed, "u": counts.unchanged, "id": batch.id},
        )


def _link_households(conn: Connection, kinds: set[str]) -> None:
    """Point students at their registered poor household wherever the registry lists their ID number."""
    if not kinds & {"registry", "roll", "away"}:
        return
    if conn.execute(text("SELECT 1 FROM registry_people LIMIT 1")).first() is None:
        return
    conn.execute(text(
        "UPDATE students SET household_id = ("
        " SELECT h.id FROM registry_people p JOIN households h ON h.household_code = p.household_code"
        " WHERE p.id_number = students.id_number)"
        " WHERE id_number IN (SELECT id_number FROM registry_people)"
        " OR household_id IS NOT NULL"
    ))


def _link_payments(conn: Connection, kinds: set[str]) -> None:
    """Point payments at their student once a roll names them: a roster imported before the roll is a fact too."""
    if not kinds & {"roll", "away"}:
        return
    conn.execute(text(
        "UPDATE payments SET student_id = (SELECT s.id FROM students s WHERE s.id_number = payments.id_number)"
        " WHERE student_id IS NULL AND id_number IN (SELECT id_number FROM students)"
    ))


def relink(conn: Connection) -> None:
    """Redo both links from the stored rows alone: a ledger rebuilt as of a past date (reports --as-of) then links
    exactly as the imports up to that date did."""
    _link_households(conn, {"registry"})
    _link_payments(conn, {"roll"})
