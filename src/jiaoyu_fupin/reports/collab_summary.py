"""The year-end summary's 三（五）扶贫协作进展情况: its table and its two sentences, from the year's records.

The sentences follow the county's own wording (east–west: money and projects, donations to students, teachers sent,
experts and classes, staff shadow-trained; then each province-internal partner's help), every figure from the ledger.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection

from jiaoyu_fupin.checks.collab.progress import CollabError, progress
from jiaoyu_fupin.core.collab import EAST_WEST
from jiaoyu_fupin.reports.book import Table

ELSEWHERE = "不在台账中、需另行取数的还有：生源地信用助学贷款、营养改善计划、办学条件改善项目、教师招录和培训"
NO_RECORDS = "【台账中没有本年的扶贫协作记录（fupin import 导入协作记录后自动生成），请据实补写。】"


def wan(yuan: Decimal) -> Decimal:
    """元 → 万元 as the county writes it: 67500 → 6.75, 5270000 → 527 (no trailing zeros)."""
    value = (Decimal(yuan) / 10000).quantize(Decimal("0.0001"))
    return value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))


def about(n: int) -> str:
    """A head count as a summary writes it: 520 → 500余, 90 → 90, 500 → 500."""
    return f"{n // 100 * 100}余" if n > 100 and n % 100 else str(n)


def figures(conn: Connection, year: int, on: date) -> dict | None:
    try:
        p = progress(conn, year, on)
    except CollabError:
        return None
    recs = p.records
    ew = recs[recs["scope"] == EAST_WEST]

    def of(kind: str, frame: pd.DataFrame = ew) -> pd.DataFrame:
        return frame[frame["kind"] == kind]

    build, experts = of("援建项目"), of("专家培训")
    donated = build[build["funding"].map(lambda s: isinstance(s, str) and ("捐" in s or "社会" in s))]
    sessions = experts["plan_id"].dropna().nunique() + int(experts["plan_id"].isna().sum())
    partners = Counter(p.removesuffix("教育局") for p in ew["partner"].dropna())
    return {
        "partner": partners.most_common(1)[0][0] if partners else "东部协作方",
        "build_yuan": sum(build["amount"], Decimal(0)), "donated_yuan": sum(donated["amount"], Decimal(0)),
        "projects": len(build), "build_schools": int(build["school_name"].dropna().nunique()),
        "aid_yuan": sum(of("捐资助学")["amount"], Decimal(0)), "aid_times": int(of("捐资助学")["person_times"].sum()),
        "teachers": int(of("支教")["people"].sum() + of("挂职")["people"].sum()),
        "experts": int(experts["people"].sum()), "sessions": int(sessions), "classes": len(experts),
        "trained": int(experts["person_times"].sum()),
        "shadow_batches": len(of("跟岗培训")), "shadow_people": int(of("跟岗培训")["people"].sum()),
        "targets": p.targets, "province": recs[recs["scope"] != EAST_WEST], "records": len(recs),
    }


def east_west_sentence(f: dict, county: str) -> str:
    return (f"{f['partner']}投入建设资金{wan(f['build_yuan'])}万元（社会力量捐款{wan(f['donated_yuan'])}万元），"
            f"工程项目{f['projects']}个，惠及学校{f['build_schools']}所；社会力量捐助贫困学生{wan(f['aid_yuan'])}万元，"
            f"惠及{f['aid_times']}人次；派了{f['teachers']}名骨干教师到{county}挂职支教；派专家{f['experts']}人到{county}，"
            f"开办了{f['sessions']}期{f['classes']}个培训班，培训教师{about(f['trained'])}名；"
            f"县教育局选派专业技术人员赴{f['partner'].removeprefix('杭州市')}跟岗培训{f['shadow_batches']}期共"
            f"{f['shadow_people']}人。")


def _deed(r, county: str) -> str:
    note = r.note if isinstance(r.note, str) else ""
    school = r.school_name if isinstance(r.school_name, str) else f"{county}教育局"
    if r.kind == "援建项目":
        return f"为{school}援助了资金{wan(r.amount)}万元"
    if r.kind == "支教":
        return f"为{school}派遣了{r.people}名{note or '教师'}支教"
    if r.kind == "捐资助学":
        return f"给贫困生发放{note or '助学金'}{wan(r.amount)}万元"
    if r.kind == "捐物":
        return f"向{school}捐赠{note or '物资'}，价值{wan(r.amount)}万元"
    return f"{r.kind}{r.people or ''}人{note}"


def province_sentence(f: dict, county: str) -> str:
    by_partner: dict[str, list[str]] = {}
    for r in f["province"].itertuples():
        by_partner.setdefault(r.partner or "其他单位", []).append(_deed(r, county))
    return "；".join(f"{partner}{'，'.join(deeds)}" for partner, deeds in by_partner.items()) + "。" if by_partner else ""


def sentence(f: dict | None, county: str) -> str:
    if f is None or not f["records"]:
        return NO_RECORDS
    text = f"1.东西教育扶贫协作方面，{east_west_sentence(f, county)}"
    if province := province_sentence(f, county):
        text += f"\n\n2.“616工程”工作、省内区域协作方面，{province}"
    return text


def collaboration_table(conn: Connection, year: int, on: date, f: dict) -> Table:
    """三（五）: the year's figures beside each target; the narrative's sentence goes into f['collab_sentence']."""
    fig = figures(conn, year, on)
    county = f.get("county") or "本县"
    f["collab_sentence"] = sentence(fig, county)
    f["collab"] = {k: v for k, v in (fig or {}).items() if k != "province"}
    headers = ["项目", "本年完成", "计划或目标", "备注"]
    if fig is None:
        return Table("扶贫协作", "三（五）扶贫协作进展情况", headers, [],
                     notes=["台账中没有本年的扶贫协作计划和记录：请用 fupin import 导入后重新生成", ELSEWHERE])
    target = {t["item"]: t for t in fig["targets"]}

    def goal(item: str) -> str:
        t = target.get(item)
        return f"{t['target']}{t['unit']}（完成 {t['percent']}%）" if t else ""

    rows = [
        ["东部协作方派出支教、挂职教师（人）", fig["teachers"], goal("挂职干部") and f"挂职干部 {goal('挂职干部')}", ""],
        ["东部协作方派出专家讲学（人）", fig["experts"], "",
         f"{fig['sessions']}期{fig['classes']}个培训班，培训教师{fig['trained']}人次"],
        ["支教、挂职、讲学教师合计（人次）", fig["teachers"] + fig["experts"], goal("支教"), ""],
        ["赴东部跟岗培训（人）", fig["shadow_people"], goal("跟岗培训"), f"{fig['shadow_batches']}期"],
        ["援建资金（万元）", wan(fig["build_yuan"]), "", f"其中社会力量捐款{wan(fig['donated_yuan'])}万元"],
        ["援建项目（个）", fig["projects"], "", ""],
        ["受援学校（所）", fig["build_schools"], "", ""],
        ["社会力量捐助贫困学生（万元）", wan(fig["aid_yuan"]), "", ""],
        ["捐助惠及学生（人次）", fig["aid_times"], goal("资助学生"), ""],
    ]
    province = fig["province"]
    if len(province):
        rows.append(["省内协作：资金和物资（万元）", wan(sum(province["amount"], Decimal(0))), "",
                     "、".join(dict.fromkeys(province["partner"].dropna()))])
    return Table("扶贫协作", "三（五）扶贫协作进展情况", headers, rows,
                 notes=[f"东西部协作和省内协作记录截至 {on:%Y-%m-%d}（fupin collab progress --year {year} 有按计划项目、"
                        "股室和月份的明细）", "结对学校目标按有协作方来校支教记录的学校计", ELSEWHERE])
