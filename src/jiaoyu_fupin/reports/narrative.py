"""The year-end summary's text, first draft: templates/总结模板.md with every {placeholder} filled from the figures
the summary's tables were made of, so no number in the text is ever typed by hand. Written as Markdown or as a
Word document (narrative_docx)."""

from __future__ import annotations

import re
from pathlib import Path

from jiaoyu_fupin.core.files import write_atomic
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.resources import resource_dir
from jiaoyu_fupin.reports.summary import YearSummary
from jiaoyu_fupin.reports.summary_basic import NO_TYPE
from jiaoyu_fupin.reports.summary_control import OTHER_AID

TEMPLATE = "总结模板.md"
_STAGE_WORDS = (("中职", "名中职生"), ("普通高中", "名高中生"), ("初中", "名初中生"), ("小学", "名小学生"),
                ("学前", "名幼儿"), ("特殊教育", "名特殊学校学生"))
_SCHOOL_KEYS = {"schools_vocational": "中职", "schools_senior": "普通高中", "schools_junior": "初中",
                "schools_primary": "小学", "schools_preschool": "学前", "schools_special": "特殊教育"}


class NarrativeError(ValueError):
    """The template asks for a figure the summary does not have."""


def _n(value) -> str:
    """Numbers as the county writes them in prose: 63406, 2644.2375 (no thousands separators)."""
    return "—" if value is None else str(value)


def _rate(rate) -> str:
    if rate.value is None:
        return f"{rate.spec.name}无法计算"
    sign = "≤" if rate.spec.at_most else "≥"
    verdict = {True: "达到", False: "未达到"}[rate.met]
    return f"{rate.spec.name}为{rate.value}%（{verdict}{sign}{rate.spec.target}%的目标）"


def _reach(f: dict) -> str:
    """Whom the year's aid reached, counted as it says: 贫困家庭学生 are students with a hardship category (the
    standards' students); payments to people on no roll or with no category are said apart, not counted in."""
    terms, people = f.get("aid_terms", 0), f.get("aid_students", 0)
    poor_terms, poor_people = f.get("aid_poor_terms", terms), f.get("aid_poor_students", people)
    if poor_terms == terms:
        return f"惠及贫困家庭学生{terms}人次（{people}人）"
    return (f"共{terms}人次（{people}人），其中贫困家庭学生{poor_terms}人次（{poor_people}人），另有"
            f"{terms - poor_terms}人次（{people - poor_people}人）发给名册外人员或没有家庭经济困难类别的学生（见逐人核对）")


