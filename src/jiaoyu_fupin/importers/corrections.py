"""Corrected rosters (更正名册): `fupin import FILE --replaces N`, and the warning when a second roster of a term
repeats another's payments without it.

A correction takes batch N out exactly as `fupin batches revert N` would, then imports the file: N's rows stop
counting, the new rows count, and the history keeps both (N is marked as reverted by the revert batch, the new
batch records that it replaces N). Without --replaces a second roster is a second roster: its payments are facts
and are recorded beside the first one's (a 补发 top-up is exactly that); the clerk is told how many of its rows the
other roster already pays, so a correction imported the wrong way is seen at once.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, select, update

from jiaoyu_fupin.importers.columns import kind_title
from jiaoyu_fupin.importers.revert import REVERT_KIND, RevertError, batch_row, revert
from jiaoyu_fupin.store.models import Batch, Payment


def find_batch(conn: Connection, named: int | str) -> int:
    """A batch by number (7, #7) or by the file name it was imported from (its latest batch still counting)."""
    text = str(named).strip().lstrip("#")
    if text.isdigit():
        return int(text)
    ids = list(conn.execute(select(Batch.id).where(Batch.file_name == text, Batch.reverted_by.is_(None),
                                                    Batch.kind != REVERT_KIND).order_by(Batch.id)).scalars())
    if not ids:
        raise RevertError(f"没有以“{text}”导入、仍然有效的批次", "用 fupin batches 查看批次编号和文件名")
    if len(ids) > 1:
        raise RevertError(f"“{text}”有 {len(ids)} 个有效批次（#{'、#'.join(map(str, ids))}，多为同一工作簿的几个工作表）",
                          "请用批次编号指定要更正的那一个，例如 --replaces " + str(ids[-1]))
    return ids[0]


def replace(conn: Connection, named: int | str, results: list) -> dict | None:
    """Revert the batch the files correct; problems on the files (nothing reverted) where they cannot correct it."""
    try:
        target = dict(batch_row(conn, find_batch(conn, named)))
    except RevertError as exc:
        for result in results:
            result.problems.append(result.table.problem("replaces_refused", exc.message, exc.hint))
        return None
    wrong = [r for r in results if r.kind != target["kind"]]
    for result in wrong:
        result.problems.append(result.table.problem(
            "replaces_refused", f"本文件是{kind_title(result.kind)}，批次 #{target['id']}（{target['file_name']}）是"
            f"{kind_title(target['kind'])}：只能用同一类文件更正", "请核对 --replaces 的批次编号，或去掉 --replaces"))
    if wrong:
        return None
    names = "、".join(sorted({r.path.name for r in results}))
    try:
        revert(conn, target["id"], note=f"由 {names} 更正", replacing=True)
    except RevertError as exc:
        for result in results:
            result.problems.append(result.table.problem("replaces_refused", exc.message, exc.hint))
        return None
    return target


def same_term(result, target: dict) -> None:
    """A correction is of the same term as what it corrects."""
    if target["term"] and result.term and result.term != target["term"] and not result.problems:
        result.problems.append(result.table.problem(
            "replaces_refused", f"本文件是 {result.term} 的，批次 #{target['id']}（{target['file_name']}）是 "
            f"{target['term']} 的：更正只能替换同一学期的文件", "请核对 --replaces 的批次编号，或去掉 --replaces"))


def record(conn: Connection, results: list, target: dict, *, dry_run: bool = False) -> None:
    """Mark the new batches as replacing the target, and tell the clerk; a --dry-run is told what would happen,
    since nothing did."""
    named = f"批次 #{target['id']}（{target['file_name']}）"
    for result in results:
        if result.batch_id is not None:
            conn.execute(update(Batch.__table__).where(Batch.id == result.batch_id).values(replaces=target["id"]))
            done = "将被撤销，改以本文件为准（试导入，尚未撤销）" if dry_run else "已撤销，以本文件为准"
            result.notes.append(f"更正{named}：原批次的内容{done}")
        elif dry_run:
            result.notes.append(f"将撤销{named}（试导入，尚未撤销）；本文件与撤销后的台账相同")
        else:
            result.notes.append(f"已撤销{named}；本文件与撤销后的台账相同")


def overlap_notes(conn: Connection, frame: pd.DataFrame) -> list[str]:
    """Rows of a roster about to be recorded whose student, program and term another roster, still counting,
    already pays. Counted per batch, in rows of this file and in 人次 (one student, one program, one term), for the
    clerk: a correction imported without --replaces shows here."""
    terms = sorted(set(frame["term"].dropna()))
    if not terms or not len(frame):
        return []
    stored = pd.DataFrame(conn.execute(
        select(Payment.id_number, Payment.program_id, Payment.term, Payment.payment_key, Payment.batch_id, Batch.file_name)
        .join(Batch, Batch.id == Payment.batch_id).where(Payment.term.in_(terms))).all(),
        columns=["id_number", "program_id", "term", "payment_key", "batch_id", "file_name"])
    if stored.empty:
        return []
    new = _keyed(frame[~frame["payment_key"].isin(set(stored["payment_key"]))])
    theirs = _keyed(stored).drop_duplicates([*_KEY, "batch_id"])
    hits = new[_KEY].merge(theirs, on=_KEY)
    notes = []
    for (batch_id, file_name), rows in hits.groupby(["batch_id", "file_name"], sort=True):
        times = len(rows.drop_duplicates(_KEY))
        notes.append(f"注意：本文件新记入的 {len(rows):,} 行（{times:,} 人次：同一学生、同一资助项目、同一学期）在批次 #{batch_id}"
                     f"（{file_name}）中已有发放，两份都记入（补发的差额与原发合计符合标准的不算问题，否则核对时按重复发放或"
                     "金额不符计）；若本文件是那份名册的更正，请撤销本次导入（fupin batches revert 本批次）后用 "
                     f"fupin import 文件 --replaces {batch_id} 重新导入；若是补发，不必处理")
    return notes


_KEY = ["id_number", "program_id", "term"]


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its student-program-term key in one type: a roster's program ids arrive as int or float
    (3 or 3.0, by whether a shared name decided the row), and as text they never matched the stored ints. A row
    without a program, an ID or a term is kept only to be refused with its own message: it pays nothing to count."""
    frame = frame[frame["program_id"].notna() & frame["id_number"].notna() & frame["term"].notna()]
    return frame.assign(program_id=pd.to_numeric(frame["program_id"]).astype("int64"),
                        id_number=frame["id_number"].astype(str), term=frame["term"].astype(str))
