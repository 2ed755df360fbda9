"""`fupin subsidy standards | check | notice`: the work is done in jiaoyu_fupin.checks.subsidy; here only options and output."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import EXIT_FINDINGS, err, out, styled

subsidy_app = typer.Typer(
    help="学生资助：查看资助标准，逐人核对一个学期的发放（应助尽助、不落一人），生成公示名单。",
    no_args_is_help=True,
)
SHOWN = 20  # findings of each kind printed on screen; the workbook and --json carry all of them

TermOption = Annotated[str, typer.Option("--term", help="学期，如 2019秋、2019年秋季学期、2019-2020学年第一学期")]
SchoolOption = Annotated[str | None, typer.Option("--school", help="只看这所学校（学校名单中的名称，空格、全角半角不计）")]
TownshipOption = Annotated[str | None, typer.Option("--township", help="只看这个乡镇的学校")]


@subsidy_app.command("standards")
def standards_command(
    ctx: typer.Context,
    term: Annotated[str | None, typer.Option("--term", help="只列这个学期适用的标准，如 2019秋")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """列出台账中的资助标准（按项目、学段、困难类别、寄宿、年级和适用学期）。"""
    from rich.table import Table

    from jiaoyu_fupin.checks.subsidy.standards import in_force

    chosen = common.term_arg(term)
    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        found = in_force(conn, chosen)
    if as_json:
        typer.echo(json.dumps({"term": str(chosen) if chosen else None, "standards": [s.as_json() for s in found]},
                              ensure_ascii=False))
        return
    per = {"term": "每学期", "year": "每年", "once": "一次性"}
    table = Table(title=f"资助标准（{chosen}适用）" if chosen else "资助标准（全部）")
    for header in ("资助项目", "学段", "年级", "寄宿", "就读地", "学校", "对象", "金额（元）", "发放", "适用学期", "来源"):
        table.add_column(header, justify="right" if header == "金额（元）" else "left")
    for s in found:
        table.add_row(s.program, s.stage, "、".join(map(str, s.grades)) or "全部",
                      {True: "住校", False: "走读"}.get(s.boarding, "不限"), s.place or "不限", s.school or "不限", s.who,
                      f"{s.amount:,}", per[s.per], f"{s.term_from}起" + (f"至{s.term_to}" if s.term_to else ""),
                      s.source)
    out.print(table if found else "没有适用的资助标准。")


@subsidy_app.command("check")
def check_command(
    ctx: typer.Context,
    term: TermOption,
    school: SchoolOption = None,
    township: TownshipOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出全部结果（含完整身份证号，仅供内部核对）")] = False,
    out_path: Annotated[Path | None, typer.Option("--out", help="把汇总和全部问题写入 Excel 工作簿")] = None,
) -> None:
    """逐人核对一个学期的资助发放：漏发、重复、错助、金额不符、非在校、名册外人员，并列出县外就读学生供发函。

    退出码：0 没有问题；1 发现问题（仅有县外就读名单不算问题）；2 用法错误；3 程序内部出错。
    """
    from jiaoyu_fupin.checks.subsidy.coverage import check
    from jiaoyu_fupin.checks.subsidy.scope import Scope

    chosen = common.term_arg(term)
    if out_path is not None:
        common.xlsx_arg(out_path, "资助核对_2019秋.xlsx")
    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        report = check(conn, chosen, Scope(school=school, township=township))
    if as_json or out_path is not None:
        from jiaoyu_fupin.store.audit import people_in

        people = people_in(report.as_json())
        for output in [None] * as_json + [out_path] * (out_path is not None):
            common.record_export(ctx, ledger, people, output)
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_report(report)
    if out_path is not None:
        from jiaoyu_fupin.checks.subsidy.workbook import write_check_workbook

        common.write_file(out_path, lambda: write_check_workbook(report, out_path, ledger_name=ledger.display_name))
        err.print(f"已写入 {out_path}")
    if report.findings:
        raise typer.Exit(EXIT_FINDINGS)


def _print_report(report) -> None:
    from rich.table import Table

    from jiaoyu_fupin.checks.subsidy.model import KIND_TITLES, KINDS, yuan
    from jiaoyu_fupin.core.idnumber import mask

    out.print(styled((f"{report.term} 学生资助核对（{report.scope.label}）", "bold"),
                     f"：应助学生 {report.entitled_students} 人，"
                     f"应助 {report.total('entitled')} 人次、{yuan(report.total('expected')):,} 元；"
                     f"实发 {report.total('paid_count')} 人次、{yuan(report.total('paid')):,} 元。"))
    programs = Table(title="按资助项目")
    for header in ("资助项目", "应助人次", "应发金额（元）", "实发笔数", "实发金额（元）", "问题"):
        programs.add_column(header, justify="left" if header == "资助项目" else "right")
    for line in report.by_program:
        programs.add_row(line.key, f"{line.entitled:,}", f"{yuan(line.expected):,}", f"{line.paid_count:,}",
                         f"{yuan(line.paid):,}", str(line.findings))
    common.print_table(programs)
    troubled = [line for line in report.by_school if line.findings]
    if troubled:
        # "其余 2 所" alone read as if the county had 7 schools: the rest counted are those with aid due or paid.
        rest = len(report.by_school) - len(troubled)
        schools = Table(title=f"有问题的学校（{len(troubled)} 所；其余有应助学生或发放的 {rest} 所没有问题）")
        for header in ("乡镇", "学校", "应助学生", "应发金额（元）", "实发笔数", "实发金额（元）", "问题"):
            schools.add_column(header, justify="left" if header in ("乡镇", "学校") else "right")
        for line in troubled:
            schools.add_row(line.township or "", line.key, f"{line.entitled:,}", f"{yuan(line.expected):,}",
                            f"{line.paid_count:,}", f"{yuan(line.paid):,}", str(line.findings))
        common.print_table(schools)
    counts = report.counts()
    for kind in KINDS:
        found = [f for f in report.findings if f.kind == kind]
        if not found:
            continue
        table = Table(title=f"{KIND_TITLES[kind]}：{counts[kind]} 条" + ("" if len(found) <= SHOWN else
                                                                          f"（显示前 {SHOWN} 条，全部见 --out 或 --json）"))
        for header in ("身份证号", "姓名", "学校", "资助项目", "标准", "实发", "说明"):
            table.add_column(header)
        for f in found[:SHOWN]:
            table.add_row(mask(f.id_number), f.name, f.school or "", f.program or "", f.expected or "",
                          f.paid or "", f.detail)
        common.print_table(table)
    if report.boarding_unknown:
        out.print(f"注意：{report.boarding_unknown} 名义务教育在校学生学籍中“就读方式”为空，无法判断生活补助，请补填后重新导入。")
    if report.out_of_county:
        places: dict[str, int] = {}
        for a in report.out_of_county:
            places[a.place] = places.get(a.place, 0) + 1
        out.print(f"县外就读建档立卡学生 {len(report.out_of_county)} 人（由就读地资助，需发函）："
                  + "，".join(f"{place} {n} 人" for place, n in sorted(places.items(), key=lambda x: -x[1])))
    if not report.findings:
        out.print(Text("没有发现问题：应助学生均已按标准发放，且没有重复、错助或名册外发放。", style="green"))
    else:
        out.print("问题合计：" + "，".join(f"{KIND_TITLES[k]} {counts[k]}" for k in KINDS if counts[k]))


@subsidy_app.command("notice")
def notice_command(
    ctx: typer.Context,
    term: TermOption,
    out_path: Annotated[Path, typer.Option("--out", help="公示名单工作簿（.xlsx），每所学校一个工作表")],
    school: SchoolOption = None,
    township: TownshipOption = None,
    with_amount: Annotated[bool, typer.Option("--with-amount", help="公示资助金额（默认不公示金额）")] = False,
    paid: Annotated[bool, typer.Option("--paid", help="公示本学期已发放的学生（默认公示按标准应资助的学生）")] = False,
    start: Annotated[str | None, typer.Option("--start", help="公示开始日期，如 2019-11-04（默认今天）")] = None,
    days: Annotated[int, typer.Option("--days", help="公示期（工作日），不少于 5")] = 5,
    contact: Annotated[str | None, typer.Option("--contact", help="受理异议的部门和办公电话，印在名单下方")] = None,
) -> None:
    """生成公示名单：只有姓名、学校、年级、班级、资助项目（可选金额），绝不含身份证号、出生日期、住址、电话、银行卡和家庭困难情况。"""
    from jiaoyu_fupin.checks.subsidy.notice import left_out_line, notice, require_posting_days, write_notice
    from jiaoyu_fupin.checks.subsidy.scope import Scope

    chosen = common.term_arg(term)
    common.xlsx_arg(out_path, "资助公示_2019秋.xlsx")
    require_posting_days(days)
    first = common.day_arg(start, "公示开始日期") or date.today()
    ledger = common.open_ledger(ctx)
    scope = Scope(school=school, township=township)
    with ledger.engine.connect() as conn:
        found = notice(conn, chosen, scope, paid=paid)
    rows = found.rows
    common.write_file(out_path, lambda: write_notice(rows, chosen, out_path, start=first, working_days=days,
                                                     with_amount=with_amount, paid=paid, contact=contact))
    schools = len({r.school for r in rows})
    out.print(f"已写入公示名单 {out_path}：{schools} 所学校，{len(rows)} 人次。")
    if found.left_out:
        out.print(left_out_line(found.left_out, chosen))


def register(app: typer.Typer) -> None:
    app.add_typer(subsidy_app, name="subsidy")