def values(summary: YearSummary) -> dict[str, str]:
    f = summary.figures
    v = {key: _n(f.get(name)) for key, name in (
        ("year", "year"), ("schools_total", "schools_total"), ("schools_points", "schools_points"),
        ("schools_kindergarten_public", "schools_kindergarten_public"), ("students_total", "students_total"),
        ("poor_in_county", "poor_in_county"), ("poor_in_county_other", "poor_in_county_other"),
        ("poor_home", "poor_home"), ("poor_prefecture", "poor_prefecture"), ("poor_outside", "poor_outside"),
        ("poor_in_county_home", "poor_in_county_home"), ("aid_wan", "aid_wan"), ("aid_terms", "aid_terms"),
        ("aid_students", "aid_students"))}
    v.update({key: _n(f.get(f"schools_{stage}", 0)) for key, stage in _SCHOOL_KEYS.items()})
    v["schools_other"] = "".join(f"，{n}所{'类型未填的学校' if kind == NO_TYPE else kind}"
                                 for kind, n in f.get("schools_other", []))
    v["county"] = summary.county
    v["as_of"] = f"{summary.as_of:%Y-%m-%d %H:%M}"
    v["teachers_sentence"] = (f"现有教职工{f['teachers']}人（帮扶责任人名单中本县学校的人员，【请按人事部门的在编教师数核实】），"
                              if f.get("teachers") else "【台账中没有教师名单，请补写在编教师人数。】")
    v["students_sentence"] = "，".join(f"{_n(f['students'].get(stage, 0))}{word}" for stage, word in _STAGE_WORDS)
    # The programs the summary names apart (免学费, 新生路费 …) are told once, in their own sentence, not again here.
    apart = {code for _, code, _ in OTHER_AID if code}
    codes = f.get("aid_program_codes", {})
    programs = {name: row for name, row in f.get("aid_programs", {}).items() if codes.get(name) not in apart}
    v["aid_reach_sentence"] = _reach(f)
    v["aid_programs_sentence"] = "；".join(f"{name}{wan}万元、{terms}人次" for name, (terms, wan) in programs.items()) \
        or ("各项目见下" if f.get("aid_programs") else "台账中本年没有发放记录")
    other = [row for name, row in f.get("other_aid", {}).items() if row[3] is not None]
    v["other_aid_sentence"] = "".join(f"{row[0]}{row[3]}万元，惠及{row[1]}人次。" for row in other)
    coverage = f.get("coverage", {})
    v["coverage_sentence"] = "；".join(
        f"{term}按资助标准逐人核对，漏发{c['missing']}人次、重复发放{c['duplicate']}人次、错助{c['ineligible']}人次、"
        f"金额与标准不符{c['amount_mismatch']}笔、发给非在校学生{c['not_enrolled']}笔、名册外人员{c['unknown_student']}笔"
        for term, c in coverage.items()) + "。【请写明问题的整改情况。】" if coverage else "【台账中没有学籍，无法核对。】"
    rates = f.get("rates", {})
    v["rates_sentence"] = ("，".join(_rate(r) for r in rates.values()) + "。") if rates else "【台账中缺少户籍人口数据，主要指标无法计算。】"
    v["cases_sentence"] = (f"{f['year']}年共排查立案失学辍学案件{f['cases_opened']}件，劝返复学{f['cases_returned']}件，"
                           f"送教上门{f['cases_home_schooled']}件，截至出稿时仍有{f['cases_open']}件未销号。")
    v["pair_sentence"] = (f"{f['autumn']}在籍的{f['pair_poor']}名建档立卡学生中，{f['pair_paired']}人已落实帮扶责任人"
                          f"（结对率{_n(f['pair_rate'])}%），{f['pair_unpaired']}人尚未结对；{f['pair_helpers']}名责任人"
                          f"截至{f['pair_judged']:%Y年%m月%d日}应做六个一{f['six_due']}项，已做{f['six_done']}项，"
                          f"逾期{f['six_overdue']}项。")
    v["collab_sentence"] = f.get("collab_sentence", "")
    return v


def render(summary: YearSummary, template: str | None = None) -> str:
    text = template if template is not None else (resource_dir("templates") / TEMPLATE).read_text(encoding="utf-8")
    filled = values(summary)
    unknown = sorted(set(re.findall(r"\{(\w+)\}", text)) - set(filled))
    if unknown:
        raise NarrativeError(f"模板中有台账给不出的占位符：{'、'.join(unknown)}")
    return text.format_map(filled)


FORMATS = (".md", ".docx")  # Markdown, Word


def require_narrative_path(path: Path, year: int) -> None:
    """--narrative is a .docx or .md file in a folder that exists, not a folder: refused before the workbook is
    written (found only after, it left one of the pair behind)."""
    from jiaoyu_fupin.core.files import require_folder

    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ClerkError(f"正文初稿“{path}”须以 .docx（Word 文档）或 .md（Markdown）结尾", f"例如 --narrative 总结_{year}.docx")
    require_folder(path.parent, f"正文初稿“{path}”")
    if path.is_dir():
        raise ClerkError(f"正文初稿“{path}”是一个已有的文件夹", f"请写文件名，例如 --narrative 总结_{year}.md")


def write_narrative(summary: YearSummary, path: Path) -> Path:
    """Markdown (.md) or Word (.docx), by the file's suffix; written whole or not at all (a temporary file beside
    it, then renamed)."""
    text = render(summary)
    if Path(path).suffix.lower() == FORMATS[1]:
        from jiaoyu_fupin.reports.narrative_docx import write_docx

        return write_docx(text, Path(path))
    return write_atomic(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
