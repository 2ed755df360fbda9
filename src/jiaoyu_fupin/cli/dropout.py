"""`fupin dropout`: the out-of-school scan and the cases it opens (控辍保学)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import EXIT_FINDINGS, EXIT_OK, err, out

app = typer.Typer(
    help="控辍保学：比对找出义务教育适龄儿童中的失学辍学（疑似）儿童，记录劝返，销号和重新立案。\n\n"
         "退出码：scan 有未销号案件为 1、没有为 0；用法错误为 2；程序内部出错为 3。",
    no_args_is_help=True,
)

OUTCOME_HELP = ("结案方式：劝返复学（须 --school）、送教上门（须 --teacher）、缓学免学、已迁出、非失学辍学；"
                "也可写代码 returned、home_schooled、exempted、moved、not_a_case")
CASE_HELP = "案件编号（fupin dropout list 第一列），或儿童的身份证号"


@app.command("scan")
def scan_command(
    ctx: typer.Context,
    term: Annotated[str, typer.Option("--term", help="学期，如 2019秋：用该学期的学籍和县外就读名单比对")],
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象：term、summary 和比对后全部未销号案件 cases（含完整身份证号，供程序使用）")] = False,
    on: Annotated[str | None, typer.Option("--date", help="新案件的立案日期（默认今天；补录以前的比对时用）")] = None,
) -> None:
    """比对户籍适龄儿童、国扶办数据与学籍：6–15 周岁（按学年 8 月 31 日计）不在学籍、不在县外就读名单、未送教上门也未缓学免学的儿童立为疑似失学辍学案件；学籍状态为辍学的也立案。

    可反复运行：已有未销号案件的儿童不会重复立案。有未销号案件时退出码为 1。
    """
    from jiaoyu_fupin.checks.dropout import scan

    parsed = common.term_arg(term)
    day = common.day_arg(on) or date.today()
    ledger = common.open_ledger(ctx)
    with ledger.transaction() as conn:
        result = scan(conn, parsed, today=day)
    if as_json:
        from jiaoyu_fupin.store.audit import people_in

        doc = result.as_json()
        common.record_export(ctx, ledger, people_in(doc))
        typer.echo(json.dumps(doc, ensure_ascii=False))
    else:
        _print_scan(result)
    raise typer.Exit(EXIT_FINDINGS if result.cases else EXIT_OK)


def _print_scan(result) -> None:
    out.print(f"{result.term} 控辍保学比对：6–15 周岁（{result.born_from:%Y-%m-%d} 至 {result.born_to:%Y-%m-%d} 出生）"
              f"儿童 {result.children:,} 人（其中仅见于国扶办数据 {result.registry_only:,} 人）")
    out.print(f"  在县内学籍 {result.on_roll:,}；县外就读 {result.away:,}；送教上门 {result.home_schooled:,}；"
              f"缓学免学 {result.exempted:,}；本学期已销号 {result.settled:,}")
    out.print(f"  疑似失学辍学 {len(result.suspects):,} 人；学籍状态为辍学 {len(result.roll_dropouts):,} 人；"
              f"本次新立案 {len(result.new_cases):,} 件")
    for note in result.notes:
        err.print(f"注意：{note}")
    if not result.cases:
        out.print("没有未销号的案件。")
        return
    _print_cases(result.cases, f"未销号案件 {len(result.cases):,} 件（建档立卡儿童在前；“新”为本次新立案）")


def _print_cases(cases, title: str) -> None:
    from rich.table import Table

    from jiaoyu_fupin.checks.dropout.cases import OUTCOMES, STATUS_NAMES
    from jiaoyu_fupin.checks.dropout.timeline import situation
    from jiaoyu_fupin.core.idnumber import mask

    table = Table("案件", "姓名", "身份证号", "乡镇", "村", "年龄", "建档立卡", "情况", "劝返", "最近劝返", "学籍",
                  "状态", title=title)
    for c in cases:
        status = STATUS_NAMES.get(c.status, c.status)
        if c.closed_as:
            status += f"（{OUTCOMES.get(c.closed_as, c.closed_as)}）"
        table.add_row(
            f"{c.case}{' 新' if c.new else ''}", c.name, mask(c.id_number), c.township or "", c.village or "",
            "" if c.age is None else str(c.age), "是" if c.registered_poor else "", situation(c), str(c.visits), c.last_visit.isoformat() if c.last_visit else "", c.roll or "", status,
        )
    common.print_table(table)


@app.command("list")
def list_command(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="只列未销号的案件")] = False,
    township: Annotated[str | None, typer.Option("--township", help="只列这个乡镇的儿童（按户籍乡镇）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON：{\"cases\": [...]}（含完整身份证号，供程序使用）")] = False,
) -> None:
    """列出辍学案件：未销号的在前，建档立卡儿童在前；身份证号打码显示。"""
    from jiaoyu_fupin.checks.dropout import list_cases

    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        cases = list_cases(conn, open_only=open_only, township=township)
    if as_json:
        from jiaoyu_fupin.store.audit import people_in

        doc = {"cases": [c.as_json() for c in cases]}
        common.record_export(ctx, ledger, people_in(doc))
        typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    if not cases:
        out.print("没有符合条件的案件。")
        return
    still_open = sum(c.status == "open" for c in cases)
    _print_cases(cases, f"辍学案件 {len(cases):,} 件（未销号 {still_open:,} 件）")


@app.command("show")
def show_command(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(metavar="案件", help=CASE_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON：案件、经过（立案、销号、重新立案）和劝返记录")] = False,
) -> None:
    """显示一个案件的全部经过：立案、每次劝返、销号、重新立案，按日期排列。"""
    from jiaoyu_fupin.checks.dropout import case_history, find_case
    from jiaoyu_fupin.checks.dropout.timeline import timeline

    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        history = case_history(conn, find_case(conn, case))
    if as_json:
        from jiaoyu_fupin.store.audit import people_in

        doc = {"case": history.view.as_json(), "events": history.events, "visits": history.visits}
        common.record_export(ctx, ledger, people_in(doc))
        typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    _print_cases([history.view], f"案件 {history.view.case}")
    for day, line in timeline(history):
        out.print(f"{day or '日期不详'}  {line}")


def _on_case(ctx: typer.Context, case: str, act):
    """Find the case and act on it in one transaction; a refusal (CaseError) leaves the ledger as it was."""
    from jiaoyu_fupin.checks.dropout import find_case

    ledger = common.open_ledger(ctx)
    with ledger.transaction() as conn:
        number = find_case(conn, case)
        return number, act(conn, number)


@app.command("visit")
def visit_command(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(metavar="案件", help=CASE_HELP)],
    on: Annotated[str, typer.Option("--date", help="劝返日期，如 2019-11-05")],
    by: Annotated[str, typer.Option("--by", help="劝返人员姓名，多人用顿号分隔")],
    result: Annotated[str, typer.Option("--result", help="劝返就读情况记录")],
) -> None:
    """记录一次劝返（上门动员）。"""
    from jiaoyu_fupin.checks.dropout import record_visit

    day = common.day_arg(on)
    number, visits = _on_case(ctx, case, lambda conn, n: record_visit(conn, n, day, by, result))
    out.print(f"已记录案件 {number} 的劝返（{day.isoformat()}），共 {visits} 次。")


@app.command("close")
def close_command(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(metavar="案件", help=CASE_HELP)],
    outcome: Annotated[str, typer.Option("--as", help=OUTCOME_HELP)],
    reason: Annotated[str, typer.Option("--reason", help="销号理由，如 已返校并核实在校就读")],
    school: Annotated[str | None, typer.Option("--school", help="劝返复学的学校（--as 劝返复学 时必填）")] = None,
    teacher: Annotated[str | None, typer.Option("--teacher", help="送教上门的教师（--as 送教上门 时必填）")] = None,
    until: Annotated[str | None, typer.Option("--until", help="送教上门或缓学免学的有效期（最后一天）；不写则一直有效，直到重新立案")] = None,
    on: Annotated[str | None, typer.Option("--date", help="销号日期（默认今天）")] = None,
) -> None:
    """销号：写明结案方式和理由。劝返复学须写学校，送教上门须写送教教师；送教上门和缓学免学的儿童在有效期内不再被比对立案。"""
    from jiaoyu_fupin.checks.dropout import close_case
    from jiaoyu_fupin.checks.dropout.cases import OUTCOMES, outcome_code

    day = common.day_arg(on) or date.today()
    valid_until = common.day_arg(until, "有效期")
    number, notes = _on_case(ctx, case, lambda conn, n: close_case(
        conn, n, outcome, reason, day, school=school, teacher=teacher, until=valid_until))
    for note in notes:
        err.print(f"注意：{note}")
    out.print(f"案件 {number} 已销号（{OUTCOMES[outcome_code(outcome)]}，{day.isoformat()}）。")


@app.command("reopen")
def reopen_command(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(metavar="案件", help=CASE_HELP)],
    reason: Annotated[str, typer.Option("--reason", help="重新立案的理由，如 2020春开学未到校")],
    on: Annotated[str | None, typer.Option("--date", help="重新立案日期（默认今天）")] = None,
) -> None:
    """重新立案：已销号的案件重新打开；原来的销号记录保留在案件经过中。"""
    from jiaoyu_fupin.checks.dropout import reopen_case

    day = common.day_arg(on) or date.today()
    number, _ = _on_case(ctx, case, lambda conn, n: reopen_case(conn, n, reason, day))
    out.print(f"案件 {number} 已重新立案（{day.isoformat()}）。")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="dropout")
