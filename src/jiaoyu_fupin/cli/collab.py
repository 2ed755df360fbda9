"""`fupin collab`: east–west collaboration, plan against actual."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import out

app = typer.Typer(
    help="东西部扶贫协作和省内协作：计划（跟岗培训、专家培训）、年度目标与实际开展情况的对照。\n\n"
         "计划、目标、记录用 fupin import 导入（类型 collab_plan、collab_targets、collab_record）。",
    no_args_is_help=True,
)


@app.command("progress")
def progress_command(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年度，如 2019")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="按哪一天判断计划是否逾期（默认今天）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象：plans、by_kind、by_office、by_month、targets、overdue")] = False,
    out_path: Annotated[Path | None, typer.Option("--out", help="另存为 Excel 工作簿（.xlsx），可直接打印")] = None,
) -> None:
    """计划对照实际：按计划项目、按类型、按责任股室、按月份；列出逾期未开展的计划项目和各项年度目标的完成情况。"""
    from jiaoyu_fupin.checks.collab.progress import progress
    from jiaoyu_fupin.checks.collab.workbook import write_progress

    common.xlsx_arg(out_path, "扶贫协作_2019.xlsx")
    day = common.day_arg(as_of, "日期") or date.today()
    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        result = progress(conn, year, day)
    if out_path is not None:
        common.write_file(out_path, lambda: write_progress(out_path, result))
    if as_json:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    _print(result)
    if out_path is not None:
        out.print(f"已写出：{out_path}")


def _print(p) -> None:
    from rich.table import Table

    out.print(f"{p.year}年扶贫协作计划执行情况（截至 {p.as_of:%Y-%m-%d}）")
    if p.targets:
        table = Table("目标项目", "年度目标", "已完成", "完成率（%）", "", title="年度目标")
        for t in p.targets:
            table.add_row(t["item"], f"{t['target']} {t['unit']}", f"{t['actual']} {t['unit']}", str(t["percent"]),
                          "达到" if t["met"] else Text("未达到", style="red"))
        common.print_table(table)
    table = Table("类别", "对象或项目", "责任股室", "计划时间", "计划人数", "已开展", "实际人数", "状态", title="计划项目")
    for pl in p.plans:
        status = Text(pl.status, style="red") if pl.status == "逾期未开展" else pl.status
        table.add_row(pl.kind, pl.project, "、".join(pl.offices), pl.period or "", pl.planned_people, str(pl.records),
                      str(pl.people), status)
    common.print_table(table)
    table = Table("协作类别", "类型", "记录", "人数", "受益人次", "金额（元）", title="按类型")
    for r in p.by_kind:
        table.add_row(r["scope"], r["kind"], str(r["records"]), str(r["people"]), str(r["person_times"]), f"{r['amount']:,}")
    common.print_table(table)
    table = Table("责任股室", "计划项目", "已开展", "逾期未开展", "未到期", "实际人数", title="按责任股室")
    for o in p.by_office:
        table.add_row(o["office"], str(o["plans"]), str(o["done"]), str(o["overdue"]), str(o["pending"]), str(o["people"]))
    common.print_table(table)
    table = Table("月份", "计划项目", "记录", "人数", "受益人次", "金额（元）", title="按月份")
    for m in p.by_month:
        if m["planned"] or m["records"]:
            table.add_row(f"{m['month']}月", str(m["planned"]), str(m["records"]), str(m["people"]),
                          str(m["person_times"]), f"{m['amount']:,}")
    common.print_table(table)
    if p.overdue:
        out.print("逾期未开展的计划项目：" + "；".join(f"{pl.project}（{pl.period}）" for pl in p.overdue))


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="collab")
