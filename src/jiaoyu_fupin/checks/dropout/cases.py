"""Dropout cases: list them, record 劝返 visits, close them with an outcome, reopen them. Nothing is deleted.

A case's current state is on its dropout_cases row; every closing and reopening also adds a dropout_events row
with its date, so the history survives any number of round trips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, text

from jiaoyu_fupin.core import ages, idnumber
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.names import matching_name, resolve_township, text_key, unknown_school
from jiaoyu_fupin.core.poverty import is_registered
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term

OUTCOMES = {
    "returned": "劝返复学",
    "home_schooled": "送教上门",
    "exempted": "缓学免学",
    "moved": "已迁出",
    "not_a_case": "非失学辍学",
}
# Words clerks type for an outcome besides the codes and the titles above.
_OUTCOME_WORDS = {"劝返": "returned", "复学": "returned", "已复学": "returned", "已返校": "returned",
                  "送教": "home_schooled", "缓学": "exempted", "免学": "exempted", "迁出": "moved",
                  "已转出": "moved", "非辍学": "not_a_case", "非失学": "not_a_case"}


def outcome_code(value: str) -> str:
    """The outcome code for what a clerk typed: the code (returned), its title (劝返复学) or a common word (送教);
    a word that is none of them is refused with the choices."""
    key = text_key(value or "").lower()
    for code, title in OUTCOMES.items():
        if key in (code, text_key(title)):
            return code
    if key in _OUTCOME_WORDS:
        return _OUTCOME_WORDS[key]
    raise CaseError(f"不认识的结案方式“{value}”", "可选：" + "、".join(f"{v}（{k}）" for k, v in OUTCOMES.items()))


# Outcomes that keep a child out of later scans for as long as they hold (valid_until, or until reopened).
LASTING = ("home_schooled", "exempted")
ORIGINS = {"scan": "比对发现", "roll": "学籍辍学", "ledger": "辍学台账"}
STATUS_NAMES = {"open": "未销号", "closed": "已销号"}


class CaseError(ClerkError):
    """A case command that cannot be done; misuse (exit 2) or refused (`misuse=False`, exit 1), with a hint."""


@dataclass
class CaseView:
    """A case as a clerk reads it: who, where, why, what has been done."""

    case: int
    id_number: str
    name: str
    origin: str
    status: str
    reason: str | None = None
    registered_poor: bool = False
    township: str | None = None
    village: str | None = None
    age: int | None = None
    school_grade: str | None = None
    left_month: str | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    closed_as: str | None = None
    close_reason: str | None = None
    visits: int = 0
    last_visit: date | None = None
    roll: str | None = None  # the child's latest roll row, e.g. "2019秋在校：某中学九年级"
    new: bool = False

    def as_json(self) -> dict:
        return {
            "case": self.case, "id_number": self.id_number, "name": self.name, "reason": self.reason,
            "origin": self.origin, "status": self.status, "registered_poor": self.registered_poor,
            "township": self.township, "village": self.village, "age": self.age, "school_grade": self.school_grade,
            "left_month": self.left_month, "opened_on": _iso(self.opened_on), "closed_on": _iso(self.closed_on),
            "closed_as": self.closed_as, "close_reason": self.close_reason, "visits": self.visits,
            "last_visit": _iso(self.last_visit), "roll": self.roll, "new": self.new,
        }


@dataclass
class CaseHistory:
    view: CaseView
    events: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def as_date(value) -> date | None:
    """A stored date: SQLite hands back ISO text, other databases dates."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# ---- reading ----------------------------------------------------------------------------------------------------

CASE_COLUMNS = ("id, id_number, name, origin, status, reason, school_grade, left_month, opened_on, closed_on, "
                 "closed_as, close_reason")


def list_cases(conn: Connection, *, open_only: bool = False, township: str | None = None,
               today: date | None = None) -> list[CaseView]:
    """Open cases first, registered poor children first within them, then by township, village and case number."""
    where = " WHERE status = 'open'" if open_only else ""
    rows = conn.execute(text(f"SELECT {CASE_COLUMNS} FROM dropout_cases{where}")).all()  # noqa: S608
    views = describe(conn, rows, _school_year(conn, today))
    if township:
        _require_township(conn, township, {v.township for v in views if v.township})
        wanted = text_key(township)
        views = [v for v in views if v.township and text_key(v.township) == wanted]
    return sort_cases(views)


