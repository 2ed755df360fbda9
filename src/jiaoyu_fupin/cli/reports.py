"""`fupin report monthly | summary`: the work is done in jiaoyu_fupin.reports; here only options and output.

Made for cron: no prompts, no colour or progress off a terminal, messages on stderr, files written whole or not at
all (temporary file, then renamed), exit 0 written / 1 refused by the data / 2 misuse.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import err, out

report_app = typer.Typer(
    help="月报和年终总结：按截至时间的台账生成可打印的工作簿（可放进 crontab 定时运行）。",
    no_args_is_help=True,
)

AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="数据截至时间，如 2019-11-20（当天结束时）或 2019-11-20 07:00：只用数据日期在这之前的批次和之前的记录，"
                    "过后重出同一报表得到同样的数字（SQLite 和 PostgreSQL 台账都可以）；默认现在")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="安静：除错误外什么都不显示（适合 crontab）")]
DetailsOption = Annotated[Path | None, typer.Option(
    "--details", help="同时在这个文件夹里写出明细工作簿：报表中每个人数、笔数、金额背后的学生或发放名单（身份证号隐去中间，"
                      "注明来源文件、工作表和行），并逐个核对与报表的数是否一致")]


def _details_folder(folder: Path | None) -> None:
    if folder is not None:
        common.folder_arg(folder, "明细工作簿")


def _as_of(value: str | None, quiet: bool) -> datetime | None:
    from jiaoyu_fupin.store.asof import parse_as_of

    if value is None:
        return None
    moment = parse_as_of(value)
    if moment > datetime.now() and not quiet:
        err.print(f"注意：截至时间 {moment:%Y-%m-%d %H:%M} 在现在之后，报表按现在的台账生成；此后再导入数据，重出的结果会不同")
    return moment


def _saved(path: Path, quiet: bool) -> None:
    if not quiet:
        err.print(f"已写入 {path}")


@report_app.command("monthly")
def monthly_command(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="月份，如 2019-11（2019-11 属于 2019秋 学期）")],
    out_dir: Annotated[Path, typer.Option("--out", help="工作簿放在哪个文件夹（默认当前文件夹），文件名为 月报_2019-11.xlsx")] = Path("."),
    school: Annotated[str | None, typer.Option("--school", help="只出这所学校的月报（学校名单中的名称），文件名带学校名")] = None,
    details: DetailsOption = None,
    as_of: AsOfOption = None,
    quiet: QuietOption = False,
) -> None:
    """月报：全县和各乡镇（或一所学校）的建档立卡在籍人数及比上月增减、本月资助发放、资助核对问题、辍学案件、结对帮扶和六个一。

    退出码：0 已写出；1 截至时间的台账中没有该月所属学期的学籍，未写出；2 用法错误；3 程序内部出错。
    """
    from jiaoyu_fupin.reports.period import Month
    from jiaoyu_fupin.store.asof import refuse_before

    chosen = Month.parse(month)
    cut = _as_of(as_of, quiet)
    refuse_before(cut, chosen.first_day, "该月")
    from jiaoyu_fupin.reports.monthly_sheets import file_name, require_out_folder, write_monthly

    require_out_folder(out_dir)
    _details_folder(details)
    ledger = common.open_ledger(ctx)
    from jiaoyu_fupin.reports import details_monthly
    from jiaoyu_fupin.reports.monthly import build_monthly
    from jiaoyu_fupin.store.settings import sign_off

    report = build_monthly(ledger, chosen, as_of=cut, school=school, details=details is not None)
    path = out_dir / file_name(report)
    signed = sign_off(ledger)
    common.write_file(path, lambda: write_monthly(report, path, sign_off=signed))
    written = common.write_file(details, lambda: details_monthly.write(report, details)) if details else None
    if not quiet:
        _print_monthly(report)
        if report.hint:
            err.print(f"注意：{report.hint}")
    _saved(path, quiet)
    if written is not None:
        _saved(written, quiet)


def _print_monthly(report) -> None:
    block = report.county or report.blocks[0]
    f = block.figures
    change = "" if f["new"] is None else f"（比上月新增 {f['new']:,}，减少 {f['removed']:,}）"
    out.print(f"{report.title}（{block.name}，数据截至 {report.as_of:%Y-%m-%d %H:%M}，{report.term}）")
    out.print(f"  建档立卡学生在籍 {f['poor']:,} 人{change}")
    out.print(f"  本月资助发放 {f['payments']:,} 笔，{f['amount']:,} 元；资助核对问题 {f['findings']:,} 条")
    out.print(f"  辍学案件：本月新立案 {f['opened']}，劝返复学 {f['returned']}，未销号 {f['open_cases']}")
    out.print(f"  结对帮扶：未结对 {f['unpaired']:,} 人；本月六个一逾期 {f['overdue_month']:,} 项")


@report_app.command("summary")
def summary_command(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年份，如 2019：该年的 春、秋 两个学期，年末的学籍")],
    out_path: Annotated[Path | None, typer.Option("--out", help="工作簿文件（.xlsx），默认当前文件夹下的 总结_2019.xlsx")] = None,
    narrative: Annotated[Path | None, typer.Option(
        "--narrative", help="同时写出总结正文初稿：.docx 为 Word 文档（仿宋正文，【】处黄色标出待补写），.md 为 Markdown；"
                            "数字全部取自台账")] = None,
    details: DetailsOption = None,
    as_of: AsOfOption = None,
    quiet: QuietOption = False,
) -> None:
    """年终总结的附表：基本情况、资助、控辍保学、结对帮扶、扶贫协作，含图表；可同时写出总结正文初稿。

    退出码：0 已写出；1 截至时间的台账中没有该年秋季学期的学籍，未写出；2 用法错误；3 程序内部出错。
    """
    from datetime import date

    from jiaoyu_fupin.core.terms import require_year
    from jiaoyu_fupin.store.asof import refuse_before

    require_year(year)
    path = out_path or Path(f"总结_{year}.xlsx")
    common.xlsx_arg(path, f"总结_{year}.xlsx")
    if narrative is not None:
        from jiaoyu_fupin.reports.narrative import require_narrative_path

        require_narrative_path(narrative, year)
    _details_folder(details)
    cut = _as_of(as_of, quiet)
    refuse_before(cut, date(year, 1, 1), "该年")
    ledger = common.open_ledger(ctx)
    from jiaoyu_fupin.reports import details_summary
    from jiaoyu_fupin.reports.narrative import write_narrative
    from jiaoyu_fupin.reports.summary import build_summary
    from jiaoyu_fupin.reports.summary_sheets import write_summary
    from jiaoyu_fupin.store.settings import sign_off

    summary = build_summary(ledger, year, as_of=cut, details=details is not None)
    signed = sign_off(ledger)
    common.write_file(path, lambda: write_summary(summary, path, sign_off=signed))
    if narrative is not None:
        common.write_file(narrative, lambda: write_narrative(summary, narrative))
    written = None
    if details is not None:
        written = common.write_file(details, lambda: details_summary.write(summary, details))
    if not quiet:
        for line in summary.console_lines():
            out.print(line)
    _saved(path, quiet)
    if narrative is not None:
        _saved(narrative, quiet)
    if written is not None:
        _saved(written, quiet)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
