"""Payment rosters (发放名册). A payment is a fact of money paid: every row is recorded, right or wrong.

The coverage check flags unknown students, duplicates and wrong amounts later; the importer refuses only what
cannot be recorded at all (no valid ID, an unknown program, an amount that is not a positive sum or is beyond any
payment of its program, no term).
"""

from __future__ import annotations

import hashlib

import pandas as pd
from sqlalchemy import Connection, select

from jiaoyu_fupin.core.policy import CEILING_TIMES, PAYMENT_LIMIT
from jiaoyu_fupin.importers import corrections, program_names, values
from jiaoyu_fupin.importers.base import (
    BatchMaker,
    Counts,
    Options,
    Prepared,
    iso,
    keep_frame,
    single_term,
    terms,
)
from jiaoyu_fupin.importers.rowchecks import (
    bad_values,
    data_rows,
    id_numbers,
    required_columns,
    required_values,
)
from jiaoyu_fupin.importers.table import Table
from jiaoyu_fupin.store import bulk as store
from jiaoyu_fupin.store.models import Batch, Payment, Program, Student
from jiaoyu_fupin.store.models.base import to_fen
from jiaoyu_fupin.store.policy import amount_ceilings


def _above_ceiling(conn: Connection, table: Table, checked, amount: pd.Series, program_id: pd.Series,
                   options: Options) -> None:
    """An amount beyond any payment of its program (a bank card or ID number in 金额) is refused by row."""
    ceilings = amount_ceilings(conn, options.policy)
    names = dict(conn.execute(select(Program.id, Program.name)).all())
    times = options.policy.ceiling_times if options.policy else CEILING_TIMES
    series = table.column("amount")
    lowest = min(ceilings.values(), default=PAYMENT_LIMIT)
    # Only the few amounts above the lowest ceiling are looked at one by one.
    candidates = amount.map(lambda a: a is not None and a > lowest).to_numpy(dtype=bool) & checked.keep
    for i in candidates.nonzero()[0]:
        a, pid = amount.iat[i], program_id.iat[i]
        ceiling = ceilings.get(pid, PAYMENT_LIMIT) if pd.notna(pid) else PAYMENT_LIMIT
        if a <= ceiling:
            continue
        program = f"“{names[pid]}”" if pd.notna(pid) else ""
        checked.problems.append(table.problem(
            "amount_too_large", f"资助金额超过{program}单笔发放的上限 {ceiling.normalize():,f} 元",
            f"像是把银行卡号或身份证号填进了金额列，请核对改正；上限是该项目最高标准的 {times} 倍，确有这么大的一笔时，"
            "可在资助标准文件中为该项目写 ceiling = \"金额\"，用 --policy 指定",
            field_name="amount", row=int(table.rows[i]), value=_shown_amount(str(series.iat[i]))))


def _shown_amount(text: str) -> str:
    """A huge amount is most likely a bank card or ID number pasted into 金额: quoted masked, as those are."""
    digits = sum(ch.isdigit() for ch in text)
    if digits < 10:
        return text
    return text[:4] + "*" * (len(text) - 8) + text[-4:] if len(text) > 12 else text[:2] + "*" * (len(text) - 2)


def validate(conn: Connection, table: Table, options: Options) -> Prepared:
    checked = data_rows(table)
    prepared = Prepared(table, checked)
    term = terms(table, checked, options)
    if not required_columns(table, checked, extra_missing=[] if term is not None else ["缺少“学期”列，命令中也没有 --term"]):
        return prepared
    required_values(table, checked, ["name", "program", "amount"])
    ids = id_numbers(table, checked)
    col = table.text
    known = program_names.names(conn)
    decided = program_names.decide(conn, col("program"), ids, term, known)
    program_id = decided.program_id
    for i, (message, hint) in decided.refusals.items():
        if checked.keep[i]:
            checked.problems.append(table.problem("program_undecided", message, hint, field_name="program",
                                                  row=int(table.rows[i]), value=str(col("program").iat[i])))
    names = "、".join(sorted(conn.execute(select(Program.name)).scalars()))
    bad_values(table, checked, "program", col("program").notna() & program_id.isna() & ~decided.shared,
               "资助项目“{value}”不在资助项目表中",
               f"请改成以下名称之一：{names}；或在资助标准文件中为该项目加上别名（[names]）", code="program_unknown")
    if decided.counts:
        checked.notes.append("按学籍确定资助项目：" + "；".join(
            f"“{name}”→ {title} {n:,} 行" for (name, title), n in sorted(decided.counts.items())))
    amount, bad = values.parse_amounts(col("amount"))
    bad_values(table, checked, "amount", bad, "资助金额“{value}”不是有效金额", "请填写以元为单位的金额，例如 312.5",
               code="amount_invalid")
    not_positive = amount.map(lambda a: a is not None and a <= 0)
    bad_values(table, checked, "amount", not_positive, "资助金额“{value}”不大于 0",
               "发放名册只记录实际发放的正数金额；退回或冲正请另行登记", code="amount_not_positive")
    _above_ceiling(conn, table, checked, amount, program_id, options)
    paid_on, bad = values.parse_dates(col("paid_on"))
    bad_values(table, checked, "paid_on", bad, "发放日期“{value}”无法识别", "请写成 2019-11-20 这样的日期")

    fen = amount.map(lambda a: to_fen(a) if a is not None and 0 < a <= PAYMENT_LIMIT else None).astype(object)
    frame = keep_frame(table, checked, {
        "id_number": ids, "name": col("name"), "program_id": program_id, "term": term, "amount": fen,
        "paid_on": iso(paid_on), "school_name": col("school"),
    })
    # Identical rows of one file are separate payments (paid twice is a fact to flag), told apart by occurrence;
    # so are identical rows on two sheets of one workbook (a student on two schools' sheets): key_sheets_together
    # counts them over the workbook. No sheet name or position goes into the key, so a sheet imported alone with
    # --sheet and later with the whole workbook (or by a version that read only the best sheet) keeps its keys.
    frame.attrs["key_source"] = _first_name_of(conn, table, prepared.checked)
    frame["payment_key"] = _keys(frame, _occurrence(frame))
    checked.notes.extend(corrections.overlap_notes(conn, frame))
    prepared.frames["payments"] = frame
    prepared.term = single_term(frame["term"])
    return prepared


