"""`fupin task`: the task board (挂图作战、动态销号) over the imported task lists."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import EXIT_FINDINGS, EXIT_OK, out

app = typer.Typer(
    help="挂图作战、动态销号：导入的局机关任务清单（附件1）和学校任务清单（附件2），按时间节点销号，逾期一目了然。\n\n"
         "任务清单用 fupin import 导入（类型 tasks、school_tasks）。退出码：list --overdue 有逾期为 1；"
         "done 台账核对不通过为 1；用法错误为 2；程序内部出错为 3。",
    no_args_is_help=True,
)

AS_OF_HELP = "按哪一天看（默认今天）：这天之后的销号不计，完成时限早于这天仍未销号的为逾期"
SCHOOL_HELP = "学校名称：学校任务清单（附件2）的任务须指明学校"


def _as_of(text: str | None) -> date:
    return common.day_arg(text, "日期") or date.today()


@app.command("list")
def list_command(
    ctx: typer.Context,
    office: Annotated[str | None, typer.Option("--office", help="只看这个股室牵头或配合的任务，如 教育股")] = None,
    school: Annotated[str | None, typer.Option("--school", help="只看这所学校的学校任务（附件2）")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期的任务；有逾期时退出码为 1")] = False,
    due_within: Annotated[int | None, typer.Option("--due-within", help="只看 N 天内到期、尚未销号的任务", min=0)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 数组，每项一个任务（学校任务每校一项）")] = False,
) -> None:
    """列出任务及其状态：已完成、未完成、逾期。不指定 --school 时只列局机关任务。"""
    from jiaoyu_fupin.checks.tasks.board import OVERDUE, board, select_rows

    day = _as_of(as_of)
    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        rows = board(conn, day, school=school, scope="school" if school else "bureau")
    if not rows and not as_json:
        out.print("台账中还没有任务清单：请先用 fupin import 导入局机关任务清单（附件1）或学校任务清单（附件2）")
        return
    if school and rows:
        school = rows[0].school  # as the ledger spells it
    rows = select_rows(rows, office=office, overdue=overdue, due_within=due_within, as_of=day)
    if as_json:
        typer.echo(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
    else:
        _print_rows(rows, day, school)
    raise typer.Exit(EXIT_FINDINGS if overdue and any(r.state == OVERDUE for r in rows) else EXIT_OK)


def _print_rows(rows, day: date, school: str | None) -> None:
    from rich.table import Table

    from jiaoyu_fupin.checks.tasks.board import DONE, OVERDUE
    from jiaoyu_fupin.core.tasks import CHECKS

    if not rows:
        out.print(f"截至 {day:%Y-%m-%d} 没有符合条件的任务。")
        return
    title = (f"{school}的任务" if school else "局机关任务") + (
        f"（截至 {day:%Y-%m-%d}：{len(rows)} 项，已完成 {sum(r.state == DONE for r in rows)}，"
        f"逾期 {sum(r.state == OVERDUE for r in rows)}）")
    table = Table("编号", "一级指标", "工作任务", "牵头股室", "配合股室", "完成时限", "状态", "销号日期", "台账核对",
                  title=title)
    for r in rows:
        state = Text(r.state, style="red") if r.state == OVERDUE else r.state
        table.add_row(str(r.number), r.area, r.content if len(r.content) <= 40 else r.content[:39] + "…",
                      r.lead_office or "", r.supporting_offices or "", r.deadline.isoformat() if r.deadline else "",
                      state, r.done_on.isoformat() if r.done_on else "",
                      CHECKS[r.check_name].title if r.check_name in CHECKS else "")
    common.print_table(table)


@app.command("done")
def done_command(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="任务编号", help="任务编号（fupin task list 第一列）")],
    on: Annotated[str, typer.Option("--date", help="完成（销号）日期，如 2019-11-20")],
    evidence: Annotated[str, typer.Option("--evidence", help="完成的依据：文件、记录、核对结果等")],
    school: Annotated[str | None, typer.Option("--school", help=SCHOOL_HELP)] = None,
) -> None:
    """动态销号：记下任务已完成、日期和依据。关联了台账核对的任务，核对通过才能销号。"""
    from jiaoyu_fupin.checks.tasks.board import sign_off

    day = common.day_arg(on, "销号日期")
    ledger = common.open_ledger(ctx)
    with ledger.transaction() as conn:
        row = sign_off(conn, number, day, evidence, school=school)
    out.print(f"已销号：任务 {row.number}{'（' + row.school + '）' if row.school else ''}，{row.done_on:%Y-%m-%d}；"
              f"依据：{row.evidence}")


@app.command("reopen")
def reopen_command(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="任务编号", help="任务编号（fupin task list 第一列）")],
    reason: Annotated[str, typer.Option("--reason", help="重新打开的原因")],
    on: Annotated[str | None, typer.Option("--date", help="重新打开的日期（默认今天）")] = None,
    school: Annotated[str | None, typer.Option("--school", help=SCHOOL_HELP)] = None,
) -> None:
    """重新打开已销号的任务：销号记录保留，另记一条带日期和原因的重新打开。"""
    from jiaoyu_fupin.checks.tasks.board import reopen

    day = _as_of(on)
    ledger = common.open_ledger(ctx)
    with ledger.transaction() as conn:
        row = reopen(conn, number, day, reason, school=school)
    out.print(f"已重新打开：任务 {row.number}{'（' + row.school + '）' if row.school else ''}，{day:%Y-%m-%d}；"
              f"原因：{reason.strip()}；现状：{row.state}")


@app.command("tie")
def tie_command(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="任务编号", help="任务编号")],
    check: Annotated[str, typer.Option("--check", help="台账核对：subsidy（资助应助尽助）、pairing（一生一责任人）；none 解除")],
) -> None:
    """把任务和台账核对关联起来：核对通过（台账认可）才能销号。"""
    from jiaoyu_fupin.checks.tasks.board import tie

    ledger = common.open_ledger(ctx)
    with ledger.transaction() as conn:
        tie(conn, number, check)
    out.print(f"任务 {number}：{'已解除台账核对' if check == 'none' else '已关联台账核对 ' + check}")


@app.command("board")
def board_command(
    ctx: typer.Context,
    out_path: Annotated[Path, typer.Option("--out", help="挂图工作簿（.xlsx），如 挂图_2019-11.xlsx")],
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
) -> None:
    """挂图作战：按股室、按一级指标的完成情况（进度条，逾期标红），任务清单和学校任务完成情况，可直接打印。"""
    from jiaoyu_fupin.checks.tasks.board import OVERDUE, board
    from jiaoyu_fupin.checks.tasks.workbook import write_board

    common.xlsx_arg(out_path, "挂图_2019-11.xlsx")
    day = _as_of(as_of)
    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        rows = board(conn, day)
    common.write_file(out_path, lambda: write_board(out_path, rows, day))
    bureau = [r for r in rows if r.scope == "bureau"]
    out.print(f"已写出挂图：{out_path}（局机关任务 {len(bureau)} 项，逾期 {sum(r.state == OVERDUE for r in bureau)} 项；"
              f"学校任务 {len(rows) - len(bureau)} 项次）")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="task")