def _require_township(conn: Connection, township: str, seen: set[str]) -> None:
    """A township no list in the ledger names is a slip (城关 for 城关镇), not a township without cases: an empty
    list would read as "no child out of school there"."""
    known = set(seen)
    for table in ("schools", "population", "registry_people"):
        known |= {t for (t,) in conn.execute(text(f"SELECT DISTINCT township FROM {table}")) if t}  # noqa: S608
    resolve_township(township, sorted(known), CaseError,
                     "乡镇按儿童户籍，写法须与户籍适龄儿童名单、国扶办数据或学校名单中的一致")


def _school_year(conn: Connection, today: date | None) -> int:
    """Ages are shown for the ledger's latest roll (the data's own time), else for today's school year."""
    latest = conn.execute(text("SELECT MAX(term) FROM enrollments")).scalar()
    if latest:
        return Term.parse(latest).school_year
    return Term.of_date(today or date.today()).school_year


def sort_cases(views: list[CaseView]) -> list[CaseView]:
    return sorted(views, key=lambda v: (v.status != "open", not v.registered_poor, v.township or "\uffff",
                                        v.village or "", v.case))


def find_case(conn: Connection, ref: str) -> int:
    """A case by its number, or by the child's ID number (the open case, else the latest one)."""
    ref = str(ref).strip()
    if ref.isdigit() and len(ref) <= 9:
        if conn.execute(text("SELECT 1 FROM dropout_cases WHERE id = :id"), {"id": int(ref)}).first() is None:
            raise CaseError(f"没有编号为 {ref} 的案件", "用 fupin dropout list 查看案件编号")
        return int(ref)
    hint = "请写案件编号（fupin dropout list 的第一列）或儿童的身份证号"
    if len(ref) < 10:  # too short to hold an ID number: quoted as typed (masking "abc" as "***" hid the slip)
        raise CaseError(f"“{ref}”不是案件编号（案件编号是 fupin dropout list 第一列的数字），也不是身份证号", hint)
    check = idnumber.check(ref)
    if not check.ok:
        message = check.message
        for shown in {ref, idnumber.normalize(ref)}:  # the ID module quotes the value; a screen shows it masked
            message = message.replace(shown, idnumber.mask(shown)) if len(shown) >= 10 else message
        raise CaseError(f"“{idnumber.mask(ref)}”既不是案件编号，也不是有效的身份证号：{message}", hint)
    row = conn.execute(text(
        "SELECT id FROM dropout_cases WHERE id_number = :n ORDER BY status = 'open' DESC, id DESC LIMIT 1"
    ), {"n": check.value}).first()
    if row is None:
        raise CaseError(f"身份证号 {idnumber.mask(check.value)} 没有案件", "用 fupin dropout list 查看全部案件")
    return int(row[0])


def case_history(conn: Connection, case_id: int, today: date | None = None) -> CaseHistory:
    rows = conn.execute(text(f"SELECT {CASE_COLUMNS} FROM dropout_cases WHERE id = :id"),  # noqa: S608
                        {"id": case_id}).all()
    if not rows:
        raise CaseError(f"没有编号为 {case_id} 的案件", "用 fupin dropout list 查看案件编号")
    view = describe(conn, rows, _school_year(conn, today))[0]
    events = [
        {"action": r[0], "date": _iso(as_date(r[1])), "term": r[2], "outcome": r[3], "reason": r[4], "school": r[5],
         "teacher": r[6], "valid_until": _iso(as_date(r[7]))}
        for r in conn.execute(text(
            "SELECT action, happened_on, term, outcome, reason, school, teacher, valid_until FROM dropout_events"
            " WHERE case_id = :id ORDER BY happened_on, id"), {"id": case_id})
    ]
    visits = [
        {"date": _iso(as_date(r[0])), "by": r[1], "result": r[2]}
        for r in conn.execute(text(
            "SELECT visited_on, visitors, result FROM dropout_visits WHERE case_id = :id ORDER BY visited_on, id"),
            {"id": case_id})
    ]
    return CaseHistory(view, events, visits)


