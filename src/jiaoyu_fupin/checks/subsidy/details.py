"""Turn the coverage check's integer frames into what a clerk reads: names, schools, grades, amounts, sources."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from jiaoyu_fupin.checks.subsidy import model as cov
from jiaoyu_fupin.checks.subsidy.arrays import contains, distinct, pair_key
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.policy import COUNTABLE_FEN
from jiaoyu_fupin.core.poverty import CATEGORIES, registered_flag_sql
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.frames import fetch_rows

_CHUNK = 20_000  # ids per IN list: integers inlined, far below SQLite's statement length limit
UNNAMED = "（未注明学校）"


def by_ids(conn: Connection, sql: str, ids: Iterable[int], params: dict | None = None) -> list[tuple]:
    """Run `sql` with its {ids} placeholder filled by chunks of integer ids (inlined: they are ints we hold)."""
    ids = sorted({int(i) for i in ids})
    rows: list = []
    for start in range(0, len(ids), _CHUNK):
        inlined = ",".join(map(str, ids[start:start + _CHUNK]))
        rows.extend(fetch_rows(conn, text(sql.format(ids=inlined)), params))
    return rows


def _students(conn: Connection, term: Term, ids: Iterable[int]) -> dict[int, dict]:
    rows = by_ids(conn, (
        f"SELECT s.id, s.id_number, s.name, s.family_category, {registered_flag_sql('s')}, e.stage, e.grade,"
        " e.class_name, e.boarding, COALESCE(sc.name, e.school_name), sc.township, e.status, e.study_place,"
        " COALESCE(e.place_detail, e.study_place)"
        " FROM students s LEFT JOIN enrollments e ON e.student_id = s.id AND e.term = :term"
        " LEFT JOIN schools sc ON sc.id = e.school_id WHERE s.id IN ({ids})"), ids, {"term": str(term)})
    keys = ("id_number", "name", "category", "registered", "stage", "grade", "class_name", "boarding", "school",
            "township", "status", "study_place", "place")
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def _programs(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(text("SELECT id, name FROM programs ORDER BY id")).all())


def _amounts(fen, amounts) -> str | None:
    """The allowed amount(s) as the clerk reads them: "312.5", or "500或1000" where several standards apply."""
    if isinstance(amounts, tuple):
        return "或".join(str(cov.yuan(a)) for a in amounts)
    return None if fen is None or pd.isna(fen) else str(cov.yuan(fen))


def _profile(s: dict) -> str:
    categories = [CATEGORIES.get(s["category"], s["category"])] if s["category"] else []
    if s["registered"] and "建档立卡" not in categories:
        categories.append("建档立卡")
    boarding = {True: "住校", False: "走读"}.get(None if s["boarding"] is None else bool(s["boarding"]), "就读方式未填")
    grade = grade_label(s["stage"], s["grade"])
    stage = "" if grade.startswith(s["stage"] or "") else s["stage"] or ""
    return f"{stage}{grade}，{boarding}，{'、'.join(categories) or '无困难类别'}"


def counts_as_paid(payments: pd.DataFrame) -> np.ndarray:
    """The payment rows that pay the student's entitlement, at the right amount or not."""
    kind = payments["kind"].to_numpy()
    return (kind == 0) | (kind == cov.AMOUNT_MISMATCH)


