"""A case told as a clerk reads it: its situation in a few words, and its history day by day."""

from __future__ import annotations

from jiaoyu_fupin.checks.dropout.cases import ORIGINS, OUTCOMES, CaseHistory, CaseView
from jiaoyu_fupin.checks.dropout.scan import WHY_CLOSE, WHY_OPEN

ACTIONS = {"opened": "立案", "closed": "销号", "reopened": "重新立案"}


def situation(case: CaseView) -> str:
    """Short enough for a table cell: where the case came from, and the registry's or the ledger's reason."""
    origin = ORIGINS.get(case.origin, case.origin)
    if case.origin == "scan":
        # The scan wrote the registry's reason into the case's reason between these marks (scan.py).
        reason = case.reason or ""
        why = reason.split(WHY_OPEN, 1)[1].split(WHY_CLOSE, 1)[0] if WHY_OPEN in reason else ""
        return f"{origin}（{why}）" if why else origin
    if case.origin == "roll":
        return origin
    return f"{origin}：{case.reason}" if case.reason else origin


def timeline(history: CaseHistory) -> list[tuple[str | None, str]]:
    """(ISO day or None, what happened) for every event and visit, by day; an undated step sorts first."""
    lines = [(e["date"], _event(e)) for e in history.events]
    lines += [(v["date"], f"劝返（{v['by'] or ''}）：{v['result'] or ''}") for v in history.visits]
    view = history.view
    if not any(e["action"] == "opened" for e in history.events):
        # A case imported from the 辍学台账 was never opened by a command: its history starts when the child left.
        start = view.left_month or (view.opened_on.isoformat() if view.opened_on else None)
        lines.append((start, f"立案（{ORIGINS.get(view.origin, view.origin)}）：{view.reason or ''}"))
    return sorted(lines, key=lambda x: x[0] or "")


def _event(e: dict) -> str:
    outcome = f"（{OUTCOMES.get(e['outcome'], e['outcome'])}）" if e["outcome"] else ""
    details = (e["reason"], e["school"] and f"学校 {e['school']}", e["teacher"] and f"送教教师 {e['teacher']}",
               e["valid_until"] and f"有效至 {e['valid_until']}", e["term"] and f"比对学期 {e['term']}")
    return f"{ACTIONS.get(e['action'], e['action'])}{outcome}：" + "；".join(x for x in details if x)