def describe(conn: Connection, rows, school_year: int) -> list[CaseView]:
    """Case rows (in CASE_COLUMNS order) with where the child lives, their age, visits and latest roll row."""
    views = [CaseView(case=r[0], id_number=r[1], name=r[2], origin=r[3], status=r[4], reason=r[5],
                      school_grade=r[6], left_month=r[7], opened_on=as_date(r[8]), closed_on=as_date(r[9]),
                      closed_as=r[10], close_reason=r[11]) for r in rows]
    if not views:
        return views
    ids = sorted({v.id_number for v in views})
    places: dict[str, tuple] = {}
    poor: set[str] = set()
    births: dict[str, date] = {}
    rolls: dict[str, tuple] = {}
    for chunk in _chunks(ids):
        params = {f"i{k}": v for k, v in enumerate(chunk)}
        marks = ", ".join(f":i{k}" for k in range(len(chunk)))
        for n, township, village, born in conn.execute(text(
                f"SELECT id_number, township, village, birth_date FROM population WHERE id_number IN ({marks})"),
                params):
            places[n] = (township, village)
            births[n] = as_date(born)
        for n, township, village in conn.execute(text(
                f"SELECT id_number, township, village FROM registry_people WHERE id_number IN ({marks})"), params):
            poor.add(n)
            if not places.get(n, (None,))[0]:
                places[n] = (township, village)
        for n, category, household, said in conn.execute(text(
                f"SELECT id_number, family_category, household_id, roll_registered FROM students"
                f" WHERE id_number IN ({marks})"), params):
            if is_registered(household, category, said):
                poor.add(n)
        for n, term, status, place, school, stage, grade, township in conn.execute(text(
                "SELECT s.id_number, e.term, e.status, e.study_place, e.school_name, e.stage, e.grade, sc.township"
                " FROM students s JOIN enrollments e ON e.student_id = s.id"
                f" LEFT JOIN schools sc ON sc.id = e.school_id WHERE s.id_number IN ({marks})"), params):
            if n not in rolls or term > rolls[n][0]:
                rolls[n] = (term, status, place, school, stage, grade, township)
    visits = {r[0]: (r[1], as_date(r[2])) for r in conn.execute(text(
        "SELECT case_id, COUNT(*), MAX(visited_on) FROM dropout_visits GROUP BY case_id"))}
    for v in views:
        v.township, v.village = places.get(v.id_number, (None, None))
        roll = rolls.get(v.id_number)
        if roll:
            term, status, place, school, stage, grade, school_township = roll
            where = "县外就读" if place != "县内" else status
            v.roll = f"{term}{where}：{school or ''}{grade_label(stage, grade)}"
            v.township = v.township or school_township
        v.registered_poor = v.id_number in poor
        born = births.get(v.id_number) or _id_birth(v.id_number)
        v.age = ages.age_on_day(born, school_year) if born else None
        v.visits, v.last_visit = visits.get(v.case, (0, None))
    return views


def _id_birth(id_number: str) -> date | None:
    try:
        return idnumber.birth_date(id_number)
    except Exception:  # a case typed with a damaged ID still lists, only without an age
        return None


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ---- writing ----------------------------------------------------------------------------------------------------

def _case_row(conn: Connection, case_id: int):
    row = conn.execute(text("SELECT id, status, opened_on, closed_on, closed_as FROM dropout_cases WHERE id = :id"),
                       {"id": case_id}).first()
    if row is None:
        raise CaseError(f"没有编号为 {case_id} 的案件", "用 fupin dropout list 查看案件编号")
    return row


def _check_day(on: date, today: date, what: str) -> None:
    if on > today:
        raise CaseError(f"{what}{on.isoformat()}在今天（{today.isoformat()}）之后", "请写实际发生的日期")


def record_visit(conn: Connection, case_id: int, on: date, by: str, result: str, *,
                 today: date | None = None) -> int:
    """Add one 劝返 visit; returns how many visits the case now has."""
    _case_row(conn, case_id)
    _check_day(on, today or date.today(), "劝返日期")
    if not by.strip() or not result.strip():
        raise CaseError("劝返人员和劝返情况都不能为空", "例：--by 王老师、李村长 --result 家长同意下周一送孩子返校")
    conn.execute(text("INSERT INTO dropout_visits (case_id, visited_on, visitors, result) VALUES (:c, :d, :b, :r)"),
                 {"c": case_id, "d": on.isoformat(), "b": by.strip(), "r": result.strip()})
    return conn.execute(text("SELECT COUNT(*) FROM dropout_visits WHERE case_id = :c"), {"c": case_id}).scalar_one()


