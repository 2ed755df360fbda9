"""Plan against actual for a year: by plan row, by kind, by office, by month; overdue plan rows; each target.

A plan row is done once a record is linked to it, overdue when its last month has passed with nothing recorded.
Targets count the year's east–west records (collab.model.TARGETS says how each is counted).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import Connection, select

from jiaoyu_fupin.core.collab import EAST_WEST, RECORD_KINDS, TARGETS
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.store.models import CollabPlan, CollabRecord, CollabTarget

DONE, OVERDUE, PENDING = "已开展", "逾期未开展", "未到期"


class CollabError(ClerkError):
    """Nothing to report on: no plan and no record for the year."""


@dataclass
class PlanRow:
    id: int
    kind: str
    project: str
    offices: list[str]
    period: str | None
    month_from: int | None
    month_to: int | None
    people_min: int | None
    people_max: int | None
    records: int = 0
    people: int = 0
    person_times: int = 0
    status: str = PENDING

    @property
    def planned_people(self) -> str:
        if self.people_min is None:
            return ""
        return str(self.people_min) if self.people_min == self.people_max else f"{self.people_min}-{self.people_max}"


@dataclass
class Progress:
    year: int
    as_of: date
    plans: list[PlanRow] = field(default_factory=list)
    records: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_kind: list[dict] = field(default_factory=list)
    by_office: list[dict] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)

    @property
    def overdue(self) -> list[PlanRow]:
        return [p for p in self.plans if p.status == OVERDUE]

    def as_json(self) -> dict:
        return {
            "year": self.year, "as_of": self.as_of.isoformat(),
            "plans": [{"id": p.id, "kind": p.kind, "project": p.project, "offices": p.offices, "period": p.period,
                       "planned_people": p.planned_people, "records": p.records, "people": p.people,
                       "person_times": p.person_times, "status": p.status} for p in self.plans],
            "by_kind": [_plain(r) for r in self.by_kind], "by_office": self.by_office,
            "by_month": [_plain(r) for r in self.by_month], "targets": [_plain(t) for t in self.targets],
            "overdue": [p.project for p in self.overdue],
        }


def _plain(row: dict) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}


def percent(actual: int, target: int) -> Decimal | None:
    if not target:
        return None
    return (Decimal(actual * 100) / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def records(conn: Connection, year: int) -> pd.DataFrame:
    r = CollabRecord.__table__.c
    rows = conn.execute(select(r.id, r.happened_on, r.kind, r.scope, r.partner, r.school_name, r.people,
                               r.person_times, r.amount, r.funding, r.plan_id, r.note)
                        .where(r.happened_on >= date(year, 1, 1), r.happened_on <= date(year, 12, 31))
                        .order_by(r.happened_on, r.id)).all()
    frame = pd.DataFrame(rows, columns=["id", "happened_on", "kind", "scope", "partner", "school_name", "people",
                                        "person_times", "amount", "funding", "plan_id", "note"], dtype=object)
    for column in ("people", "person_times"):
        frame[column] = frame[column].map(lambda v: 0 if v is None or pd.isna(v) else int(v))
    frame["amount"] = frame["amount"].map(lambda v: Decimal(0) if v is None or pd.isna(v) else Decimal(v))
    frame["month"] = frame["happened_on"].map(lambda d: d.month)
    return frame


def progress(conn: Connection, year: int, as_of: date) -> Progress:
    t = CollabPlan.__table__.c
    plans = conn.execute(select(CollabPlan.__table__).where(t.year == year)
                         .order_by(t.kind.desc(), t.seq, t.id)).mappings().all()
    recs = records(conn, year)
    if not plans and recs.empty:
        raise CollabError(f"台账中没有 {year} 年的扶贫协作计划或记录",
                          "请先用 fupin import 导入协作计划（collab_plan）、年度目标（collab_targets）和协作记录（collab_record）")
    recs = recs[recs["happened_on"] <= as_of] if len(recs) else recs  # what had happened by then
    result = Progress(year, as_of, records=recs)
    for p in plans:
        row = PlanRow(p["id"], p["kind"], p["project"], [o for o in (p["offices"] or "").split("、") if o],
                      p["period"], p["month_from"], p["month_to"], p["people_min"], p["people_max"])
        mine = recs[recs["plan_id"] == p["id"]]
        row.records, row.people, row.person_times = len(mine), int(mine["people"].sum()), int(mine["person_times"].sum())
        if row.records:
            row.status = DONE
        elif row.month_to and as_of > date(year, row.month_to, calendar.monthrange(year, row.month_to)[1]):
            row.status = OVERDUE
        result.plans.append(row)
    result.by_kind = _by_kind(recs)
    result.by_office = _by_office(result.plans)
    result.by_month = _by_month(result.plans, recs)
    result.targets = _targets(conn, year, recs)
    return result


def _sums(frame: pd.DataFrame) -> dict:
    return {"records": len(frame), "people": int(frame["people"].sum()), "person_times": int(frame["person_times"].sum()),
            "amount": sum(frame["amount"], Decimal(0)),
            "schools": int(frame["school_name"].dropna().nunique())}


def _by_kind(recs: pd.DataFrame) -> list[dict]:
    rows = []
    for scope in dict.fromkeys([EAST_WEST, *recs["scope"]]):
        for kind in RECORD_KINDS:
            mine = recs[(recs["scope"] == scope) & (recs["kind"] == kind)]
            if scope == EAST_WEST or len(mine):
                rows.append({"scope": scope, "kind": kind, **_sums(mine)})
    return rows


def _by_office(plans: list[PlanRow]) -> list[dict]:
    out: dict[str, dict] = {}
    for p in plans:
        for office in p.offices or ["（未写责任股室）"]:
            o = out.setdefault(office, {"office": office, "plans": 0, "done": 0, "overdue": 0, "pending": 0,
                                        "planned_people": 0, "people": 0})
            o["plans"] += 1
            o[{DONE: "done", OVERDUE: "overdue", PENDING: "pending"}[p.status]] += 1
            o["planned_people"] += p.people_max or 0
            o["people"] += p.people
    return list(out.values())


def _by_month(plans: list[PlanRow], recs: pd.DataFrame) -> list[dict]:
    rows = []
    for m in range(1, 13):
        mine = recs[recs["month"] == m]
        planned = [p for p in plans if p.month_from and p.month_from <= m <= (p.month_to or p.month_from)]
        rows.append({"month": m, "planned": len(planned), **_sums(mine)})
    return rows


def target_actual(item: str, recs: pd.DataFrame) -> int:
    """How far the year's east–west records go towards a target (TARGETS says what is counted)."""
    ew = recs[recs["scope"] == EAST_WEST]

    def people(*kinds: str) -> int:
        return int(ew.loc[ew["kind"].isin(kinds), "people"].sum())

    if item == "支教":
        return people("支教", "挂职", "专家培训")
    if item == "跟岗培训":
        return people("跟岗培训")
    if item == "挂职干部":
        return people("挂职")
    if item == "结对学校":
        return int(ew.loc[ew["kind"] == "支教", "school_name"].dropna().nunique())
    if item == "资助学生":
        return int(ew.loc[ew["kind"] == "捐资助学", "person_times"].sum())
    raise KeyError(item)


def _targets(conn: Connection, year: int, recs: pd.DataFrame) -> list[dict]:
    table = CollabTarget.__table__
    found = conn.execute(select(table).where(table.c.year == year)).mappings().all()
    order = list(TARGETS)
    rows = []
    for t in sorted(found, key=lambda t: order.index(t["item"])):
        actual = target_actual(t["item"], recs)
        rows.append({"item": t["item"], "unit": t["unit"] or TARGETS[t["item"]].unit, "target": t["target"],
                     "actual": actual, "percent": percent(actual, t["target"]), "met": actual >= t["target"],
                     "meaning": TARGETS[t["item"]].meaning})
    return rows
