"""Which 六个一 items each pairing owes in a term, and whether each is done, overdue or not yet due."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from jiaoyu_fupin.checks.pairing.data import TermData
from jiaoyu_fupin.core import pairing as rules

DONE, OVERDUE, PENDING = "done", "overdue", "pending"
STATUS_LABELS = {DONE: "已做", OVERDUE: "逾期", PENDING: "未到期"}
KEY = ["helper_id", "student_id", "item", "period"]


def _period(item: str, day: str) -> str:
    return rules.period_of(item, date.fromisoformat(day[:10]))  # ISO text as the ledger stores dates


def _day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day  # as data.marks holds days: YYYYMMDD


def _day_text(number: int) -> str:
    return f"{number // 10000:04d}-{number // 100 % 100:02d}-{number % 100:02d}"


def statuses(data: TermData, pairings: pd.DataFrame) -> pd.DataFrame:
    """One row per item owed: helper_id, student_id, item, period, deadline, status, done_on.

    An item is owed by a pairing in effect on its deadline (rules module); it is done when the helper has a record
    of that kind for that student in that period, dated no later than the as-of date.
    """
    term = data.term
    first, last = rules.first_day(term).isoformat(), rules.last_day(term).isoformat()
    p = pairings[(pairings["start_date"] <= last) & (pairings["end_date"].isna() | (pairings["end_date"] >= first))]
    points = rules.due_points(term)
    point_of = {(d.item, d.period): i for i, d in enumerate(points)}
    items = np.array([d.item for d in points], dtype=object)
    periods = np.array([d.period for d in points], dtype=object)
    deadlines = np.array([d.deadline.isoformat() for d in points], dtype=object)
    # Every pairing against every due point, matched on integer keys (helper, student, point): merges and
    # de-duplication over the item and period texts cost most of a county's check.
    row = np.repeat(np.arange(len(p)), len(points))
    point = np.tile(np.arange(len(points)), len(p))
    deadline = deadlines[point]
    start, end = p["start_date"].to_numpy(dtype=object)[row], p["end_date"].to_numpy(dtype=object)[row]
    ended = pd.notna(end)
    owed = start <= deadline
    owed[ended] &= end[ended] >= deadline[ended]
    helper, student, point = (p["helper_id"].to_numpy(dtype=np.int64)[row][owed],
                              p["student_id"].to_numpy(dtype=np.int64)[row][owed], point[owed])
    marks = data.marks[data.marks["day"] <= _day_number(data.as_of)]  # the record as it stood on the as-of date
    # One integer per (helper, student, point) to de-duplicate and match on. Ids are the ledger's row ids: with
    # a few hundred days below, the product stays far under 2**63.
    students = int(max(student.max(initial=0), marks["student_id"].max() if len(marks) else 0)) + 1

    def key(h: np.ndarray, s: np.ndarray, at: np.ndarray) -> np.ndarray:
        return (h * students + s) * len(points) + at

    once = ~pd.Series(key(helper, student, point)).duplicated().to_numpy()  # a pairing entered twice owes once
    helper, student, point = helper[once], student[once], point[once]
    owed_keys = key(helper, student, point)

    as_of = data.as_of.isoformat()
    done_on = np.full(len(owed_keys), None, dtype=object)
    if len(marks):
        # The point of each record, looked up by its (item, day) codes: a term's log repeats a few hundred days
        # over many rows, so the rules run once per item and day. A record whose period is none of the term's
        # points (or of another type) can match no item owed.
        day_numbers, days = np.unique(marks["day"].to_numpy(), return_inverse=True)  # codes in date order
        day_texts = np.array([_day_text(d) for d in day_numbers.tolist()], dtype=object)
        points_of = np.array([[point_of.get((i, _period(i, d)), -1) for d in day_texts] for i in rules.ITEMS],
                             dtype=np.int64).reshape(len(rules.ITEMS), len(day_texts))
        item = marks["item"].to_numpy()
        at = np.where(item >= 0, points_of[np.maximum(item, 0), days], -1)
        keep = at >= 0
        # The first record of each owed item: sorted on (key, day) as one integer, the first of each key's run.
        ranked = np.sort(key(marks["helper_id"].to_numpy()[keep], marks["student_id"].to_numpy()[keep], at[keep])
                         * len(day_texts) + days[keep])
        keys = ranked // len(day_texts)
        runs = np.diff(keys, prepend=-1) != 0  # keys are never negative
        # A last key above any other: every owed key's search lands on a key, its own or not.
        keys, firsts = np.append(keys[runs], np.iinfo(np.int64).max), ranked[runs] % len(day_texts)
        where = np.searchsorted(keys, owed_keys)
        known = keys[where] == owed_keys
        done_on[known] = day_texts[firsts[where[known]]]
    done = pd.notna(done_on)
    status = np.where(done, 0, np.where(deadlines[point] < as_of, 1, 2))
    # The texts of a few due points over a quarter of a million rows, as categories: made from the point codes
    # without a text per row, and grouped on the codes (the tallies of a county's check).
    return pd.DataFrame({"helper_id": pd.Series(helper, dtype=object), "student_id": pd.Series(student, dtype=object),
                         "item": _categories(items, point), "period": _categories(periods, point),
                         "deadline": _categories(deadlines, point), "done_on": pd.Series(done_on, dtype=object),
                         "status": pd.Categorical.from_codes(status, categories=[DONE, OVERDUE, PENDING])})


def _categories(values: np.ndarray, at: np.ndarray) -> pd.Categorical:
    """values[at] as a categorical column, its categories in sorted order (as the texts themselves sort)."""
    categories, codes = np.unique(values, return_inverse=True)
    return pd.Categorical.from_codes(codes[at], categories=categories)


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


def add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    """Two tallies added up."""
    return {k: a[k] + b[k] for k in a}
