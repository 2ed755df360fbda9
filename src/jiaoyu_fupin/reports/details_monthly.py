"""--details for the monthly report: the lists its figures were counted from, read in the report's own reads of the
ledger (now and a month earlier), and every figure of every sheet tied to its rows.

Each row carries the township and school the report files it under (归属乡镇, 学校), by the same rules the report's
blocks use, so a township sheet's figure is its list filtered on 归属乡镇; the change since last month depends on
the scope (a pupil moving between townships is new in one and gone from the other), so its list has a row per scope.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection

from jiaoyu_fupin.checks.subsidy.model import KIND_TITLES
from jiaoyu_fupin.core.names import text_key
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.reports import facts
from jiaoyu_fupin.reports.details import (
    FEN,
    PERSON,
    PROVENANCE_COLUMNS,
    PROVENANCE_JOIN,
    SOURCE,
    Details,
    Figure,
    Listing,
    masked,
    read_rows,
    write_details,
)

POOR, CHANGES, AWAY, PAYMENTS, FINDINGS, CASES = ("在籍建档立卡明细", "比上月增减明细", "县外就读明细", "本月发放明细",
                                                  "资助核对问题明细", "辍学案件明细")
NOT_LISTED = ("结对帮扶", "六个一")  # counted by the pairing check per helper and item, not from one list
_ID = "身份证号（隐去中间）"
_CASE_ITEMS = {"本月新立案": "opened", "本月劝返复学": "returned", "本月送教上门": "home_schooled"}


def poor_rows(conn: Connection, term: Term) -> pd.DataFrame:
    """facts.poor_on_roll with names and sources: 姓名, PERSON, school_id, 班级, source."""
    joins = PROVENANCE_JOIN.format(alias="e")
    return read_rows(conn, f"SELECT s.name, s.id_number, e.school_id, e.class_name, {PROVENANCE_COLUMNS.format(alias='e')}"
                  f" FROM {facts.ENROLLED.format(joins=joins)} WHERE {facts.POOR_ON_ROLL_WHERE} ORDER BY e.id",
                  {"t": str(term)}, ["姓名", PERSON, "school_id", "班级", *SOURCE])


def listings(conn: Connection, term: Term, first: date, last: date, schools: pd.DataFrame, coverage_findings,
             cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The lists read at the report's cut (the previous month's roll is read apart, with poor_rows)."""
    joins = PROVENANCE_JOIN.format(alias="e")
    away = read_rows(conn, f"SELECT s.name, s.id_number, e.school_name, e.study_place, e.place_detail,"
                  f" {PROVENANCE_COLUMNS.format(alias='e')} FROM {facts.ENROLLED.format(joins=joins)}"
                  f" WHERE {facts.POOR_AWAY_WHERE} ORDER BY e.id", {"t": str(term)},
                  ["姓名", PERSON, "就读学校", "就读地", "就读地区", *SOURCE])
    paid = read_rows(conn, f"SELECT pr.name, {facts.PAYMENT_SCHOOL}, p.name, p.id_number, p.amount, p.paid_on,"
                  " p.school_name, p.source_file, pb.sheet, p.source_row"
                  f" FROM {facts.PAID_BETWEEN.format(joins=PROVENANCE_JOIN.format(alias='p'))} ORDER BY p.id",
                  {"first": first.isoformat(), "last": last.isoformat()},
                  ["资助项目", "school_id", "姓名", PERSON, FEN, "发放日期", "名册上的学校", *SOURCE])
    paid.insert(5, "金额（元）", [int(f) / 100 for f in paid[FEN]])
    township_of_name = dict(zip(schools["name"], schools["township"], strict=True))
    found = pd.DataFrame([[KIND_TITLES[f.kind], f.township or township_of_name.get(f.school), f.school, f.name,
                           f.id_number, f.program, f.expected, f.paid, f.detail, f.source] for f in coverage_findings],
                         columns=["问题类别", "归属乡镇", "学校", "姓名", PERSON, "资助项目", "应发", "实发", "说明",
                                  "来源（发放名册及行）"], dtype=object)
    cases = cases[cases["begun"].astype(bool)]  # a case opened after the month is not the month's (monthly.py)
    case_list = pd.DataFrame({"案件编号": cases["case"], "township": cases["township"], "school_id": cases["school_id"],
                              PERSON: cases["id_number"],
                              "状态": ["未销号" if s == "open" else "已销号" for s in cases["status"]],
                              **{item: ["是" if x else "否" for x in cases[key]] for item, key in _CASE_ITEMS.items()}},
                             dtype=object)
    return {"away": away, "paid": paid, "found": found, "cases": case_list}


