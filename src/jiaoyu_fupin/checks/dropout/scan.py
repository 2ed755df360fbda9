"""The out-of-school scan (控辍保学比对): every child of compulsory age must be on a roll, away, or accounted for.

For a term, every child aged 6-15 on 31 August of its school year, in the household-registry children list
(population) or in the poverty registry, who is
  - on no in-county roll of that term (any status counts as on the roll except 辍学),
  - not recorded as studying outside the county that term,
  - not home-schooled (送教上门) and not exempted (缓学免学): a case closed so and still valid,
  - not settled for that term: a case closed as returned, moved or not_a_case on a date in that term or later,
becomes a suspected out-of-school case (疑似失学辍学). Every roll row of the term with status 辍学 becomes a case
too, whatever the child's age. A child who already has an open case gets no second one (matched by ID number), so
the scan can be run as often as new files arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from sqlalchemy import Connection, text

from jiaoyu_fupin.checks.dropout.cases import CASE_COLUMNS, LASTING, CaseView, as_date, describe, sort_cases
from jiaoyu_fupin.core import ages
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.poverty import is_registered
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.store import dialect

COMPULSORY_AGES = (6, 15)
# The registry's reason a child is out of school, quoted inside a scanned case's reason (timeline.situation reads it).
WHY_OPEN, WHY_CLOSE = "未上学原因“", "”"


class ScanError(ClerkError):
    """The ledger cannot answer for this term (no roll, no children); a Chinese message and hint."""


@dataclass
class ScanResult:
    term: str
    born_from: date
    born_to: date
    children: int = 0  # distinct children aged 6-15: the population list and the registry together
    registry_only: int = 0  # of them, in the poverty registry but not in the population list
    on_roll: int = 0
    away: int = 0
    home_schooled: int = 0
    exempted: int = 0
    settled: int = 0  # closed for this term as returned / moved / not_a_case
    suspects: list[str] = field(default_factory=list)  # ID numbers of children out of school (new or already open)
    roll_dropouts: list[str] = field(default_factory=list)  # ID numbers with status 辍学 on the term's roll
    new_cases: list[int] = field(default_factory=list)
    cases: list[CaseView] = field(default_factory=list)  # every open case after the scan
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "term": self.term,
            "age_range": list(COMPULSORY_AGES),
            "born_from": self.born_from.isoformat(),
            "born_to": self.born_to.isoformat(),
            "summary": {
                "children": self.children, "registry_only": self.registry_only, "on_roll": self.on_roll,
                "away": self.away, "home_schooled": self.home_schooled, "exempted": self.exempted,
                "settled": self.settled, "suspects": len(self.suspects), "roll_dropouts": len(self.roll_dropouts),
                "new_cases": len(self.new_cases), "open_cases": len(self.cases),
            },
            "notes": self.notes,
            "cases": [c.as_json() for c in self.cases],
        }


_ROLL = ("SELECT s.id_number AS id_number FROM enrollments e JOIN students s ON s.id = e.student_id"
         " WHERE e.term = :term AND e.study_place = '县内' AND e.status != '辍学'")
_POPULATION = "SELECT id_number FROM population WHERE birth_date BETWEEN :first AND :last"
_REGISTRY = "SELECT id_number FROM registry_people WHERE substr(id_number, 7, 8) BETWEEN :first8 AND :last8"
_REGISTRY_ONLY = text(
    "SELECT COUNT(*) FROM registry_people r WHERE substr(r.id_number, 7, 8) BETWEEN :first8 AND :last8"
    " AND NOT EXISTS (SELECT 1 FROM population p WHERE p.id_number = r.id_number)")


def _ids(conn: Connection, select: str, params: dict) -> np.ndarray | list[str]:
    """One column of ID numbers, as integer keys when all are normalized 18-character IDs (the importers' rule).

    The IDs come back concatenated by the database, one string instead of a million row tuples, and are turned
    into int64 keys with numpy; comparing keys then costs a fraction of hashing a million Python strings.
    """
    joined_ids = dialect.joined_text(conn, "id_number", "")
    n, joined = conn.execute(text(f"SELECT COUNT(*), {joined_ids} FROM ({select}) AS ids"),  # noqa: S608
                             params).one()
    keys = _keys(joined or "", n)
    if keys is not None:
        return keys
    return [r[0] for r in conn.execute(text(select), params)]


def _keys(joined: str, n: int) -> np.ndarray | None:
    """body17 * 11 + check (X = 10): one int64 per ID, decodable; None when any ID is not 18 ASCII characters."""
    if len(joined) != 18 * n or not joined.isascii():
        return None
    b = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(n, 18)
    digits = b[:, :17]
    last = b[:, 17]
    if n and (digits.min() < 48 or digits.max() > 57 or not np.all((last >= 48) & (last <= 57) | (last == 88))):
        return None
    key = np.zeros(n, dtype=np.int64)
    for i in range(17):  # column by column: a (n, 17) int64 copy would cost 136 MB for a million IDs
        key = key * 10 + (digits[:, i] - 48)
    return key * 11 + np.where(last == 88, 10, last.astype(np.int64) - 48)


def _decode(key: int) -> str:
    return f"{key // 11:017d}" + "0123456789X"[key % 11]


def _not_in(candidates: np.ndarray | list[str], roll: np.ndarray | list[str]) -> list[str]:
    """The candidates' ID numbers that are not on the roll."""
    if isinstance(candidates, np.ndarray) and isinstance(roll, np.ndarray):
        if not len(roll):
            return [_decode(int(k)) for k in candidates]
        ordered = roll if np.all(roll[:-1] <= roll[1:]) else np.sort(roll)  # np.isin would sort both sides
        # Sorted queries walk the sorted roll in order: three times faster than a million random searches.
        candidates = np.sort(candidates)
        at = np.minimum(np.searchsorted(ordered, candidates), len(ordered) - 1)
        return [_decode(int(k)) for k in candidates[ordered[at] != candidates]]
    as_text = (lambda ids: [_decode(int(k)) for k in ids] if isinstance(ids, np.ndarray) else ids)  # noqa: E731
    on_roll = set(as_text(roll))
    return [n for n in as_text(candidates) if n not in on_roll]


def _details(conn: Connection, table: str, columns: str, ids: list[str]) -> list[tuple]:
    """Rows for a list of ID numbers, 500 at a time, in storage form, through the driver (no statement compiling)."""
    found = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        sql = f"SELECT {columns} FROM {table} WHERE id_number IN ({', '.join(['%s'] * len(chunk))})"  # noqa: S608
        found += dialect.select_raw(conn, sql, chunk)
    return [tuple(r) for r in found]


def scan(conn: Connection, term: Term, *, today: date | None = None) -> ScanResult:
    """Run the scan for a term inside the caller's transaction; new cases are written, nothing else changes.

    `today` is the day new cases are opened on (a scan recorded late); a day after today is refused."""
    if today is not None and today > date.today():
        raise ScanError(f"立案日期 {today.isoformat()} 在今天之后", "请写实际比对的日期，或去掉 --date")
    today = today or date.today()
    label = str(term)
    first, last = ages.birth_window(term.school_year, *COMPULSORY_AGES)
    result = ScanResult(term=label, born_from=first, born_to=last)
    _preconditions(conn, label, result)

    params = {"term": label, "first": first.isoformat(), "last": last.isoformat(),
              "first8": f"{first:%Y%m%d}", "last8": f"{last:%Y%m%d}"}
    # Comparing integer keys in numpy beats an anti-join in SQLite here: a million index probes, or a temporary
    # index built from unsorted keys, cost seconds.
    roll = _ids(conn, _ROLL, params)
    if isinstance(roll, np.ndarray):
        roll = np.sort(roll)
    in_population = _ids(conn, _POPULATION, params)
    off_population = _not_in(in_population, roll)
    off_registry = _not_in(_ids(conn, _REGISTRY, params), roll)
    result.registry_only = conn.execute(_REGISTRY_ONLY, params).scalar_one()
    result.children = len(in_population) + result.registry_only
    del roll, in_population
    off_roll: dict[str, dict] = {}
    for n, name, township, village in _details(conn, "population", "id_number, name, township, village",
                                                off_population):
        off_roll[n] = {"name": name, "township": township, "village": village, "poor": False, "why": None}
    for n, name, township, village, why in _details(
            conn, "registry_people", "id_number, name, township, village, not_in_school_reason", off_registry):
        child = off_roll.setdefault(n, {"name": name, "township": township, "village": village})
        child.update(poor=True, why=why)
        child["township"] = child.get("township") or township
    result.on_roll = result.children - len(off_roll)

    # The term's rows that are not plain roll rows, in one pass over the term: studying away, or 辍学.
    others = conn.execute(text(
        "SELECT s.id_number, s.name, s.id, e.school_name, e.stage, e.grade, e.study_place FROM enrollments e"
        " JOIN students s ON s.id = e.student_id WHERE e.term = :term"
        " AND (e.study_place != '县内' OR e.status = '辍学') ORDER BY s.id_number"), params).all()
    away = {r[0] for r in others if r[6] != "县内"}
    dropped = [tuple(r[:6]) for r in others if r[6] == "县内"]
    if not away:
        result.notes.append(f"台账中没有 {label} 的县外就读名单：在县外就读的儿童也会被列为疑似失学")
    result.roll_dropouts = [r[0] for r in dropped]
    roll_dropouts = set(result.roll_dropouts)
    open_ids, lasting, settled = _standing(conn, term)

    found = []  # (what orders the child, the new case's row)
    for n, child in off_roll.items():
        if n in away:
            result.away += 1
        elif n in roll_dropouts:
            continue  # the roll rule below speaks for this child
        elif n in lasting:
            result.home_schooled += lasting[n] == "home_schooled"
            result.exempted += lasting[n] == "exempted"
        elif n in settled:
            result.settled += 1
        else:
            result.suspects.append(n)
            if n not in open_ids:
                reason = f"疑似失学辍学：{label}不在县内学籍名册，也不在县外就读名单"
                if child.get("why"):
                    reason += f"（国扶办：义务教育阶段{WHY_OPEN}{child['why']}{WHY_CLOSE}）"
                found.append((child, {"id_number": n, "name": child["name"], "student_id": None,
                                      "school_grade": None, "reason": reason, "origin": "scan"}))
    poor_students = _registered(conn, [r[0] for r in dropped])
    for n, name, student_id, school, stage, grade in dropped:
        if n in open_ids or n in lasting or n in settled:
            continue
        where = f"{school or ''}{grade_label(stage, grade)}"
        place = off_roll.get(n, {})
        found.append(({"poor": n in poor_students, "township": place.get("township"),
                       "village": place.get("village"), "name": name},
                      {"id_number": n, "name": name, "student_id": student_id, "school_grade": where or None,
                       "reason": f"{label}学籍状态为辍学（{where}）", "origin": "roll"}))
    result.suspects.sort()
    # Registered poor children first, as the bureau works its list.
    found.sort(key=lambda f: (not f[0].get("poor"), f[0].get("township") or "\uffff", f[0].get("village") or "",
                              f[1]["id_number"]))
    result.new_cases = _open_cases(conn, [row for _, row in found], label, today)
    rows = conn.execute(text(f"SELECT {CASE_COLUMNS} FROM dropout_cases WHERE status = 'open'")).all()  # noqa: S608
    new = set(result.new_cases)
    result.cases = sort_cases(describe(conn, rows, term.school_year))
    for view in result.cases:
        view.new = view.case in new
    return result


def _preconditions(conn: Connection, label: str, result: ScanResult) -> None:
    if conn.execute(text("SELECT 1 FROM enrollments WHERE term = :t AND study_place = '县内' LIMIT 1"),
                    {"t": label}).first() is None:
        raise ScanError(f"台账中没有 {label} 的学籍名册，无法判断哪些儿童不在学",
                        f"请先导入该学期的学籍：fupin import 学籍.xlsx --term {label}")
    no_population = conn.execute(text("SELECT 1 FROM population LIMIT 1")).first() is None
    if no_population and conn.execute(text("SELECT 1 FROM registry_people LIMIT 1")).first() is None:
        raise ScanError("台账中既没有户籍适龄儿童名单，也没有国扶办建档立卡数据，没有可比对的儿童",
                        "请先导入户籍适龄儿童（公安户籍导出）或国扶办数据：fupin import 文件")
    if no_population:
        result.notes.append("台账中没有户籍适龄儿童名单，本次只比对了国扶办建档立卡儿童")


def _standing(conn: Connection, term: Term) -> tuple[set[str], dict[str, str], set[str]]:
    """(IDs with an open case, ID -> lasting outcome still valid, IDs settled for this term)."""
    open_ids = {r[0] for r in conn.execute(text("SELECT id_number FROM dropout_cases WHERE status = 'open'"))}
    lasting: dict[str, str] = {}
    settled: set[str] = set()
    rows = conn.execute(text(
        "SELECT c.id_number, c.closed_as, c.closed_on, (SELECT ev.valid_until FROM dropout_events ev"
        "  WHERE ev.case_id = c.id AND ev.action = 'closed' ORDER BY ev.id DESC LIMIT 1)"
        " FROM dropout_cases c WHERE c.status = 'closed' AND c.id_number NOT IN"
        " (SELECT id_number FROM dropout_cases WHERE status = 'open') ORDER BY c.closed_on, c.id"))
    # Only a child's latest closing speaks: home schooling that ended when the child returned no longer shields.
    latest = {n: (outcome, closed_on, until) for n, outcome, closed_on, until in rows}
    start = term.start()
    for n, (outcome, closed_on, until) in latest.items():
        if outcome in LASTING:
            if until is None or as_date(until) >= start:
                lasting[n] = outcome
        elif closed_on is not None and Term.of_date(as_date(closed_on)) >= term:
            settled.add(n)
    return open_ids, lasting, settled


def _registered(conn: Connection, ids: list[str]) -> set[str]:
    poor = {r[0] for r in _details(conn, "registry_people", "id_number", ids)}
    poor |= {r[0] for r in _details(conn, "students", "id_number, household_id, family_category, roll_registered", ids)
             if is_registered(*r[1:])}
    return poor


def _open_cases(conn: Connection, rows: list[dict], term: str, today: date) -> list[int]:
    """Insert the new cases and their 'opened' events in two statements; returns the case numbers in order."""
    if not rows:
        return []
    students = dict(_details(conn, "students", "id_number, id", [r["id_number"] for r in rows if not r["student_id"]]))
    start = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM dropout_cases")).scalar_one() + 1
    numbers = list(range(start, start + len(rows)))
    now = datetime.now().isoformat(sep=" ", timespec="seconds")
    conn.execute(text(
        "INSERT INTO dropout_cases (id, id_number, name, student_id, school_grade, reason, origin, status, opened_on)"
        " VALUES (:id, :id_number, :name, :student_id, :school_grade, :reason, :origin, 'open', :opened_on)"),
        [{**row, "id": number, "student_id": row["student_id"] or students.get(row["id_number"]),
          "opened_on": today.isoformat()} for number, row in zip(numbers, rows, strict=True)])
    conn.execute(text(
        "INSERT INTO dropout_events (case_id, action, happened_on, term, reason, recorded_at)"
        " VALUES (:c, 'opened', :d, :t, :r, :now)"),
        [{"c": number, "d": today.isoformat(), "t": term, "r": row["reason"], "now": now}
         for number, row in zip(numbers, rows, strict=True)])
    return numbers
