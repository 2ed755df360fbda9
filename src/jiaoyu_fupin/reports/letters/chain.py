"""Who signs for whom: the oversight chain (包保) and the pairings (结对) in the ledger, for one term."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, and_, or_, select

from jiaoyu_fupin.checks.subsidy.scope import Scope
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store.models import Enrollment, Helper, Oversight, Pairing, School, Student


@dataclass
class ResponsibilityLetter:
    layer: str  # leader / office / school_leader / teacher / helper (pairs a student of no school of their own)
    name: str  # the one who signs
    objects: list[str] = field(default_factory=list)  # townships, schools, classes or students, as printed
    school: str | None = None  # the school whose file the letter goes into (None: the bureau's)
    unit: str | None = None  # a helper's own school, when it is not the school of the file


def _standing(term: Term):
    o = Oversight.__table__.c
    return or_(o.term.is_(None), o.term == str(term))


def letters_to_write(conn: Connection, term: Term, on: date,
                     school: str | None = None) -> tuple[list[ResponsibilityLetter], str | None]:
    """letters(), and the school as the ledger spells it; refused (ClerkError) when there is nothing to write: a
    school the ledger does not know (misuse), a ledger with no oversight or pairings (misuse: import them first),
    or a school with no letter of its own this term (refused by the data, exit 1)."""
    if school:
        school = Scope(school=school).resolve(conn).school
    found = letters(conn, term, on)
    if not found:
        raise ClerkError("台账中没有包保责任和结对关系，写不出责任书",
                         "请先用 fupin import 导入包保责任（oversight）和结对帮扶关系（pairings）")
    if school and not any(f.school == school for f in found):
        raise ClerkError(f"{school}在 {term} 没有学校领导包保班级或教师结对学生，没有责任书可写", misuse=False)
    return found, school


def letters(conn: Connection, term: Term, on: date) -> list[ResponsibilityLetter]:
    """Every letter the ledger can fill: one per leader, office head, school leader and teacher with someone in
    their care this term, in the order of the chain."""
    o, h, s = Oversight.__table__.c, Helper.__table__.c, School.__table__.c
    found: dict[tuple, ResponsibilityLetter] = {}
    rows = conn.execute(select(h.id, h.name, h.school_id, o.level, o.township, o.school_id, o.stage, o.grade,
                               o.class_name, s.name).select_from(Oversight.__table__.join(
                                   Helper.__table__, h.id == o.helper_id).outerjoin(School.__table__, s.id == o.school_id))
                        .where(_standing(term)).order_by(o.level.desc(), o.id)).all()
    schools = dict(conn.execute(select(s.id, s.name)).all())
    for helper_id, name, home, level, township, _, stage, grade, class_name, school in rows:
        if level == "township":
            letter = found.setdefault(("leader", helper_id), ResponsibilityLetter("leader", name))
            letter.objects.append(township)
        elif level == "school":
            letter = found.setdefault(("office", helper_id), ResponsibilityLetter("office", name))
            letter.objects.append(school)
        else:
            where = schools.get(home) or school
            # A bureau officer answering for classes of two schools signs one letter in each school's file.
            where = school if home not in schools else where
            letter = found.setdefault(("school_leader", helper_id, where), ResponsibilityLetter("school_leader", name, school=where))
            label = grade_label(stage, grade) if grade is not None else ""
            letter.objects.append(f"{label}{class_name or ''}" or "全校")
    p, st, e = Pairing.__table__.c, Student.__table__.c, Enrollment.__table__.c
    pairs = conn.execute(select(h.id, h.name, h.school_id, st.name, e.school_id, e.stage, e.grade, e.class_name)
                         .select_from(Pairing.__table__.join(Helper.__table__, h.id == p.helper_id)
                                      .join(Student.__table__, st.id == p.student_id)
                                      .outerjoin(Enrollment.__table__, and_(e.student_id == st.id, e.term == str(term))))
                         .where(p.start_date <= on, or_(p.end_date.is_(None), p.end_date >= on))
                         .order_by(h.school_id, h.id, p.id)).all()
    for helper_id, name, home, student, attends, stage, grade, class_name in pairs:
        own, theirs = schools.get(home), schools.get(attends)
        if own is not None and theirs in (None, own):
            letter = found.setdefault(("teacher", helper_id, own), ResponsibilityLetter("teacher", name, school=own))
        else:
            # Not a teacher of the child's school: a bureau officer signs in the bureau's file, a teacher of another
            # school in the file of the child's school (a school's file lists only its own students).
            letter = found.setdefault(("helper", helper_id, theirs if own else None),
                                      ResponsibilityLetter("helper", name, school=theirs if own else None, unit=own))
        label = grade_label(stage, grade) if grade is not None else ""
        letter.objects.append(f"{student}（{label}{class_name or ''}）" if label or class_name else student)
    return list(found.values())