def _placed(frame: pd.DataFrame, schools: pd.DataFrame, township_column: str | None = None) -> pd.DataFrame:
    """归属乡镇 and 学校 from school_id (a township the row names itself wins, as the report's blocks take it)."""
    name_of = dict(zip(schools["id"].astype(int), schools["name"], strict=True))
    township_of = dict(zip(schools["id"].astype(int), schools["township"], strict=True))
    ids = [int(i) if i is not None and not pd.isna(i) else -1 for i in frame["school_id"]]
    own = frame[township_column] if township_column else pd.Series([None] * len(frame), index=frame.index)
    out = frame.drop(columns=[c for c in ("school_id", township_column) if c])
    out.insert(0, "学校", [name_of.get(i) for i in ids])
    # A row's own township (a case's, from the 户籍 list) as the school list spells it, as the blocks match it.
    spelled = {text_key(t): t for t in schools["township"] if isinstance(t, str) and t}
    out.insert(0, "归属乡镇", [spelled.get(text_key(t), t) if isinstance(t, str) and t else township_of.get(i)
                           for t, i in zip(own, ids, strict=True)])
    return out


def _changes(report, now: pd.DataFrame, before: pd.DataFrame | None) -> pd.DataFrame:
    rows = []
    if before is not None:
        scopes = [(b.name, b.level) for b in ([report.county] if report.county else []) + report.blocks]
        for name, level in scopes:
            mine_now, mine_before = (_scope(now, name, level), _scope(before, name, level))
            new = mine_now[~mine_now[PERSON].isin(set(mine_before[PERSON]))]
            gone = mine_before[~mine_before[PERSON].isin(set(mine_now[PERSON]))]
            for change, part in (("新增", new), ("减少", gone)):
                rows += [[name, change, *r] for r in part.itertuples(index=False, name=None)]
    return pd.DataFrame(rows, columns=["范围", "变化", *now.columns], dtype=object)


def _scope(frame: pd.DataFrame, name: str, level: str) -> pd.DataFrame:
    if level == "county":
        return frame
    return frame[frame["归属乡镇" if level == "township" else "学校"] == name]


def _masked(frame: pd.DataFrame) -> pd.DataFrame:
    if PERSON in frame.columns:
        frame = frame.copy()
        frame.insert(list(frame.columns).index(PERSON), _ID, masked(frame[PERSON]))
    return frame


def details(report, lists: dict, now_poor: pd.DataFrame, before_poor: pd.DataFrame | None, schools) -> Details:
    now = _placed(now_poor, schools)
    before = _placed(before_poor, schools) if before_poor is not None else None
    paid = _placed(lists["paid"], schools)
    cases = _placed(lists["cases"], schools, "township")
    listing = {
        POOR: Listing(POOR, _masked(now), f"{report.term}学籍上本县学校的建档立卡学生（转出、毕业除外）"),
        CHANGES: Listing(CHANGES, _masked(_changes(report, now, before)),
                         "与上月截至时间的学籍相比，按范围（全县、各乡镇或学校）列出新增和减少的学生"),
        AWAY: Listing(AWAY, _masked(lists["away"]), "县外就读的建档立卡学生（由就读地资助）"),
        PAYMENTS: Listing(PAYMENTS, _masked(paid), f"发放日期在 {report.month.first_day} 至 {report.month.last_day} 的发放"),
        FINDINGS: Listing(FINDINGS, _masked(lists["found"]), f"{report.term}资助核对问题（与 fupin subsidy check 相同）"),
        CASES: Listing(CASES, _masked(cases), "失学辍学案件（详情用 fupin dropout list 查看）"),
    }
    return Details(f"{report.title}：每个数背后的明细（数据截至 {report.as_of:%Y-%m-%d %H:%M}）", listing,
                   figures(report), unlisted=NOT_LISTED)


