"""`fupin pair assign`: propose a helper for each unpaired registered poor student of a school, and record them.

Who is proposed: first a teacher of the student's own class, then the least loaded helper of the school, never
one who would go over the limit. The ledger does not record which classes a teacher teaches, so "a teacher of
the class" is one of the school's helpers already paired with a classmate this term (班级科任老师对口帮扶学生).
Ties go to the helper with the fewer students, then the smaller code, so the same ledger gives the same proposal.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import insert

from jiaoyu_fupin.checks.pairing.data import PairingError, load
from jiaoyu_fupin.core import pairing as rules
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.integrity import record_totals
from jiaoyu_fupin.store.models import Batch, Pairing

CLASS_TEACHER, LEAST_LOADED = "本班老师", "本校负担最轻"


@dataclass
class Proposal:
    student_id: int
    id_number: str
    name: str
    grade: str
    class_name: str | None
    helper_id: int | None = None
    helper_code: str | None = None
    helper_name: str | None = None
    reason: str = ""  # why this helper, or why nobody
    load_after: int = 0


@dataclass
class AssignResult:
    school: str
    term: str
    start_date: date
    max_per_helper: int
    proposals: list[Proposal] = field(default_factory=list)  # every unpaired student, with or without a helper
    batch_id: int | None = None

    @property
    def assigned(self) -> list[Proposal]:
        return [p for p in self.proposals if p.helper_id is not None]

    @property
    def unassigned(self) -> list[Proposal]:
        return [p for p in self.proposals if p.helper_id is None]


def propose(ledger, school: str, *, term: Term | None = None, as_of: date | None = None,
            max_per_helper: int = rules.DEFAULT_MAX_PER_HELPER) -> AssignResult:
    if max_per_helper < 1:
        raise PairingError(f"--max-per-helper 须为正整数，现在是 {max_per_helper}", "例如 --max-per-helper 5")
    as_of = as_of or date.today()
    term = term or Term.of_date(as_of)
    with ledger.engine.connect() as conn, conn.begin():
        data = load(conn, term, as_of)
    sid = data.school_id(school)
    name = data.schools.loc[data.schools["id"] == sid, "name"].iloc[0]
    result = AssignResult(name, str(term), data.ref, max_per_helper)

    placed = data.enrolled[data.enrolled["placed"] & (data.enrolled["school_id"] == sid)]
    current = data.current()
    poor = placed[placed["poor"] & ~placed["student_id"].isin(set(current["student_id"]))]
    poor = poor.assign(_grade=poor["grade"].fillna(0)).sort_values(
        ["stage", "_grade", "class_key", "name", "id_number"], na_position="first")
    staff = data.helpers[data.helpers["school_id"] == sid].set_index("id")
    load_of = current.groupby("helper_id")["student_id"].nunique()
    carried = {h: int(load_of.get(h, 0)) for h in staff.index}
    classmates = current.merge(placed[["student_id", "stage", "grade", "class_key"]], on="student_id")
    teachers: dict[tuple, set] = {}
    for r in classmates[classmates["helper_id"].isin(staff.index)].itertuples():
        teachers.setdefault((r.stage, r.grade, r.class_key), set()).add(r.helper_id)

    def pick(candidates) -> int | None:
        free = [h for h in candidates if carried[h] < max_per_helper]
        return min(free, key=lambda h: (carried[h], staff.at[h, "helper_code"])) if free else None

    for r in poor.itertuples():
        p = Proposal(r.student_id, r.id_number, r.name, grade_label(r.stage, r.grade), r.class_name)
        key = (r.stage, r.grade, r.class_key)
        helper, reason = pick(teachers.get(key, ())), CLASS_TEACHER
        if helper is None:
            helper, reason = pick(staff.index), LEAST_LOADED
        if helper is None:
            p.reason = "本校没有帮扶责任人" if staff.empty else f"本校责任人都已结对 {max_per_helper} 名学生"
        else:
            carried[helper] += 1
            teachers.setdefault(key, set()).add(helper)
            p.helper_id, p.helper_code, p.helper_name = int(helper), staff.at[helper, "helper_code"], staff.at[helper, "name"]
            p.reason, p.load_after = reason, carried[helper]
        result.proposals.append(p)
    return result


def write(ledger, result: AssignResult) -> int | None:
    """Record the proposed pairings, from the reference date on, as one batch (fupin batches lists it)."""
    chosen = result.assigned
    if not chosen:
        return None
    text = "\n".join(f"{p.helper_code}|{p.id_number}|{result.start_date}" for p in chosen)
    now = datetime.now(UTC)
    with ledger.transaction() as conn:
        batch_id = conn.execute(insert(Batch.__table__).values(
            file_name=f"fupin pair assign（{result.school}）", sha256=hashlib.sha256(text.encode()).hexdigest(),
            kind="pair_assign", sheet=None, term=result.term, imported_at=now, effective_at=now, rows=len(chosen),
            new_rows=len(chosen),
        )).inserted_primary_key[0]
        conn.execute(insert(Pairing.__table__), [
            {"helper_id": p.helper_id, "student_id": int(p.student_id), "start_date": result.start_date,
             "end_date": None, "batch_id": batch_id, "source_row": None} for p in chosen])
        record_totals(conn, [batch_id])
    result.batch_id = batch_id
    return batch_id
