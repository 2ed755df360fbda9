"""One student's whole story (`fupin student show`), and finding a student by name (`fupin student find`).

Every line names where it comes from: the file, sheet and row of the import that wrote it, or the command that
recorded it. The registered-poor line says which part of the one rule (poverty.py) makes the student so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection, func, or_, select

from jiaoyu_fupin.core import idnumber, poverty
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.names import NAME_HINT, text_key, unknown_school
from jiaoyu_fupin.core.pairing import LABELS
from jiaoyu_fupin.core.poverty import CATEGORIES
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.store.models import (
    Batch,
    DropoutCase,
    DropoutVisit,
    Enrollment,
    HelpActivity,
    Helper,
    Household,
    Pairing,
    Payment,
    Program,
    RegistryPerson,
    School,
    Student,
)


class StudentNotFound(ClerkError):
    """No student with that ID number (or student number) in the ledger: refused (exit 1), as a lookup that finds
    nothing."""

    misuse = False


@dataclass
class Source:
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    batch: int | None = None
    command: str | None = None  # what recorded it, where no import did

    def text(self) -> str:
        if self.file is None:
            return self.command or "命令录入"
        where = f"文件“{self.file}”" + (f"工作表“{self.sheet}”" if self.sheet else "")
        return where + (f"第 {self.row} 行" if self.row else "") + f"（批次 #{self.batch}）"


@dataclass
class Line:
    section: str  # 学籍 / 类别 / 资助 / 核对 / 结对 / 六个一 / 控辍
    term: str | None
    text: str
    source: Source

    def as_json(self) -> dict:
        return {"section": self.section, "term": self.term, "text": self.text, "source": asdict(self.source)}


@dataclass
class Story:
    id_number: str
    name: str
    sex: str | None
    birth_date: str | None
    student_number: str | None
    registered: bool
    lines: list[Line] = field(default_factory=list)

    def as_json(self, full: bool) -> dict:
        # A name that is an ID number (a ledger from before such names were refused) is masked like the ID.
        return {"id_number": self.id_number if full else idnumber.mask(self.id_number),
                "name": self.name if full else idnumber.mask_text(self.name), "sex": self.sex, "birth_date": self.birth_date if full else None,
                "student_number": self.student_number if full else None, "registered_poor": self.registered,
                "lines": [line.as_json() for line in self.lines]}


def _source(conn: Connection, batch_id: int | None, row: int | None, command: str = "命令录入") -> Source:
    if batch_id is None:
        return Source(command=command)
    found = conn.execute(select(Batch.file_name, Batch.sheet).where(Batch.id == batch_id)).first()
    return Source(found[0], found[1], row, batch_id) if found else Source(command=command)


def find_student(conn: Connection, key: str):
    """The students row for an ID number (any case, spaces) or a 全国学籍号, or, for a person on no roll (a payment
    to someone no roll holds, a child of the registry), a row of the same shape built from what names the ID."""
    text = "".join(str(key).split()).upper()
    row = conn.execute(select(Student.__table__).where(
        or_(Student.id_number == text, Student.student_number == text))).mappings().first()
    if row is not None:
        return row
    for name_column, id_column in ((RegistryPerson.name, RegistryPerson.id_number), (Payment.name, Payment.id_number),
                                   (DropoutCase.name, DropoutCase.id_number)):
        name = conn.execute(select(name_column).where(id_column == text).limit(1)).scalar()
        if name is not None:
            household = conn.execute(select(Household.id).join(
                RegistryPerson, RegistryPerson.household_code == Household.household_code)
                .where(RegistryPerson.id_number == text)).scalar()
            return {"id": None, "id_number": text, "name": name, "sex": None, "birth_date": None, "student_number": None,
                    "family_category": None, "roll_registered": None, "household_id": household, "batch_id": None,
                    "source_row": None}
    raise StudentNotFound(f"台账中没有身份证号或学籍号为 {idnumber.mask(text)} 的学生",
                          "请核对号码；按姓名查找用 fupin student find 姓名")


def story(conn: Connection, key: str) -> Story:
    s = find_student(conn, key)
    registered = poverty.is_registered(s["household_id"], s["family_category"], s["roll_registered"])
    out = Story(s["id_number"], s["name"], s["sex"], s["birth_date"] and str(s["birth_date"]), s["student_number"],
                registered)
    out.lines += _category(conn, s, registered)
    if s["id"] is None:
        out.lines.append(Line("学籍", None, "任何学籍名册和县外就读名单中都没有此人", Source(command="台账中的学籍")))
    out.lines += _enrollments(conn, s["id"])
    out.lines += _payments(conn, s["id"], s["id_number"])
    out.lines += _findings(conn, s["id_number"], sorted({line.term for line in out.lines if line.term}))
    out.lines += _pairings(conn, s["id"])
    out.lines += _dropout(conn, s["id_number"])
    return out


def _category(conn: Connection, s, registered: bool) -> list[Line]:
    lines = []
    student_source = _source(conn, s["batch_id"], s["source_row"], "学籍")
    if s["family_category"]:
        lines.append(Line("类别", None, f"家庭经济困难类别：{CATEGORIES.get(s['family_category'], s['family_category'])}",
                          student_source))
    if s["roll_registered"] is not None:
        said = "是" if s["roll_registered"] else "否"
        lines.append(Line("类别", None, f"学籍中的是否建档立卡贫困户：{said}", student_source))
    listed = conn.execute(select(RegistryPerson.household_code, RegistryPerson.batch_id, RegistryPerson.source_row,
                                 Household.poverty_attribute)
                          .join(Household, Household.household_code == RegistryPerson.household_code, isouter=True)
                          .where(RegistryPerson.id_number == s["id_number"])).first()
    if listed:
        attribute = f"，贫困户属性 {listed[3]}" if listed[3] else ""
        lines.append(Line("类别", None, f"国扶办建档立卡名单中有此人：户编号 {listed[0]}{attribute}",
                          _source(conn, listed[1], listed[2])))
    why = ("国扶办名单中有此人" if listed or s["household_id"] is not None else "学籍中写明是建档立卡户")
    verdict = f"按建档立卡学生计（{why}）" if registered else "不是建档立卡学生（国扶办名单和学籍都没有说是）"
    lines.append(Line("类别", None, verdict, Source(command="规则：国扶办名单有此人，或学籍写明是建档立卡户")))
    return lines


def _enrollments(conn: Connection, student_id: int) -> list[Line]:
    e = Enrollment
    rows = conn.execute(select(e.term, e.school_name, e.stage, e.grade, e.class_name, e.boarding, e.status,
                               e.study_place, e.place_detail, e.batch_id, e.source_row)
                        .where(e.student_id == student_id).order_by(e.term)).all()
    lines = []
    for term, school, stage, grade, klass, boarding, status, place, detail, batch_id, row in rows:
        parts = [school or "", grade_label(stage, grade), klass or ""]
        if boarding is not None:
            parts.append("住校" if boarding else "走读")
        parts.append(status)
        if place != "县内":
            parts.append(f"{place}{('（' + detail + '）') if detail else ''}")
        lines.append(Line("学籍", term, " ".join(p for p in parts if p), _source(conn, batch_id, row)))
    return lines


def _payments(conn: Connection, student_id: int, id_number: str) -> list[Line]:
    p = Payment
    rows = conn.execute(select(p.term, Program.name, p.amount, p.paid_on, p.school_name, p.batch_id, p.source_row)
                        .join(Program, Program.id == p.program_id)
                        .where(or_(p.student_id == student_id, p.id_number == id_number) if student_id is not None
                               else p.id_number == id_number)
                        .order_by(p.term, p.paid_on, p.id)).all()
    return [Line("资助", term, f"{program} {amount} 元" + (f"，{paid_on} 发放" if paid_on else "")
                 + (f"，名册上的学校：{school}" if school else ""), _source(conn, batch_id, row))
            for term, program, amount, paid_on, school, batch_id, row in rows]


def _findings(conn: Connection, id_number: str, terms: list[str]) -> list[Line]:
    """The coverage check's findings about this student, term by term (the whole term is checked: a duplicate or
    a missing payment is only seen against all of the term's rosters)."""
    from jiaoyu_fupin.checks.subsidy.coverage import NoRollError, check
    from jiaoyu_fupin.checks.subsidy.model import KIND_TITLES
    from jiaoyu_fupin.core.terms import Term

    lines = []
    for term in terms:
        try:
            report = check(conn, Term.parse(term))
        except NoRollError:
            continue
        for f in report.findings:
            if f.id_number == id_number:
                source = Source(command=f"fupin subsidy check --term {term}" + (f"；依据 {f.source}" if f.source else ""))
                lines.append(Line("核对", term, f"{KIND_TITLES[f.kind]}：{f.program or ''} {f.detail}".strip(), source))
    return lines


