"""Program names as rosters write them: the program's own name, an alias, or a name several programs share.

The national aid system and the schools write 国家助学金, 免学费, 家庭经济困难学生生活补助 (一补): names that mean
普通高中 or 中职, 寄宿 or 走读, depending on the student. Those rows are decided one by one from that term's roll
(the student's stage and 就读方式), against the stages and boarding the programs' standards name. A row is refused,
saying why, only when the roll cannot decide: the student is not on it that term, or 就读方式 is empty where it
matters, or no program of the name is for the student's stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.importers import values
from jiaoyu_fupin.store.models import Enrollment, Program, Standard, Student

_CHUNK = 500


@dataclass
class Names:
    specific: dict[str, int]  # name key → program id (names and aliases)
    shared: dict[str, list[int]]  # name key → the program ids a shared name may mean
    titles: dict[int, str]  # program id → its name
    fits: dict[int, set[tuple[str, bool | None]]]  # program id → (stage, boarding or None: any) of its standards


def names(conn: Connection) -> Names:
    specific: dict[str, int] = {}
    shared: dict[str, list[int]] = {}
    titles = {}
    for pid, name, aliases, shared_names in conn.execute(
            select(Program.id, Program.name, Program.aliases, Program.shared_names).order_by(Program.id)):
        titles[pid] = name
        for text in [name, *filter(None, aliases.split("|"))]:
            specific[text_key(text)] = pid
        for text in filter(None, (shared_names or "").split("|")):
            shared.setdefault(text_key(text), []).append(pid)
    # A ledger made before shared names kept 一补 as an alias of 寄宿生生活补助; the shared meaning wins.
    specific = {key: pid for key, pid in specific.items() if key not in shared}
    fits: dict[int, set] = {}
    for pid, stage, boarding in conn.execute(select(Standard.program_id, Standard.stage, Standard.boarding)):
        fits.setdefault(pid, set()).add((stage, None if boarding is None else bool(boarding)))
    return Names(specific, shared, titles, fits)


@dataclass
class Decided:
    program_id: pd.Series  # per row: the program id, NA where not decided
    refusals: dict[int, tuple[str, str]]  # row position → (message, hint) for shared names the roll cannot decide
    shared: np.ndarray  # rows under a shared name (never "unknown", decided or not)
    counts: dict[tuple[str, str], int]  # (name as written, program decided) → rows, for the clerk's note


def decide(conn: Connection, written: pd.Series, ids: pd.Series, term: pd.Series, known: Names) -> Decided:
    """Each row's program: by its name or alias, else, for a shared name, by the student's roll that term."""
    keys = values.name_key(written)
    program_id = keys.map(known.specific).astype(object)
    shared = (program_id.isna() & keys.isin(list(known.shared))).to_numpy()
    refusals: dict[int, tuple[str, str]] = {}
    counts: dict[tuple[str, str], int] = {}
    if not shared.any():
        return Decided(program_id, refusals, shared, counts)
    roll = _roll(conn, ids[shared].dropna().unique().tolist(), term[shared].dropna().unique().tolist())
    for i in np.flatnonzero(shared):
        name, student, when = written.iat[i], ids.iat[i], term.iat[i]
        candidates = known.shared[keys.iat[i]]
        if student is None or pd.isna(student) or when is None or pd.isna(when):
            continue  # the ID or the term is refused on its own
        pid, why = _one(candidates, roll.get((student, when)), str(when), name, known)
        if pid is None:
            refusals[i] = why
        else:
            program_id.iat[i] = pid
            counts[(name, known.titles[pid])] = counts.get((name, known.titles[pid]), 0) + 1
    return Decided(program_id, refusals, shared, counts)


def _one(candidates: list[int], enrolled, term: str, name: str, known: Names) -> tuple[int | None, tuple[str, str]]:
    specific = "、".join(known.titles[c] for c in candidates)
    hint = f"请先导入该学期的学籍（可与名册在同一命令中导入），或把资助项目写成具体名称：{specific}"
    if enrolled is None:
        return None, (f"资助项目“{name}”要按学籍确定是{specific}中的哪一项，但台账中没有该生 {term} 的学籍", hint)
    stage, boarding = enrolled
    if not stage:
        return None, (f"资助项目“{name}”要按学籍中的学段确定具体项目，但该生 {term} 的学籍没有学段", hint)
    by_stage = [c for c in candidates if any(s == stage for s, _ in known.fits.get(c, ()))]
    if not by_stage:
        # No standard for the stage (a 特殊教育 pupil paid 一补): where 就读方式 alone tells the programs apart, the
        # payment is recorded under that one, and the check flags it as not entitled, a fact to look at.
        by_boarding = [c for c in candidates if boarding is not None
                       and any(b == boarding for _, b in known.fits.get(c, ()))]
        if len(by_boarding) == 1:
            return by_boarding[0], ("", "")
        return None, (f"该生 {term} 在学籍中是{stage}学生，“{name}”所指的项目（{specific}）都不发给{stage}学生",
                      f"请核对该行的学生和资助项目；确实发放的，请把资助项目写成具体名称（{specific}）")
    if len(by_stage) > 1 and boarding is not None:
        by_stage = [c for c in by_stage
                    if any(s == stage and b in (None, boarding) for s, b in known.fits.get(c, ()))] or by_stage
    if len(by_stage) > 1:
        which = "、".join(known.titles[c] for c in by_stage)
        if boarding is None:
            return None, (f"资助项目“{name}”要按就读方式确定是{which}中的哪一项，但该生 {term} 的学籍就读方式为空",
                          "请在学籍中填写就读方式（住校/走读）后重新导入学籍，或把资助项目写成具体名称")
        return None, (f"资助项目“{name}”对该生（{stage}）可能是{which}，学籍无法区分",
                      "请把资助项目写成具体名称")
    return by_stage[0], ("", "")


def _roll(conn: Connection, ids: list[str], terms: list[str]) -> dict[tuple[str, str], tuple[str | None, bool | None]]:
    """(ID number, term) → (stage, boarding) of the students named, from the rolls in the ledger (this command's
    rolls included: they are written before its rosters)."""
    found = {}
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            select(Student.id_number, Enrollment.term, Enrollment.stage, Enrollment.boarding)
            .join(Enrollment, Enrollment.student_id == Student.id)
            .where(Student.id_number.in_(ids[start:start + _CHUNK]), Enrollment.term.in_(terms)))
        for id_number, term, stage, boarding in rows:
            found[(id_number, term)] = (stage, None if boarding is None else bool(boarding))
    return found
