"""Students a roll puts at another school than the ledger holds for the same term (转学, or 一人多籍).

The ledger keeps one enrollment per student and term, so the newer roll's school stands, as a mid-term transfer
must; but it is never done silently: the import names each student (ID masked), the term, the school and grade
before and after, and how to take the batch back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from jiaoyu_fupin.core import idnumber
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.store.models import Enrollment, Student

SHOWN = 20  # students listed on screen; the rest counted
_CHUNK = 500


def moved_students(conn: Connection, e: pd.DataFrame, changed: np.ndarray) -> list[str]:
    """One line per student of `e` (a roll's diffed enrollments: `id`, school_name, stage, grade, term) about to
    change school: name, masked ID, term, school and grade before → after. Read before they are written."""
    rows = e[changed & e["id"].notna().to_numpy()]
    if not len(rows):
        return []
    stored = _stored(conn, [int(i) for i in rows["id"]])
    moved = []
    for enrollment_id, term, school, stage, grade in zip(rows["id"], rows["term"], rows["school_name"],
                                                         rows["stage"], rows["grade"], strict=True):
        before = stored.get(int(enrollment_id))
        if before is None or not before["school"] or not isinstance(school, str):
            continue
        if text_key(before["school"]) == text_key(school):
            continue
        moved.append(f"{before['name']}（{idnumber.mask(before['id_number'])}）{term}：{before['school']} "
                     f"{grade_label(before['stage'], before['grade'])} → {school} {grade_label(stage, _int(grade))}")
    return moved


def moved_notes(moved: list[str], batch_id: int | None) -> list[str]:
    """What the import tells of the students it moves; `batch_id` None when nothing was written (a --dry-run, or
    an import refused for another file's problems)."""
    if not moved:
        return []
    undo = (f"请核对后用 fupin batches revert {batch_id} 撤销本批次，改正后重新导入" if batch_id is not None
            else "导入后可用 fupin batches revert 本批次编号 撤销")
    notes = [f"{len(moved):,} 名学生在台账中同一学期原在另一所学校，按本文件改为新学校（转学即是如此）；"
             f"如果是一人多籍或文件有误，{undo}："]
    notes.extend(f"  {line}" for line in moved[:SHOWN])
    if len(moved) > SHOWN:
        notes.append(f"  ……另有 {len(moved) - SHOWN:,} 名")
    return notes


def _stored(conn: Connection, ids: list[int]) -> dict[int, dict]:
    found = {}
    for start in range(0, len(ids), _CHUNK):
        query = (select(Enrollment.id, Enrollment.school_name, Enrollment.stage, Enrollment.grade, Student.name,
                        Student.id_number)
                 .join(Student, Student.id == Enrollment.student_id)
                 .where(Enrollment.id.in_(ids[start:start + _CHUNK])))
        for row in conn.execute(query):
            found[int(row.id)] = {"school": row.school_name, "stage": row.stage, "grade": _int(row.grade),
                                  "name": row.name, "id_number": row.id_number}
    return found


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
