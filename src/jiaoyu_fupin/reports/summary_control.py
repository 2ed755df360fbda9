"""The year-end summary's later sections: the coverage of aid (应助尽助), dropout control (rates against targets,
cases), pairing and the 六个一, and east–west collaboration, which the ledger cannot know."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, text

from jiaoyu_fupin.checks.pairing import check as pair_check
from jiaoyu_fupin.checks.pairing import six_ones
from jiaoyu_fupin.checks.pairing.data import load as load_pairing
from jiaoyu_fupin.checks.subsidy import coverage
from jiaoyu_fupin.checks.subsidy.model import KIND_TITLES
from jiaoyu_fupin.core import pairing as pair_rules
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.rates import RatesError, compute_rates
from jiaoyu_fupin.reports import charts, facts
from jiaoyu_fupin.reports.book import OUTSIDE_TOWNSHIPS, PERCENT_FORMAT, WAN_FORMAT, Table, percent, wan
from jiaoyu_fupin.reports.facts import NO_STAGE
from jiaoyu_fupin.reports.summary_basic import PERSON_TERMS
from jiaoyu_fupin.xlsx.sheets import remainder

_MET = {True: "达标", False: "未达标", None: "无法计算"}
_FINDINGS = ("missing", "duplicate", "ineligible", "amount_mismatch", "not_enrolled", "unknown_student")


def coverage_table(conn: Connection, terms: tuple[Term, ...], figures: dict) -> Table:
    rows = []
    for term in terms:
        try:
            report = coverage.check(conn, term)
        except coverage.NoRollError:
            rows.append([str(term), None, None, None, None, *[None] * len(_FINDINGS), "台账中没有该学期学籍，无法核对"])
            continue
        counts = report.counts()
        rows.append([str(term), report.total("entitled"), wan(report.total("expected")), report.total("paid_count"),
                     wan(report.total("paid")), *[counts[k] for k in _FINDINGS],
                     f"县外就读建档立卡学生 {len(report.out_of_county)} 人由就读地资助（发函）"])
        figures.setdefault("coverage", {})[str(term)] = counts
        figures.setdefault("coverage_findings", {})[str(term)] = report.findings  # what --details lists
    return Table("应助尽助", "三（一）资助政策落实：应助尽助核对（按资助标准逐人核对）",
                 ["学期", "应助人次", "应发金额（万元）", "实发笔数", "实发金额（万元）",
                  *[KIND_TITLES[k].split("（")[0] for k in _FINDINGS], "说明"], rows,
                 notes=["与 fupin subsidy check 相同的核对：按台账中的资助标准算出每名在校学生应享受的项目，与发放名册逐人比对",
                        "问题条数是出表时台账中仍存在的问题；明细用 fupin subsidy check --term 学期 --out 文件.xlsx 查看"],
                 formats={2: WAN_FORMAT, 4: WAN_FORMAT})


# Aid the summary names apart (`seeds/004_…` 三(一)): program code, or None where the ledger has no such program.
OTHER_AID = (
    ("生源地信用助学贷款", None, "台账不记录：由学生资助中心与国家开发银行办理，请从助学贷款系统取数"),
    ("大学新生路费", "freshman_travel", ""),
    ("兜底保障户子女大学生活补助", "guaranteed_college", ""),
    ("普通高中免学费", "senior_tuition_waiver", ""),
    ("中职免学费", "vocational_tuition_waiver", ""),
    ("农村义务教育营养改善计划", None, "台账不记录：按在校天数拨付学校，不逐人发放，请从财务取数"),
)


def other_aid_table(conn: Connection, terms: tuple[Term, ...], figures: dict) -> Table:
    labels = [str(t) for t in terms]
    # 人次 as the summary defines it (summary_basic.PERSON_TERMS): a student's payments of a program in a term are one.
    paid = {code: (n, fen, people) for code, n, fen, people in conn.execute(text(
        "SELECT pr.code, COUNT(*), SUM(t.fen), COUNT(DISTINCT t.id_number)"
        f" FROM ({PERSON_TERMS}) t JOIN programs pr ON pr.id = t.program_id GROUP BY pr.code"),
        {"a": labels[0], "b": labels[-1], "none": NO_STAGE})}
    rows = []
    for name, code, why in OTHER_AID:
        if code is None:
            rows.append([name, None, None, None, why])
        elif code in paid:
            n, fen, people = paid[code]
            rows.append([name, n, people, wan(fen), f"{'、'.join(labels)}发放名册"])
        else:
            rows.append([name, None, None, None, "台账中没有该项目本年的发放记录；如由其他渠道发放，请另行取数"])
    rows.append(["州外就读建档立卡学生（发函）", figures.get("poor_outside"), None, None,
                 "由就读地资助：县人民政府向学生就读学校所在地人民政府发函（名单见 fupin subsidy check 的“县外就读”页）"])
    figures["other_aid"] = {r[0]: r for r in rows}
    return Table("贷款路费免学费", "三（一）资助政策落实：助学贷款、新生路费、免学费和发函",
                 ["项目", "人次", "人数", "金额（万元）", "说明"], rows,
                 notes=["台账只记录逐人发放的资助；台账不知道的项目在“说明”中写明取数途径"], formats={3: WAN_FORMAT})


def rates_table(conn: Connection, year: int, figures: dict) -> Table:
    notes = [f"{year}秋学籍，年龄按 {year} 年 8 月 31 日计；目标为本县 {year} 年工作方案（辍学率目标为 0，即不超过 0）"]
    try:
        report = compute_rates(conn, year)
    except RatesError as exc:
        figures["rates"] = {}
        return Table("控辍保学指标", "三（四）控辍保学：主要指标", ["指标", "说明"], [["（无法计算）", exc.message]],
                     notes=[*notes, exc.hint])
    rows = []
    for r in report.rates:
        value = None if r.value is None else Decimal(r.value)
        rows.append([r.spec.name, r.numerator, r.denominator, value, Decimal(r.spec.target),
                     ("≤" if r.spec.at_most else "≥"), _MET[r.met], r.formula, "；".join(r.all_notes())])
    figures["rates"] = {r.indicator: r for r in report.rates}
    return Table("控辍保学指标", "三（四）控辍保学：主要指标与目标",
                 ["指标", "分子", "分母", "数值（%）", "目标（%）", "目标方向", "是否达标", "计算公式", "说明"], rows,
                 notes=[*notes, f"人口数据：{report.population_title}", *report.notes],
                 formats={3: PERCENT_FORMAT, 4: PERCENT_FORMAT},
                 chart=charts.ChartSpec("主要指标与目标（%）", "%", [3, 4], skip_last=False, axis_format="0.0#"))


def cases_table(conn: Connection, year: int, townships: list[str], figures: dict) -> Table:
    frame = facts.case_steps(conn, Term(year, 1), date(year, 1, 1), date(year, 12, 31))
    order = {t: i for i, t in enumerate(townships)}
    frame["place"] = frame["township"].fillna("（未知乡镇）")
    rows = []
    for place, group in sorted(frame.groupby("place"), key=lambda kv: order.get(kv[0], len(order))):
        rows.append([place, int(group["opened"].sum()), int(group["returned"].sum()), int(group["home_schooled"].sum()),
                     int(group["other_closed"].sum()), int(((group["status"] == "open") & group["begun"]).sum())])
    rows.append(["合计", *[sum(r[i] for r in rows) for i in range(1, 6)]])
    figures.update(cases_opened=rows[-1][1], cases_returned=rows[-1][2], cases_home_schooled=rows[-1][3],
                   cases_open=rows[-1][5], cases_frame=frame)
    return Table("辍学案件", "三（四）控辍保学：失学辍学案件（按乡镇）",
                 ["乡镇", "全年立案", "劝返复学", "送教上门", "其他方式销号", "未销号"], rows,
                 notes=[f"立案、销号按 {year} 年内的日期计（含重新立案；辍学台账导入的案件按辍学年月计）；未销号为 {year} 年底前已立案、出表时仍未销号的案件（此后新立的案件不计入本年）",
                        "乡镇按儿童户籍（户籍名单或国扶办数据），没有时按学籍学校所在乡镇"])


def pairing_tables(conn: Connection, year: int, as_of: date, schools, figures: dict) -> list[Table]:
    term = Term(year, 1)
    judged = min(as_of, date(year, 12, 31))
    result = pair_check.run(load_pairing(conn, term, judged), None, pair_rules.DEFAULT_MAX_PER_HELPER, details=False)
    township_of = dict(zip(schools["name"], schools["township"], strict=True))
    order = {t: i for i, t in enumerate(dict.fromkeys(schools["township"].dropna()))}
    groups: dict[str, list[int]] = {}
    keys = ("registered_poor_enrolled", "paired", "unpaired", "helpers", "six_ones_due", "six_ones_done",
            "six_ones_overdue", "six_ones_pending", "oversight_gaps")
    for row in result.by_school:
        slot = groups.setdefault(township_of.get(row["school"]) or "（未填乡镇）", [0] * len(keys))
        for i, key in enumerate(keys):
            slot[i] += row[key]
    rows = [[t, *v[:3], percent(v[1], v[0]), *v[3:]] for t, v in sorted(groups.items(), key=lambda kv: order.get(kv[0], 99))]
    s = result.summary
    total = [s["registered_poor_enrolled"], s["paired"], s["unpaired"]]
    six = s["six_ones"]
    whole = ["合计", *total, percent(total[1], total[0]), s["helpers_with_pairings"], six["due"], six["done"],
             six["overdue"], six["pending"], sum(s["oversight_gaps"].values())]
    rest = remainder(rows, whole, OUTSIDE_TOWNSHIPS, skip=[4])
    rows += [rest, whole] if rest else [whole]
    figures.update(pair_poor=total[0], pair_paired=total[1], pair_unpaired=total[2],
                   pair_rate=percent(total[1], total[0]), pair_helpers=s["helpers_with_pairings"],
                   six_due=six["due"], six_done=six["done"], six_overdue=six["overdue"], pair_judged=judged)
    cut = (f"{term}，结对关系按 {s['reference_date']} 判断，六个一按 {judged:%Y-%m-%d} 已有的记录判断"
           "（规则同 fupin pair check：每对结对每学期计划、家访、实事、总结各一次，每月帮扶措施、帮扶活动各一次）")
    by_township = Table("结对帮扶", "结对帮扶：一生一责任人与六个一（按乡镇）",
                        ["乡镇", "建档立卡在籍", "已结对", "未结对", "结对率（%）", "帮扶责任人", "六个一应做", "已做",
                         "逾期", "未到期", "包保缺口"], rows,
                        notes=[cut, "帮扶责任人、六个一按责任人所在学校的乡镇计；县教育局等非学校单位的责任人和乡镇一级的包保缺口"
                                    f"计入“{OUTSIDE_TOWNSHIPS}”"],
                        formats={4: PERCENT_FORMAT})
    items = [[label, t["due"], t["done"], t["overdue"], t["pending"], percent(t["done"], t["due"])]
             for label, t in six["by_item"].items()]
    items.append(["合计", six["due"], six["done"], six["overdue"], six["pending"], percent(six["done"], six["due"])])
    by_item = Table("六个一", "结对帮扶：六个一完成情况（按项目）", ["项目", "应做", "已做", "逾期", "未到期", "完成率（%）"], items,
                    notes=[cut, f"状态：{'、'.join(six_ones.STATUS_LABELS.values())}"], formats={5: PERCENT_FORMAT})
    return [by_township, by_item]
