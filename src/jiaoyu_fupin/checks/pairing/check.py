"""`fupin pair check`: registered poor students without a current helper, helpers who left the student's school,
helpers over the load limit, overdue 六个一 items and gaps in the oversight chain, for one term.

Findings are plain dicts in the JSON contract's shape (each has a "kind"); the CLI decides how to show them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from jiaoyu_fupin.checks.pairing import six_ones
from jiaoyu_fupin.checks.pairing.data import PairingError, TermData, load
from jiaoyu_fupin.core import pairing as rules
from jiaoyu_fupin.core.grades import grade_label
from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.core.terms import Term

KINDS = ("unpaired", "helper_left_school", "overloaded", "six_ones_overdue", "oversight_gap")
KIND_TITLES = {"unpaired": "未结对", "helper_left_school": "责任人已不在学生所在学校", "overloaded": "结对人数超过上限",
               "six_ones_overdue": "六个一逾期未做", "oversight_gap": "包保缺口"}
NO_SCHOOL = "（非学校单位）"


@dataclass
class CheckResult:
    summary: dict
    findings: list[dict]
    by_school: list[dict] = field(default_factory=list)
    # The per-helper and per-month tables, made when first asked for: only the workbook and the monthly report
    # show them, and on the screen or in JSON they were a third of the check's own time on a county.
    details: Callable[[], tuple[list[dict], list[dict]]] | None = field(default=None, repr=False)

    @functools.cached_property
    def _details(self) -> tuple[list[dict], list[dict]]:
        return self.details() if self.details is not None else ([], [])

    @property
    def by_helper(self) -> list[dict]:
        return self._details[0]

    @property
    def by_month(self) -> list[dict]:
        return self._details[1]

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_json(self) -> dict:
        return {"summary": self.summary, "findings": self.findings}


def check(ledger, term: Term, *, as_of: date | None = None, school: str | None = None,
          max_per_helper: int = rules.DEFAULT_MAX_PER_HELPER) -> CheckResult:
    if max_per_helper < 1:
        raise PairingError(f"--max-per-helper 须为正整数，现在是 {max_per_helper}", "例如 --max-per-helper 5")
    as_of = as_of or date.today()
    with ledger.engine.connect() as conn, conn.begin():  # one snapshot, even while an import runs
        data = load(conn, term, as_of, whole_roll=False)
    school_id = data.school_id(school) if school else None
    return run(data, school_id, max_per_helper)


@dataclass
class _Scope:
    """What a check covers: students placed in the school (or the county) and the helpers answering for them."""

    placed: pd.DataFrame
    poor: pd.DataFrame
    helper_ids: set
    school_id: int | None


def _scope(data: TermData, school_id: int | None) -> _Scope:
    placed = data.enrolled[data.enrolled["placed"]]
    if school_id is None:
        return _Scope(placed, placed[placed["poor"]], set(data.helpers["id"]), None)
    placed = placed[placed["school_id"] == school_id]
    current = data.current()
    helpers = set(data.helpers.loc[data.helpers["school_id"] == school_id, "id"])
    helpers |= set(current.loc[current["student_id"].isin(set(placed["student_id"])), "helper_id"])
    return _Scope(placed, placed[placed["poor"]], helpers, school_id)


def run(data: TermData, school_id: int | None, limit: int, *, details: bool = True) -> CheckResult:
    """details=False leaves by_helper and by_month empty: the year-end report needs only the summary and schools."""
    scope = _scope(data, school_id)
    names = dict(zip(data.schools["id"], data.schools["name"], strict=True))
    helpers = data.helpers.set_index("id")
    current = data.current()
    findings: list[dict] = []

    poor = _sorted(scope.poor, names)
    unpaired = poor[~poor["student_id"].isin(set(current["student_id"]))]
    findings += [{"kind": "unpaired", "id_number": r.id_number, "name": r.name, "school": names.get(r.school_id),
                  "grade": grade_label(r.stage, r.grade), "class_name": r.class_name, "status": r.status}
                 for r in unpaired.itertuples()]
    findings += _left_school(current, scope, helpers, names)

    load_of = current.groupby("helper_id")["student_id"].nunique()
    over = load_of[(load_of > limit) & load_of.index.isin(scope.helper_ids)]
    findings += [{"kind": "overloaded", "helper_id": helpers.at[h, "helper_code"], "name": helpers.at[h, "name"],
                  "school": helpers.at[h, "school"], "pairings": int(n), "limit": limit}
                 for h, n in sorted(over.items(), key=lambda hn: (-hn[1], helpers.at[hn[0], "helper_code"]))]

    dues = six_ones.statuses(data, data.pairings[data.pairings["helper_id"].isin(scope.helper_ids)])
    findings += _overdue(dues, data, helpers)
    gaps = oversight_gaps(data, poor, ordered=True)
    findings += gaps

    summary = _summary(data, scope, unpaired, current, dues, gaps, findings, limit, names)
    if not details:
        return CheckResult(summary, findings, summary["schools"])
    return CheckResult(summary, findings, summary["schools"],
                       lambda: (_by_helper(dues, current, scope, helpers), _by_month(dues, helpers)))


def _sorted(frame: pd.DataFrame, names: dict) -> pd.DataFrame:
    order = frame.assign(_school=frame["school_id"].map(names), _grade=frame["grade"].fillna(0))
    return order.sort_values(["_school", "stage", "_grade", "class_key", "name", "id_number"], na_position="first")


def _left_school(current: pd.DataFrame, scope: _Scope, helpers: pd.DataFrame, names: dict) -> list[dict]:
    """Current pairings whose helper works at another school than the one the student attends this term."""
    cur = current.merge(scope.placed[["student_id", "id_number", "name", "school_id"]], on="student_id")
    cur["helper_school_id"] = cur["helper_id"].map(helpers["school_id"])
    # A helper outside any school (a bureau leader pairing with a student) has not "left" one.
    moved = cur[cur["helper_school_id"].notna() & (cur["helper_school_id"] != cur["school_id"])]
    moved = moved.assign(_code=moved["helper_id"].map(helpers["helper_code"])).sort_values(["_code", "id_number"])
    return [{"kind": "helper_left_school", "helper_id": helpers.at[r.helper_id, "helper_code"],
             "name": helpers.at[r.helper_id, "name"], "helper_school": names.get(r.helper_school_id),
             "id_number": r.id_number, "student_name": r.name, "school": names.get(r.school_id),
             "start_date": r.start_date} for r in moved.itertuples()]


def _school_of_helper(dues: pd.DataFrame, helpers: pd.DataFrame) -> pd.Series:
    return dues["helper_id"].map(helpers["school"]).fillna(NO_SCHOOL)


def _overdue(dues: pd.DataFrame, data: TermData, helpers: pd.DataFrame) -> list[dict]:
    # Names and codes only for the overdue items: mapped onto every item owed they cost a quarter of a second.
    late = dues[dues["status"] == six_ones.OVERDUE]
    students = data.students.set_index("id")
    late = late.assign(id_number=late["student_id"].map(students["id_number"]),
                       student_name=late["student_id"].map(students["name"]),
                       helper_code=late["helper_id"].map(helpers["helper_code"]),
                       helper_name=late["helper_id"].map(helpers["name"]), school=_school_of_helper(late, helpers))
    # Sorted on integer codes: a county where nothing was recorded has a quarter of a million overdue items.
    order = np.lexsort([late["item"].map(rules.ITEMS.index).to_numpy()] +
                       [pd.factorize(late[c], sort=True)[0] for c in ("period", "id_number", "helper_code")])
    late = late.iloc[order]
    out: dict[str, dict] = {}
    columns = ("helper_code", "helper_name", "school", "id_number", "student_name", "item", "period", "deadline")
    for code, name, school, id_number, student, item, period, deadline in zip(*(late[c].tolist() for c in columns),
                                                                               strict=True):
        finding = out.get(code)
        if finding is None:
            finding = out[code] = {"kind": "six_ones_overdue", "helper_id": code, "name": name, "school": school,
                                   "overdue": 0, "items": []}
        finding["overdue"] += 1
        finding["items"].append({"id_number": id_number, "student_name": student, "item": rules.LABELS[item],
                                 "month": period if item in rules.MONTHLY_ITEMS else None, "deadline": deadline})
    return list(out.values())


def oversight_gaps(data: TermData, poor: pd.DataFrame, *, ordered: bool = False) -> list[dict]:
    """Places with registered poor students this term but nobody answering for them: township, school, class.

    A class link with a grade and no class covers the whole grade; a link without a stage fits any stage.
    ordered: `poor` is already in _sorted's order (run sorts it for the unpaired list; sorting again cost 0.1 s).
    """
    o = data.oversight
    schools = data.schools.set_index("id")
    covered_townships = {text_key(t) for t in o.loc[o["level"] == "township", "township"].dropna()}
    covered_schools = set(o.loc[o["level"] == "school", "school_id"].dropna())
    links: dict[tuple, list[tuple]] = {}
    for r in o[o["level"] == "class"].itertuples():
        links.setdefault((r.school_id, r.grade), []).append((r.stage, r.class_key))
    needed = sorted(set(poor["school_id"]), key=lambda s: (str(schools.at[s, "township"]), schools.at[s, "name"]))
    gaps = []
    for township in dict.fromkeys(schools.at[s, "township"] for s in needed):
        if township and text_key(township) not in covered_townships:
            gaps.append(_gap("township", township, township))
    for s in needed:
        if s not in covered_schools:
            gaps.append(_gap("school", schools.at[s, "name"], schools.at[s, "township"], schools.at[s, "name"]))
    classes = (poor if ordered else _sorted(poor, schools["name"].to_dict())).drop_duplicates(
        ["school_id", "stage", "grade", "class_key"])
    for r in classes.itertuples():
        fits = [(st, ck) for st, ck in links.get((r.school_id, r.grade), [])
                if (st is None or r.stage is None or st == r.stage) and (ck is None or ck == r.class_key)]
        if not fits:
            grade = grade_label(r.stage, r.grade)
            place = f"{schools.at[r.school_id, 'name']}{grade}{r.class_name or '（未填班级）'}"
            gaps.append(_gap("class", place, schools.at[r.school_id, "township"], schools.at[r.school_id, "name"],
                             grade, r.class_name))
    return gaps


def _gap(level, place, township=None, school=None, grade=None, class_name=None) -> dict:
    return {"kind": "oversight_gap", "level": level, "level_name": rules.LEVELS[level], "place": place,
            "township": township, "school": school, "grade": grade, "class_name": class_name}


def _summary(data, scope, unpaired, current, dues, gaps, findings, limit, names) -> dict:
    counts = {k: sum(1 for f in findings if f["kind"] == k) for k in KINDS}
    items = six_ones.tallies(dues, ["item"])
    by_item = {rules.LABELS[i]: items.get((i,), six_ones.EMPTY) for i in rules.ITEMS}
    months = six_ones.tallies(dues[dues["item"].isin(rules.MONTHLY_ITEMS)], ["period", "item"])
    by_month = {}
    for (month, item), tally in sorted(months.items()):
        by_month.setdefault(month, {rules.LABELS[i]: six_ones.EMPTY for i in rules.MONTHLY_ITEMS})[rules.LABELS[item]] = tally
    in_scope = current[current["helper_id"].isin(scope.helper_ids)]
    return {
        "term": str(data.term), "as_of": data.as_of.isoformat(), "reference_date": data.ref.isoformat(),
        "school": names.get(scope.school_id), "max_per_helper": limit,
        "registered_poor_enrolled": len(scope.poor), "paired": len(scope.poor) - len(unpaired),
        "unpaired": len(unpaired), "current_pairings": len(in_scope),
        "helpers_with_pairings": int(in_scope["helper_id"].nunique()),
        "six_ones": {**six_ones.tally(dues), "by_item": by_item, "by_month": by_month},
        "oversight_gaps": {level: sum(1 for g in gaps if g["level"] == level) for level in rules.LEVELS},
        "findings": counts,
        "schools": _by_school(data, scope, unpaired, dues, gaps, names),
    }


def _by_school(data, scope, unpaired, dues, gaps, names) -> list[dict]:
    township = dict(zip(data.schools["id"], data.schools["township"], strict=True))
    poor = scope.poor.groupby("school_id").size()
    missing = unpaired.groupby("school_id").size()
    # Tallied per helper, then added up per school: a few thousand helpers instead of every item owed.
    school_of = dict(zip(data.helpers["id"], data.helpers["school_id"], strict=True))
    tallies: dict[tuple, dict[str, int]] = {}
    helpers: dict = {}  # school id: helpers with an item owed
    for (h,), tally in six_ones.tallies(dues, ["helper_id"]).items():
        s = school_of.get(h)
        if pd.notna(s):
            tallies[(s,)] = six_ones.add(tallies.get((s,), six_ones.EMPTY), tally)
            helpers[s] = helpers.get(s, 0) + 1
    gap_count = pd.Series([g["school"] for g in gaps if g["school"]], dtype=object).value_counts()
    ids = sorted(set(poor.index) | set(helpers), key=lambda s: (str(township.get(s)), names.get(s)))
    if scope.school_id is not None:
        ids = [scope.school_id]
    return [{
        "school": names.get(s), "township": township.get(s), "registered_poor_enrolled": int(poor.get(s, 0)),
        "paired": int(poor.get(s, 0) - missing.get(s, 0)), "unpaired": int(missing.get(s, 0)),
        "helpers": int(helpers.get(s, 0)),
        **{f"six_ones_{k}": v for k, v in tallies.get((s,), six_ones.EMPTY).items()},
        "oversight_gaps": int(gap_count.get(names.get(s), 0)),
    } for s in ids]


def _by_helper(dues, current, scope, helpers) -> list[dict]:
    load_of = current.groupby("helper_id")["student_id"].nunique()
    ids = [h for h in set(dues["helper_id"]) | set(load_of.index) if h in scope.helper_ids]
    totals = six_ones.tallies(dues, ["helper_id"])
    per_item = six_ones.tallies(dues, ["helper_id", "item"])
    info = helpers[["helper_code", "name", "school", "role"]].to_dict("index")
    rows = []
    for h in sorted(ids, key=lambda h: (str(info[h]["school"]), info[h]["helper_code"])):
        rows.append({"helper_id": info[h]["helper_code"], "name": info[h]["name"],
                     "school": info[h]["school"] or NO_SCHOOL, "role": info[h]["role"],
                     "students": int(load_of.get(h, 0)), **totals.get((h,), six_ones.EMPTY),
                     "by_item": {rules.LABELS[i]: per_item.get((h, i), six_ones.EMPTY) for i in rules.ITEMS}})
    return rows


def _by_month(dues: pd.DataFrame, helpers: pd.DataFrame) -> list[dict]:
    dues = dues[dues["item"].isin(rules.MONTHLY_ITEMS)]
    monthly = six_ones.tallies(dues.assign(school=_school_of_helper(dues, helpers)), ["school", "period", "item"])
    rows: dict[tuple, dict] = {}
    for (school, month, item), tally in sorted(monthly.items()):
        row = rows.setdefault((school, month), {"school": school, "month": month,
                                                **{rules.LABELS[i]: six_ones.EMPTY for i in rules.MONTHLY_ITEMS}})
        row[rules.LABELS[item]] = tally
    return list(rows.values())