def figures(report) -> list[Figure]:
    out: list[Figure] = []
    for block in ([report.county] if report.county else []) + report.blocks:
        sheet = "全县" if block.level == "county" else block.name[:31]
        scope = {} if block.level == "county" else {("归属乡镇" if block.level == "township" else "学校"): block.name}
        for line in block.lines:
            label = (line.group, line.item)
            for listing, where, how in _line(line, block.name, scope):
                value = line.amount if how == "yuan" else line.count
                header = "金额（元）" if how == "yuan" else "人数（笔数、件数）"
                out.append(Figure(sheet, label, header, value, listing, where, how))
    if report.county is not None:
        columns = {"poor": ("建档立卡在籍", POOR, {}, "count"), "new": ("比上月新增", CHANGES, {"变化": "新增"}, "count"),
                   "removed": ("比上月减少", CHANGES, {"变化": "减少"}, "count"),
                   "payments": ("本月发放笔数", PAYMENTS, {}, "count"), "amount": ("本月发放金额（元）", PAYMENTS, {}, "yuan"),
                   "findings": ("资助核对问题", FINDINGS, {}, "count"), "opened": ("本月新立案", CASES, {"本月新立案": "是"}, "count"),
                   "returned": ("本月劝返复学", CASES, {"本月劝返复学": "是"}, "count"),
                   "open_cases": ("未销号案件", CASES, {"状态": "未销号"}, "count")}
        for block in [*report.blocks, report.county]:
            label = "全县合计" if block.level == "county" else block.name
            for key, (header, listing, where, how) in columns.items():
                if block.figures.get(key) is None:
                    continue
                if listing == CHANGES:
                    scope = {"范围": block.name}
                else:
                    scope = {} if block.level == "county" else {"归属乡镇": block.name}
                out.append(Figure("乡镇汇总", label, header, block.figures[key], listing, {**scope, **where}, how))
    return out


def _line(line, scope_name: str, scope: dict):
    """(listing, filter, measure) for a line of a block's sheet; nothing for the lines no list is behind."""
    group, item = line.group, line.item
    if group == "建档立卡学生":
        if item == "在籍人数":
            yield POOR, scope, "count"
        elif item in ("比上月新增", "比上月减少"):
            yield CHANGES, {"范围": scope_name, "变化": item[3:]}, "count"
        elif item == "县外就读":
            yield AWAY, {}, "count"
    elif group == "本月资助发放":
        where = scope if item == "合计" else {**scope, "资助项目": item}
        yield PAYMENTS, where, "count"
        yield PAYMENTS, where, "yuan"
    elif group == "资助核对问题":
        yield FINDINGS, scope if item == "合计" else {**scope, "问题类别": item}, "count"
    elif group == "控辍保学":
        if item in _CASE_ITEMS:
            yield CASES, {**scope, item: "是"}, "count"
        elif item == "未销号案件":
            yield CASES, {**scope, "状态": "未销号"}, "count"


def file_name(report) -> str:
    return f"明细_月报_{report.month.label}" + (f"_{report.school}" if report.school else "") + ".xlsx"


def write(report, folder: Path) -> Path:
    """The details workbook of a monthly report built with details=True, into `folder`."""
    return write_details(report.details, Path(folder) / file_name(report))