def findings(conn: Connection, term: Term, payments: pd.DataFrame, missing: pd.DataFrame,
             duplicates: pd.DataFrame) -> list[cov.Finding]:
    programs = _programs(conn)
    flagged = payments[payments["kind"].to_numpy() > 0]
    dup_rows = payments[counts_as_paid(payments) & contains(pair_key(duplicates), pair_key(payments))]
    paid = {r[0]: r[1:] for r in by_ids(conn, (
        "SELECT id, id_number, name, school_name, source_file, source_row, amount FROM payments"
        " WHERE id IN ({ids})"), list(flagged["id"]) + list(dup_rows["id"]))}
    known = flagged.loc[flagged["student_id"] >= 0, "student_id"]
    students = _students(conn, term, list(known) + list(missing["student_id"]) + list(duplicates["student_id"]))
    out = []
    for pid, code, sid, program_id, fen, amounts in zip(
            flagged["id"], flagged["kind"], flagged["student_id"], flagged["program_id"], flagged["fen_min"],
            flagged["amounts"], strict=True):
        # A student aided where they study has a standard there, not here: nothing was due from the county.
        due = None if code == cov.NOT_ENROLLED else _amounts(fen, amounts)
        out.append(_payment_finding(cov.KINDS[code - 1], paid[pid], students.get(sid), programs[program_id], due))
    sources: dict[tuple, list[str]] = {}
    for pid, sid, program_id in zip(dup_rows["id"], dup_rows["student_id"], dup_rows["program_id"], strict=True):
        sources.setdefault((sid, program_id), []).append(f"{paid[pid][3]} 第{paid[pid][4]}行")
    for sid, program_id, times, fen, standard, amounts in zip(
            duplicates["student_id"], duplicates["program_id"], duplicates["times"], duplicates["fen"],
            duplicates["fen_min"], duplicates["amounts"], strict=True):
        out.append(_finding("duplicate", students[sid], programs[program_id], _amounts(standard, amounts),
                            str(cov.yuan(fen)), f"本学期发放{times}次，合计{cov.yuan(fen)}元",
                            "；".join(sources.get((sid, program_id), []))))
    for sid, program_id, fen, amounts in zip(missing["student_id"], missing["program_id"], missing["fen_min"],
                                             missing["amounts"], strict=True):
        expected = _amounts(fen, amounts)
        out.append(_finding("missing", students[sid], programs[program_id], expected, None,
                            f"应发{expected}元，本学期发放名册中没有", None))
    order = {kind: i for i, kind in enumerate(cov.KINDS)}
    out.sort(key=lambda f: (order[f.kind], f.township or "", f.school or "", f.grade or "", f.class_name or "",
                            f.name, f.program or ""))
    return out


def _finding(kind: str, s: dict, program: str, expected: str | None, paid: str | None, detail: str,
             source: str | None) -> cov.Finding:
    return cov.Finding(kind=kind, id_number=s["id_number"], name=s["name"], school=s["school"], program=program,
                       expected=expected, paid=paid, detail=detail, township=s["township"],
                       grade=grade_label(s["stage"], s["grade"]) if s["stage"] else None,
                       class_name=s["class_name"], source=source)


def _payment_finding(kind: str, paid: tuple, student: dict | None, program: str,
                     expected: str | None) -> cov.Finding:
    id_number, name, school_name, source_file, source_row, fen = paid
    source = f"{source_file} 第{source_row}行"
    amount = str(cov.yuan(fen))
    if student is None:
        return cov.Finding(kind=kind, id_number=id_number, name=name, school=school_name, program=program,
                           expected=None, paid=amount, source=source,
                           detail="身份证号不在台账中：学籍名册和县外就读名单都没有此人，请核实身份证号或补导入学籍")
    if kind == "not_enrolled":
        detail = _not_enrolled(student)
    elif kind == "ineligible":
        detail = f"按本学期学籍（{_profile(student)}）不享受{program}"
    else:
        detail = f"标准{expected}元，实发{amount}元"
    finding = _finding(kind, student, program, expected, amount, detail, source)
    finding.name = name  # the name as paid: what the clerk finds on the roster
    finding.school = student["school"] or school_name
    return finding


def _not_enrolled(student: dict) -> str:
    """Why a payment's student is not on the county's roll this term, in the clerk's words."""
    if student["study_place"] and student["study_place"] != "县内":
        return f"本学期在县外就读（{student['place']}），由就读地资助，本县不应发放"
    if student["status"] and student["status"] != "在校":
        return f"本学期学籍状态为“{student['status']}”，不应发放"
    return "本学期没有此学生的学籍记录（可能已毕业、转出，或本学期学籍未导入）"


def _countable(fen: np.ndarray) -> np.ndarray:
    fen = fen.astype(np.int64)
    return np.where(fen <= COUNTABLE_FEN, fen, 0)