IDENTITY = ["id_number", "program_id", "term", "amount", "paid_on"]


def _occurrence(frame: pd.DataFrame) -> pd.Series:
    """How many identical rows came before each row, as text.

    dropna=False: an empty 发放日期 is a value like any other. Grouped away, every such row counted as "nan"
    and two identical rows collided on one key (a crash); the first such row keeps "nan", the key ledgers
    already hold for it, so their rosters re-import unchanged.
    """
    occurrence = frame[IDENTITY].astype(str).groupby(IDENTITY, sort=False, dropna=False).cumcount()
    return occurrence.astype(str).where(~(frame["paid_on"].isna() & (occurrence == 0)).to_numpy(), "nan")


def _keys(frame: pd.DataFrame, occurrence) -> list[str]:
    source = frame.attrs["key_source"]
    return [hashlib.sha1("|".join([source, *map(str, parts), str(k)]).encode()).hexdigest()
            for *parts, k in zip(*(frame[c] for c in IDENTITY), occurrence, strict=True)]


def key_sheets_together(prepared: list[Prepared]) -> None:
    """Count identical payments over all the sheets of one workbook, in workbook order: the second sheet's copy
    of a payment on the first is a payment of its own, and a sheet read alone keeps the keys of its rows.
    A file named twice in one command is read twice, each read starting again at its first sheet (part 0):
    counted separately, the second read's rows are the first's again."""
    reads: list[list[pd.DataFrame]] = []
    for p in prepared:
        if p.table.part == 0 or not reads:
            reads.append([])
        if "payments" in p.frames:
            reads[-1].append(p.frames["payments"])
    for frames in reads:
        if len(frames) < 2:
            continue
        occurrence = _occurrence(pd.concat([f[IDENTITY] for f in frames], ignore_index=True)).to_numpy()
        start = 0
        for frame in frames:
            frame["payment_key"] = _keys(frame, occurrence[start:start + len(frame)])
            start += len(frame)


def _first_name_of(conn: Connection, table: Table, checked) -> str:
    """The name this very file (same SHA-256) was first imported under, else its own name.

    Payments are told apart by file name; a roster saved again as 发放名册(1).xlsx from a chat download would
    otherwise be recorded a second time, every payment doubled.
    """
    # A reverted batch's payments are gone: it is not a name the file's payments are still known by.
    first = conn.execute(select(Batch.file_name).where(Batch.sha256 == table.sha256, Batch.kind == "payments",
                                                       Batch.reverted_by.is_(None))
                         .order_by(Batch.id).limit(1)).scalar()
    if first is None or first == table.file_name:
        return table.file_name
    checked.notes.append(f"与已导入的文件“{first}”内容完全相同：按同一份名册对待，已有的发放记录不会重复记入")
    return first


def write(conn: Connection, prepared: Prepared, batch: BatchMaker) -> Counts:
    frame = prepared.frames["payments"]
    existing = set(store.fetch(conn, Payment.__table__, ["payment_key"])["payment_key"])
    new = frame[~frame["payment_key"].isin(existing)].copy()
    counts = Counts(new=len(new), unchanged=len(frame) - len(new))
    if len(new):
        students = store.fetch(conn, Student.__table__, ["id", "id_number"])
        new["student_id"] = new["id_number"].map(dict(zip(students["id_number"], students["id"], strict=True))).astype(object)
        new["source_file"] = prepared.table.file_name
        store.insert(conn, Payment.__table__, new.assign(batch_id=batch()))
    return counts