def _pairings(conn: Connection, student_id: int) -> list[Line]:
    rows = conn.execute(select(Helper.name, Pairing.start_date, Pairing.end_date, Pairing.batch_id, Pairing.source_row)
                        .join(Helper, Helper.id == Pairing.helper_id).where(Pairing.student_id == student_id)
                        .order_by(Pairing.start_date)).all()
    lines = [Line("结对", None, f"帮扶责任人 {name}，{start} 起" + (f"至 {end}" if end else ""),
                  _source(conn, batch_id, row, "fupin pair assign")) for name, start, end, batch_id, row in rows]
    acts = conn.execute(select(HelpActivity.activity_type, HelpActivity.activity_date, Helper.name, HelpActivity.note,
                               HelpActivity.batch_id, HelpActivity.source_row)
                        .join(Helper, Helper.id == HelpActivity.helper_id).where(HelpActivity.student_id == student_id)
                        .order_by(HelpActivity.activity_date)).all()
    lines += [Line("六个一", None, f"{day} {LABELS.get(kind, kind)}（{helper}）" + (f"：{note}" if note else ""),
                   _source(conn, batch_id, row)) for kind, day, helper, note, batch_id, row in acts]
    return lines


def _dropout(conn: Connection, id_number: str) -> list[Line]:
    from jiaoyu_fupin.checks.dropout.cases import ORIGINS, OUTCOMES, STATUS_NAMES

    cases = conn.execute(select(DropoutCase.id, DropoutCase.origin, DropoutCase.status, DropoutCase.reason,
                                DropoutCase.opened_on, DropoutCase.closed_as, DropoutCase.batch_id,
                                DropoutCase.source_row).where(DropoutCase.id_number == id_number)
                         .order_by(DropoutCase.id)).all()
    lines = []
    for case, origin, status, reason, opened, closed_as, batch_id, row in cases:
        visits = conn.execute(select(func.count()).where(DropoutVisit.case_id == case)).scalar_one()
        state = STATUS_NAMES.get(status, status) + (f"（{OUTCOMES.get(closed_as, closed_as)}）" if closed_as else "")
        text = (f"辍学案件 {case}（{ORIGINS.get(origin, origin)}）{opened or ''} 立案，{state}，劝返 {visits} 次"
                + (f"：{reason}" if reason else ""))
        lines.append(Line("控辍", None, text, _source(conn, batch_id, row, f"fupin dropout scan（案件 {case}）")))
    return lines