def close_case(conn: Connection, case_id: int, outcome: str, reason: str, on: date, *, school: str | None = None,
               teacher: str | None = None, until: date | None = None, today: date | None = None) -> list[str]:
    """Close (销号) a case with an outcome; returns notes for the clerk."""
    outcome = outcome_code(outcome)
    if not (reason or "").strip():
        raise CaseError("结案必须写明理由（--reason）", "例：--reason 2019-11-08 已返校，班主任核实在校就读")
    school, teacher = (school or "").strip() or None, (teacher or "").strip() or None
    if outcome == "returned" and not school:
        raise CaseError("结案方式为劝返复学（returned）时必须用 --school 写明孩子返回的学校", "例：--school 城关中学")
    if outcome == "home_schooled" and not teacher:
        raise CaseError("结案方式为送教上门（home_schooled）时必须用 --teacher 写明送教教师",
                        "送教上门一生一案，每名儿童有一名送教教师，例：--teacher 王老师")
    if until is not None and outcome not in LASTING:
        raise CaseError("--until 只用于送教上门（home_schooled）和缓学免学（exempted）", "其他结案方式请去掉 --until")
    if until is not None and until < on:
        raise CaseError(f"有效期 {until.isoformat()} 早于结案日期 {on.isoformat()}", "请核对 --until 和 --date")
    _check_day(on, today or date.today(), "结案日期")
    row = _case_row(conn, case_id)
    if row.status != "open":
        raise CaseError(f"案件 {case_id} 已于 {_iso(as_date(row.closed_on)) or '此前'} 以“{OUTCOMES.get(row.closed_as, row.closed_as)}”销号",
                        f"如需重新处理，先用 fupin dropout reopen {case_id} --reason … 重新立案", misuse=False)
    opened = as_date(row.opened_on)
    if opened and on < opened:
        raise CaseError(f"结案日期 {on.isoformat()} 早于立案日期 {opened.isoformat()}", "请核对 --date")
    notes = []
    if school:
        known = sorted(n for (n,) in conn.execute(text("SELECT name FROM schools")))
        if matching_name(school, known):
            school = matching_name(school, known)
        else:
            # Recorded as written (it may be outside the county), but a slip for a county school should show.
            notes.append(unknown_school(school, known) + "。可能在县外，已按所写记录")
    conn.execute(text("UPDATE dropout_cases SET status = 'closed', closed_on = :d, closed_as = :o, close_reason = :r"
                      " WHERE id = :id"), {"d": on.isoformat(), "o": outcome, "r": reason.strip(), "id": case_id})
    _event(conn, case_id, "closed", on, outcome=outcome, reason=reason.strip(), school=school, teacher=teacher,
           valid_until=until)
    return notes


def reopen_case(conn: Connection, case_id: int, reason: str, on: date, *, today: date | None = None) -> None:
    """Reopen a closed case; its closing stays in the history."""
    if not (reason or "").strip():
        raise CaseError("重新立案必须写明理由（--reason）", "例：--reason 2020春开学未到校")
    _check_day(on, today or date.today(), "重新立案日期")
    row = _case_row(conn, case_id)
    if row.status == "open":
        raise CaseError(f"案件 {case_id} 尚未销号，无需重新立案", "用 fupin dropout show 查看案件经过", misuse=False)
    closed = as_date(row.closed_on)
    if closed and on < closed:
        raise CaseError(f"重新立案日期 {on.isoformat()} 早于销号日期 {closed.isoformat()}", "请核对 --date")
    conn.execute(text("UPDATE dropout_cases SET status = 'open', closed_on = NULL, closed_as = NULL,"
                      " close_reason = NULL WHERE id = :id"), {"id": case_id})
    _event(conn, case_id, "reopened", on, reason=reason.strip())


def _event(conn: Connection, case_id: int, action: str, on: date, **values) -> None:
    columns = {"case_id": case_id, "action": action, "happened_on": on.isoformat(),
               "recorded_at": datetime.now().isoformat(sep=" ", timespec="seconds"), **values}
    columns = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in columns.items()}
    names = ", ".join(columns)
    marks = ", ".join(f":{k}" for k in columns)
    conn.execute(text(f"INSERT INTO dropout_events ({names}) VALUES ({marks})"), columns)  # noqa: S608
