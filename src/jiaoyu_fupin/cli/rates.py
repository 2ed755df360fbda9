"""`fupin rates`: the work plan's indicators for a year, with their numerators, denominators and formulas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import out


def rates_command(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年份，如 2019：用 2019秋 学籍，年龄按 2019 年 8 月 31 日计算，巩固率看 2019 年夏的初中毕业生")],
    by: Annotated[str | None, typer.Option("--by", help="分组：乡镇（township，全部指标）；学校（school，只有辍学率）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象：{\"year\": …, \"rates\": [{indicator, name, numerator, denominator, value, target, met, formula, …}]}")] = False,
    out_path: Annotated[Path | None, typer.Option("--out", help="同时写出工作簿，如 四项指标_2019.xlsx")] = None,
    population: Annotated[str | None, typer.Option("--population", help="分母用哪份户籍人口：名单（list，逐人名单）、汇总表（counts，分年龄汇总表）；不写则有当年汇总表用汇总表，否则用名单")] = None,
) -> None:
    """计算学前三年毛入园率、小学和初中净入学率、九年义务教育巩固率、高中阶段毛入学率和义务教育辍学率。

    每项给出分子、分母、计算公式、目标和是否达标；百分数四舍五入保留两位小数。只有巩固率按定义封顶 100%，封顶时注明。
    """
    from jiaoyu_fupin.core.terms import require_year
    from jiaoyu_fupin.rates import compute_rates

    require_year(year)
    common.xlsx_arg(out_path, f"四项指标_{year}.xlsx")
    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        report = compute_rates(conn, year, by=by, population=population)
    if out_path is not None:
        from jiaoyu_fupin.rates.workbook import write_rates
        from jiaoyu_fupin.store.settings import sign_off

        signed = sign_off(ledger)
        common.write_file(out_path, lambda: write_rates(report, out_path, sign_off=signed))
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print(report)
    if out_path is not None:
        common.err.print(f"工作簿：{out_path}")


def _cell(rate) -> str:
    if rate.value is None:
        return "—"
    return f"{rate.value}%（{rate.numerator:,}/{rate.denominator:,}）"


def _print(report) -> None:
    from rich.table import Column, Table

    met = {True: "达标", False: Text("未达标", style="red"), None: "无法计算"}
    out.print(f"{report.year}年主要指标（人口数据：{report.population_title}；年龄按 {report.year} 年 8 月 31 日计）")
    table = Table("指标", Column("分子", justify="right"), Column("分母", justify="right"),
                  Column("数值", justify="right"), Column("目标", justify="right"), "是否达标")
    for r in report.rates:
        target = f"≤ {r.spec.target}%" if r.spec.at_most else f"≥ {r.spec.target}%"
        table.add_row(r.spec.name, "—" if r.numerator is None else f"{r.numerator:,}",
                      "—" if r.denominator is None else f"{r.denominator:,}",
                      "—" if r.value is None else f"{r.value}%", target, met[r.met])
    common.print_table(table)
    for r in report.rates:
        out.print(f"{r.spec.name} = {r.formula}")
        for note in r.all_notes():
            out.print(f"  · {note}")
    for note in report.notes:
        out.print(f"注意：{note}")
    if report.by:
        from jiaoyu_fupin.rates import GROUPINGS, INDICATORS

        keys = [k for k in INDICATORS if any(r.indicator == k for rates in report.groups.values() for r in rates)]
        grid = Table(GROUPINGS[report.by], *[INDICATORS[k].name for k in keys], title=f"按{GROUPINGS[report.by]}")
        for name, rates in report.groups.items():
            found = {r.indicator: r for r in rates}
            grid.add_row(name, *[_cell(found[k]) if k in found else "" for k in keys])
        common.print_table(grid)


def register(app: typer.Typer) -> None:
    app.command("rates")(rates_command)