@dataclass
class Match:
    id_number: str
    name: str
    sex: str | None
    term: str | None
    school: str | None
    grade: str
    class_name: str | None
    source: Source

    def as_json(self, full: bool = False) -> dict:
        return {"id_number": self.id_number if full else idnumber.mask(self.id_number),
                "name": self.name if full else idnumber.mask_text(self.name), "sex": self.sex, "term": self.term, "school": self.school, "grade": self.grade,
                "class_name": self.class_name, "source": asdict(self.source)}


def find(conn: Connection, name: str, school: str | None = None, limit: int = 200) -> list[Match]:
    """Students whose name is `name` (or contains it, when none is exactly so), each with the latest term's school."""
    wanted = "".join(str(name).split())
    if not wanted:
        raise ClerkError("姓名不能为空", "例：fupin student find 张小明")
    if school:
        _require_school_part(conn, school)
    exact = list(conn.execute(select(Student.__table__).where(Student.name == wanted).limit(limit)).mappings())
    rows = exact or list(conn.execute(select(Student.__table__).where(Student.name.contains(wanted))
                                      .order_by(Student.name).limit(limit)).mappings())
    found = []
    for s in rows:
        e = conn.execute(select(Enrollment.term, Enrollment.school_name, Enrollment.stage, Enrollment.grade,
                                Enrollment.class_name).where(Enrollment.student_id == s["id"])
                         .order_by(Enrollment.term.desc()).limit(1)).first()
        term, school_name, stage, grade, klass = e if e else (None, None, None, None, None)
        if school and (school_name is None or text_key(school) not in text_key(school_name)):
            continue
        found.append(Match(s["id_number"], s["name"], s["sex"], term, school_name, grade_label(stage, grade), klass,
                           _source(conn, s["batch_id"], s["source_row"])))
    return found


def _require_school_part(conn: Connection, school: str) -> None:
    """--school of `find` may be part of a name (城关 for 城关中学), but a part no school's name holds is a slip:
    "no such student" would send the clerk looking for the wrong thing. Schools outside the county count as the
    roll names them."""
    known = {n for (n,) in conn.execute(select(School.name))}
    known |= {n for (n,) in conn.execute(select(Enrollment.school_name).distinct()) if n}
    if not any(text_key(school) in text_key(n) for n in known):
        raise ClerkError(unknown_school(school, sorted(known)), NAME_HINT)
