"""--details for the year-end summary: the lists its tables were counted from, read in the summary's own read of
the ledger (as of the same time), and each table's cells tied to the rows behind them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Connection

from jiaoyu_fupin.checks.subsidy.model import KIND_TITLES
from jiaoyu_fupin.core.terms import Term
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
    table_cells,
    write_details,
)
from jiaoyu_fupin.reports.facts import NO_STAGE, POOR
from jiaoyu_fupin.reports.period import year_terms
from jiaoyu_fupin.reports.summary_basic import home_county, type_row
from jiaoyu_fupin.reports.summary_control import OTHER_AID

SCHOOLS, ROLL, POOR_LIST, PAYMENTS, FINDINGS, CASES = ("学校明细", "学籍明细", "建档立卡学生明细", "资助发放明细",
                                                       "资助核对问题明细", "辍学案件明细")
# Tables whose figures rest on no list of people or payments (aggregates, the helpers list, what the ledger lacks).
NOT_LISTED = ("教师", "控辍保学指标", "结对帮扶", "六个一", "扶贫协作")
_ID = "身份证号（隐去中间）"


def listings(conn: Connection, terms: tuple[Term, Term], figures: dict) -> dict[str, Listing]:
    spring, autumn = (str(t) for t in terms)
    schools = read_rows(conn, "SELECT sc.name, sc.school_type, sc.township, sc.ownership, " + PROVENANCE_COLUMNS.format(
        alias="sc") + " FROM schools sc" + PROVENANCE_JOIN.format(alias="sc") + " ORDER BY sc.id", {},
        ["学校", "学校类型", "乡镇", "办别", *SOURCE])
    schools.insert(2, "总结中的类型", [type_row(t) for t in schools["学校类型"]])

    roll = read_rows(conn, "SELECT s.name, s.id_number, sc.name, e.stage, e.class_name, e.status, "
                  + PROVENANCE_COLUMNS.format(alias="e") + " FROM enrollments e JOIN students s ON s.id = e.student_id"
                  " LEFT JOIN schools sc ON sc.id = e.school_id" + PROVENANCE_JOIN.format(alias="e")
                  + " WHERE e.term = :t AND e.study_place = '县内' ORDER BY e.id", {"t": autumn},
                  ["姓名", PERSON, "学校", "学段", "班级", "学籍状态", *SOURCE])
    roll["学段"] = roll["学段"].fillna(NO_STAGE)

    county = home_county(conn)
    home = "h.county = :county" if county else "h.id IS NOT NULL"
    poor = read_rows(conn, f"SELECT s.name, s.id_number, COALESCE(sc.name, e.school_name), e.stage, e.study_place,"
                  f" CASE WHEN {home} THEN 1 ELSE 0 END, " + PROVENANCE_COLUMNS.format(alias="e")
                  + " FROM enrollments e JOIN students s ON s.id = e.student_id"
                  " LEFT JOIN households h ON h.id = s.household_id LEFT JOIN schools sc ON sc.id = e.school_id"
                  + PROVENANCE_JOIN.format(alias="e") + f" WHERE e.term = :t AND {POOR} ORDER BY e.id",
                  {"t": autumn, "county": county}, ["姓名", PERSON, "学校", "学段", "就读地", "户籍", *SOURCE])
    poor["学段"] = poor["学段"].fillna(NO_STAGE)
    local = poor["户籍"].astype(int) == 1
    poor["户籍"] = ["本县" if x else "外县" for x in local]
    away = poor["就读地"].isin(["县外州内", "州外"])
    poor.insert(6, "计入本县户籍合计", ["是" if x else "否" for x in ((poor["就读地"] == "县内") & local) | away])

    payments = read_rows(conn, "SELECT pr.name, pr.code, p.term, COALESCE(e.stage, :none), p.name, p.id_number, p.amount,"
                      " p.paid_on, p.school_name, p.source_file, pb.sheet, p.source_row FROM payments p"
                      " JOIN programs pr ON pr.id = p.program_id"
                      " LEFT JOIN enrollments e ON e.student_id = p.student_id AND e.term = p.term"
                      + PROVENANCE_JOIN.format(alias="p") + " WHERE p.term IN (:a, :b) ORDER BY p.id",
                      {"a": spring, "b": autumn, "none": NO_STAGE},
                      ["资助项目", "项目代码", "学期", "学段", "姓名", PERSON, FEN, "发放日期", "名册上的学校", *SOURCE])
    payments.insert(7, "金额（元）", [int(f) / 100 for f in payments[FEN]])

    found = [(term, f) for term, fs in figures.get("coverage_findings", {}).items() for f in fs]
    findings = pd.DataFrame([[term, KIND_TITLES[f.kind], f.township, f.school, f.name, f.id_number, f.program,
                              f.expected, f.paid, f.detail, f.source] for term, f in found],
                            columns=["学期", "问题类别", "乡镇", "学校", "姓名", PERSON, "资助项目", "应发", "实发", "说明",
                                     "来源（发放名册及行）"], dtype=object)

    cases = figures.get("cases_frame", pd.DataFrame(columns=["case", "id_number", "place", "status", "opened",
                                                             "returned", "home_schooled", "other_closed", "begun"]))
    cases = cases[cases["begun"].astype(bool)]  # a case opened after the year is not the year's (summary_control)
    case_list = pd.DataFrame({
        "案件编号": cases["case"], "乡镇": cases["place"], PERSON: cases["id_number"],
        "状态": ["未销号" if s == "open" else "已销号" for s in cases["status"]],
        **{title: ["是" if x else "否" for x in cases[key]] for key, title in _CASE_FLAGS}}, dtype=object)

    out = {}
    for name, frame, note in (
            (SCHOOLS, schools, "台账中的学校名单"),
            (ROLL, roll, f"{autumn}学籍名册上本县学校的全部学生（含休学、辍学、转出）"),
            (POOR_LIST, poor, f"{autumn}学籍和县外就读名单中的建档立卡学生"),
            (PAYMENTS, payments, f"{spring}、{autumn}资助发放名册中的全部发放"),
            (FINDINGS, findings, "应助尽助核对发现的问题（与 fupin subsidy check 相同）"),
            (CASES, case_list, "本年的失学辍学案件（详情用 fupin dropout list 查看）")):
        if PERSON in frame.columns:
            frame.insert(list(frame.columns).index(PERSON), _ID, masked(frame[PERSON]))
        out[name] = Listing(name, frame, note)
    return out


_CASE_FLAGS = (("opened", "全年立案"), ("returned", "劝返复学"), ("home_schooled", "送教上门"),
               ("other_closed", "其他方式销号"))


def figures(tables, terms: tuple[Term, Term]) -> list[Figure]:
    """The summary tables' cells, each tied to its list and filter."""
    spring, autumn = (str(t) for t in terms)
    by_sheet = {t.sheet: t for t in tables}
    out: list[Figure] = []

    def add(sheet, label, header, value, listing, where, how="count"):
        out.append(Figure(sheet, label, header, value, listing, where, how))

    def cells(sheet, label_columns=1):
        table = by_sheet.get(sheet)
        return table_cells(table.headers, table.rows, label_columns) if table else []

    for label, header, value in cells("学校"):
        add("学校", label, header, value, SCHOOLS, {} if label == "合计" else {"总结中的类型": label})
    for label, header, value in cells("学生"):
        where = {} if label == "合计" else {"学段": label}
        add("学生", label, header, value, ROLL, where if header == "学籍人数" else {**where, "学籍状态": header})
    poor_columns = {"在本县就读": {"就读地": "县内"}, "其中本县户籍": {"就读地": "县内", "户籍": "本县"},
                    "其中外县户籍": {"就读地": "县内", "户籍": "外县"}, "县外州内就读": {"就读地": "县外州内"},
                    "州外就读": {"就读地": "州外"}, "本县户籍合计": {"计入本县户籍合计": "是"}}
    for label, header, value in cells("建档立卡学生"):
        add("建档立卡学生", label, header, value, POOR_LIST,
            {**({} if label == "合计" else {"学段": label}), **poor_columns[header]})
    money = {f"{spring}人次": ({"学期": spring}, "times"), f"{spring}金额（万元）": ({"学期": spring}, "wan"),
             f"{autumn}人次": ({"学期": autumn}, "times"), f"{autumn}金额（万元）": ({"学期": autumn}, "wan"),
             "全年人次": ({}, "times"), "全年金额（万元）": ({}, "wan"), "受助人数": ({}, "people")}
    for label, header, value in cells("资助按项目"):
        where, how = money[header]
        add("资助按项目", label, header, value, PAYMENTS, {**({} if label == "合计" else {"资助项目": label}), **where}, how)
    for (program, stage), header, value in cells("资助按学段", 2):
        where, how = money[header]
        scope = {} if program == "合计" else {"资助项目": program, "学段": stage}
        add("资助按学段", (program, stage), header, value, PAYMENTS, {**scope, **where}, how)
    codes = {name: code for name, code, _ in OTHER_AID}
    other = {"人次": "times", "人数": "people", "金额（万元）": "wan"}
    for label, header, value in cells("贷款路费免学费"):
        if codes.get(label):
            add("贷款路费免学费", label, header, value, PAYMENTS, {"项目代码": codes[label]}, other[header])
        elif label.startswith("州外就读") and header == "人次":
            add("贷款路费免学费", label, header, value, POOR_LIST, {"就读地": "州外"})
    kinds = {title.split("（")[0]: title for title in KIND_TITLES.values()}
    for label, header, value in cells("应助尽助"):
        if header in kinds:
            add("应助尽助", label, header, value, FINDINGS, {"学期": label, "问题类别": kinds[header]})
    for label, header, value in cells("辍学案件"):
        where = {} if label == "合计" else {"乡镇": label}
        add("辍学案件", label, header, value, CASES,
            {**where, **({"状态": "未销号"} if header == "未销号" else {header: "是"})})
    return out


def file_name(year: int) -> str:
    return f"明细_总结_{year}.xlsx"


def write(summary, folder: Path) -> Path:
    """The details workbook of a summary built with details=True, into `folder`."""
    terms = year_terms(summary.year)
    found = Details(f"{summary.title}：每个数背后的明细（数据截至 {summary.as_of:%Y-%m-%d %H:%M}）", summary.listings,
                    figures(summary.tables, terms), unlisted=NOT_LISTED)
    return write_details(found, Path(folder) / file_name(summary.year))
