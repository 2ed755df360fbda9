"""Which 六个一 items each pairing owes in a term, and whether each is done, overdue or not yet due."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jiaoyu_fupin.pairing import rules
from jiaoyu_fupin.pairing.data import TermData

DONE, OVERDUE, PENDING = "done", "overdue", "pending"
STATUS_LABELS = {DONE: "已做", OVERDUE: "逾期", PENDING: "未到期"}
KEY = ["helper_id", "student_id", "item", "period"]


def _period(item: str, day: str) -> str:
    return rules.period_of(item, rules.parse_date(day))


def statuses(data: TermData, pairings: pd.DataFrame) -> pd.DataFrame:
    """One row per item owed: helper_id, student_id, item, period, deadline, status, done_on.

    An item is owed by a pairing in effect on its deadline (rules module); it is done when the helper has a record
    of that kind for that student in that period, dated no later than the as-of date.
    """
    term = data.term
    first, last = rules.first_day(term).isoformat(), rules.last_day(term).isoformat()
    p = pairings[(pairings["start_date"] <= last) & (pairings["end_date"].isna() | (pairings["end_date"] >= first))]
    points = pd.DataFrame([(d.item, d.period, d.deadline.isoformat()) for d in rules.due_points(term)],
                          columns=["item", "period", "deadline"])
    dues = p[["helper_id", "student_id", "start_date", "end_date"]].merge(points, how="cross")
    owed = (dues["start_date"] <= dues["deadline"]) & (dues["end_date"].isna() | (dues["end_date"] >= dues["deadline"]))
    dues = dues[owed].drop_duplicates(KEY)[[*KEY, "deadline"]].reset_index(drop=True)

    as_of = data.as_of.isoformat()
    acts = data.activities[data.activities["activity_date"] <= as_of]  # the record as it stood on the as-of date
    if len(acts):
        # Periods per distinct (item, date): a term's log repeats a few hundred dates over many rows.
        pairs = acts[["activity_type", "activity_date"]].drop_duplicates()
        pairs["period"] = [_period(i, d) for i, d in zip(pairs["activity_type"], pairs["activity_date"], strict=True)]
        acts = acts.merge(pairs, on=["activity_type", "activity_date"]).rename(columns={"activity_type": "item"})
        # The first record of each item and period; sort + drop_duplicates, since a groupby min over text
        # falls back to Python per group.
        first_done = (acts.sort_values("activity_date", kind="stable").drop_duplicates(KEY)[[*KEY, "activity_date"]]
                      .rename(columns={"activity_date": "done_on"}))
        dues = dues.merge(first_done, how="left", on=KEY)
    else:
        dues["done_on"] = None
    done = dues["done_on"].notna().to_numpy()
    late = (dues["deadline"] < as_of).to_numpy()
    dues["status"] = np.where(done, DONE, np.where(late, OVERDUE, PENDING))
    dues["done_on"] = dues["done_on"].astype(object).where(done, None)
    return dues


COUNTS = ("due", DONE, OVERDUE, PENDING)


def tally(frame: pd.DataFrame) -> dict[str, int]:
    counts = frame["status"].value_counts()
    return {"due": int(len(frame)), "done": int(counts.get(DONE, 0)), "overdue": int(counts.get(OVERDUE, 0)),
            "pending": int(counts.get(PENDING, 0))}


def tallies(frame: pd.DataFrame, keys: list[str]) -> dict[tuple, dict[str, int]]:
    """tally() for every group of keys at once: {key tuple: {"due", "done", "overdue", "pending"}}."""
    if frame.empty:
        return {}
    table = frame.groupby([*keys, "status"]).size().unstack("status", fill_value=0)
    table = table.reindex(columns=[DONE, OVERDUE, PENDING], fill_value=0)
    table["due"] = table.sum(axis=1)
    out = {}
    for key, due, done, overdue, pending in zip(table.index, table["due"], table[DONE], table[OVERDUE],
                                                table[PENDING], strict=True):
        key = key if isinstance(key, tuple) else (key,)
        out[key] = {"due": int(due), "done": int(done), "overdue": int(overdue), "pending": int(pending)}
    return out


EMPTY = {"due": 0, "done": 0, "overdue": 0, "pending": 0}