def summaries(conn: Connection, payments: pd.DataFrame, entitled: pd.DataFrame,
              found: list[cov.Finding]) -> tuple[list[cov.Line], list[cov.Line]]:
    programs = _programs(conn)
    schools = {i: (name, township) for i, name, township in fetch_rows(
        conn, text("SELECT id, name, township FROM schools"))}
    by_program = {name: cov.Line(name) for name in programs.values()}
    fen_entitled, fen_paid = entitled["fen_min"].to_numpy(), _countable(payments["fen"].to_numpy())
    for program_id, (n, fen) in _by_key(entitled["program_id"].to_numpy(), fen_entitled).items():
        by_program[programs[program_id]].entitled, by_program[programs[program_id]].expected = n, fen
    for program_id, (n, fen) in _by_key(payments["program_id"].to_numpy(), fen_paid).items():
        by_program[programs[program_id]].paid_count, by_program[programs[program_id]].paid = n, fen
    for program, n in Counter(f.program for f in found).items():
        by_program[program].findings = n

    by_school: dict[str, cov.Line] = {}

    def school_line(name: str, township: str | None = None) -> cov.Line:
        return by_school.setdefault(name, cov.Line(name, township=township))

    # Students, not entitlements, per school: one (school, student) pair each, counted by school.
    pairs = distinct(entitled["school_id"].to_numpy(dtype=np.int64) << 32 | entitled["student_id"].to_numpy(dtype=np.int64))
    students = dict(zip(*np.unique(pairs >> 32, return_counts=True), strict=True))
    for school_id, (_, fen) in _by_key(entitled["school_id"].to_numpy(), fen_entitled).items():
        line = school_line(*schools[school_id])
        line.entitled, line.expected = int(students[school_id]), fen
    school = payments["school_id"].to_numpy()
    for school_id, (n, fen) in _by_key(school[school >= 0], fen_paid[school >= 0]).items():
        line = school_line(*schools[school_id])
        line.paid_count, line.paid = n, fen
    # Payments to nobody the ledger places this term: under the school the roster names.
    elsewhere = payments[school < 0].fillna({"school_name": UNNAMED}).assign(fen=fen_paid[school < 0])
    townships = {name: township for name, township in schools.values()}
    for name, n, fen in elsewhere.groupby("school_name")["fen"].agg(["size", "sum"]).itertuples():
        line = school_line(name, townships.get(name))
        line.paid_count, line.paid = line.paid_count + int(n), line.paid + int(fen)
    for school, n in Counter(f.school or UNNAMED for f in found).items():
        school_line(school, townships.get(school)).findings = n
    lines = [line for line in by_program.values() if line.entitled or line.paid_count or line.findings]
    return lines, sorted(by_school.values(), key=lambda line: (line.township or "\uffff", line.key))


def _by_key(keys: np.ndarray, fen: np.ndarray) -> dict[int, tuple[int, int]]:
    """key → (rows, total 分), by sorting integer keys (a groupby per school cost a fifth of the check)."""
    if not len(keys):
        return {}
    keys = keys.astype(np.int64, copy=False)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, len(ordered)))
    totals = np.add.reduceat(fen.astype(np.int64)[order], starts)  # exact: integer 分
    return {int(k): (int(n), int(t)) for k, n, t in zip(ordered[starts], counts, totals, strict=True)}


def away_students(conn: Connection, term: Term, away: pd.DataFrame, scope) -> list[cov.AwayStudent]:
    sql = ("SELECT s.id, s.id_number, s.name, e.school_name, COALESCE(e.place_detail, e.study_place), e.stage,"
           " e.grade, h.township FROM students s JOIN enrollments e ON e.student_id = s.id AND e.term = :term"
           " LEFT JOIN households h ON h.id = s.household_id WHERE s.id IN ({ids})")
    rows = by_ids(conn, sql, away["student_id"], {"term": str(term)}) if len(away) else []
    if scope.township:
        rows = [r for r in rows if r[7] == scope.township]
    out = [cov.AwayStudent(id_number=r[1], name=r[2], school=r[3], place=r[4], stage=r[5],
                           grade=grade_label(r[5], r[6]) if r[5] else None) for r in rows]
    return sorted(out, key=lambda a: (a.place, a.school or "", a.name))
