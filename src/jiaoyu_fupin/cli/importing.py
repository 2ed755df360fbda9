"""`fupin import`, `fupin template`: files in, blank templates out."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import EXIT_FINDINGS, err, out, styled
from jiaoyu_fupin.core.problems import ClerkError

KIND_HELP = "文件类型（写中文名或代码）：schools 学校名单、roll 学籍名册、away 县外就读、registry 国扶办数据、payments 发放名册、helpers 帮扶责任人、pairings 结对关系、activities 结对帮扶记录（六个一）、oversight 包保责任、population 户籍适龄儿童、dropouts 辍学台账、population_counts 户籍人口分年龄汇总、school_stats 教育事业统计；不写则按表头自动识别"
SHOWN_PROBLEMS = 20


def import_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="文件", help="要导入的文件（.xlsx、.xls、.csv），可一次给多个；多个文件作为一个整体导入")],
    kind: Annotated[str | None, typer.Option("--kind", help=KIND_HELP)] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="只读这个工作表（默认自动寻找含表头的工作表）")] = None,
    term: Annotated[str | None, typer.Option("--term", help="学期，如 2019秋；文件中没有“学期”列时必须给出")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验并报告将新增、变更多少行，不写入台账")] = False,
    replaces: Annotated[str | None, typer.Option(
        "--replaces", help="本文件是某个批次的更正（批次编号，或原文件名）：原批次的内容撤销，以本文件为准；"
                           "两者须是同一类文件、同一学期。同一学期的第二份名册不加此项则两份都记入，并提示其中多少行（人次）已在别的批次中发放")] = None,
    dated: Annotated[str | None, typer.Option(
        "--dated", help="数据日期：文件中的数据是哪天的情况，如 2019-10-20（当天 0 点）或 2019-10-20 07:00；"
                        "补录以前月份时写，按截至时间出的报表（--as-of、比上月）按它计入；须按日期从早到晚导入；默认现在")] = None,
    errors: Annotated[Path | None, typer.Option("--errors", help="有出错的行时把错误工作簿写到这里（默认：当前文件夹下的 导入错误_文件名.xlsx）；文件打不开、缺少列等不涉及具体行的问题只显示在屏幕上")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只在出错时输出")] = False,
) -> None:
    """导入文件：学籍、国扶办数据、发放名册、帮扶责任人、结对关系、户籍儿童、辍学台账等。

    文件类型按表头识别：表头须有这一类的全部必需列；差一列或分不清是哪一类时拒收，并说明缺哪一列、可以怎么写；
    用 --kind 指定时同样检查。有任何错误则整批不写入（退出码 1），有出错的行时生成错误工作簿；同一文件重复导入
    不会产生重复数据；文件里没有的列不会改动台账里原有的内容。
    """
    from jiaoyu_fupin.importers.columns import require_kind
    from jiaoyu_fupin.importers.engine import import_files, require_one_file

    kind = None if kind is None else require_kind(kind, "文件类型")
    term = None if term is None else str(common.term_arg(term))
    require_one_file(files, replaces)  # before the ledger is opened (and maybe created)
    moment = _dated(dated)
    ledger = common.open_ledger(ctx, create=True)
    with _progress(len(files), quiet) as step:
        result = import_files(ledger, files, kind=kind, sheet=sheet, term=term, dry_run=dry_run, dated=moment,
                              replaces=replaces, progress=step, policy=common.active_policy(ctx))
    if result.ok:
        if not quiet:
            _report(result)
        return
    _report_problems(ctx, ledger, result, errors)
    raise typer.Exit(EXIT_FINDINGS)


def _dated(value: str | None):
    from jiaoyu_fupin.store.asof import parse_dated

    return None if value is None else parse_dated(value)


class _progress:
    """A progress bar for a person at a terminal; nothing under cron, in a pipe or with --quiet."""

    def __init__(self, files: int, quiet: bool):
        self.enabled = common.interactive() and not quiet
        self.total = files * 2

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), TimeElapsedColumn(), console=err,
                            transient=True)
        self.bar.start()
        self.task = self.bar.add_task("导入", total=self.total)
        return self.step

    def step(self, description: str) -> None:
        self.bar.update(self.task, description=description, advance=1)

    def __exit__(self, *exc):
        if self.enabled:
            self.bar.stop()
        return False


def _report(result) -> None:
    from jiaoyu_fupin.core.idmask import mask_text
    from jiaoyu_fupin.importers.columns import KINDS

    if result.dry_run:
        out.print("试导入（--dry-run）：以下是将会发生的变化，台账没有任何改动。")
    for f in result.files:
        kind = KINDS[f.kind].title if f.kind else "?"
        where = f"工作表“{f.sheet}”，" if f.sheet else ""
        term = f"，学期 {f.term}" if f.term else ""
        line = (f"{f.path.name}（{where}第 {f.header_row} 行为表头）→ {kind}{term}：{f.rows:,} 行，"
                f"新增 {f.new:,}，变更 {f.changed:,}，未变 {f.unchanged:,}")
        if f.merged:
            line += f"，合并重复 {f.merged:,}"
        if f.batch_id:
            line += f"；批次 #{f.batch_id}"
        elif not result.dry_run:
            line += "；与台账已有内容相同，未产生新批次"
        out.print(line)
        # Headers and notes quote the file's own text, where an ID number may sit.
        if f.ignored_columns:
            out.print(mask_text(f"  未使用的列：{'、'.join(f.ignored_columns)}"))
        for note in f.notes:
            out.print(mask_text(f"  {note}"))


def _report_problems(ctx: typer.Context, ledger, result, errors: Path | None) -> None:
    from jiaoyu_fupin.core.problems import grouped
    from jiaoyu_fupin.importers.error_workbook import write_error_workbook

    problems = result.problems
    err.print(styled(("导入未完成", "bold red"), f"：发现 {len(problems):,} 个问题，本次没有写入任何数据。"))
    by_code = Counter(p.code for p in problems)
    err.print("问题分类：" + "；".join(f"{_CODE_TITLES.get(c, '其他问题')} {n:,} 个" for c, n in by_code.most_common()))
    groups = grouped(problems)
    for p, rows in groups[:SHOWN_PROBLEMS]:
        value = f"（值：{p.value}）" if p.value else ""
        where = p.location(rows)
        err.print(f"- {where + '：' if where else ''}{p.message}{value}")
        if p.hint:
            err.print(f"  处理办法：{p.hint}")
    sheets = result.error_sheets()
    if len(groups) > SHOWN_PROBLEMS:
        err.print(f"……另有 {len(groups) - SHOWN_PROBLEMS:,} 类问题" + ("，见错误工作簿。" if sheets else "。"))
    if not sheets:
        return
    first = next(f for f in result.files if f.problems)
    path = errors or Path.cwd() / f"导入错误_{first.path.stem}.xlsx"
    try:
        from jiaoyu_fupin.store.audit import people_in

        # The rows at fault are copied whole, ID numbers and all.
        common.record_export(ctx, ledger, people_in([list(sheet.rows.values()) for sheet in sheets]), path)
        write_error_workbook(path, sheets, result.moved_notes())
        err.print(f"错误工作簿：{path}（按其中的说明改正原文件后重新导入）")
    except OSError as exc:
        from jiaoyu_fupin.core.files import os_reason

        err.print(f"无法写入错误工作簿 {path}：{os_reason(exc)}。可用 --errors 指定别的位置。")
    except ClerkError as exc:  # its folder's parent is missing too (core.files.require_folder)
        err.print(f"无法写入错误工作簿：{exc.message}。可用 --errors 指定别的位置。")


_CODE_TITLES = {
    "column_missing": "缺少列", "value_missing": "必填项为空", "value_invalid": "无法识别的值",
    "id_missing": "身份证号为空", "id_excel_number": "身份证号被 Excel 存成数字", "id_excel_truncated": "身份证号被 Excel 截断",
    "id_length": "身份证号位数不对", "id_chars": "身份证号含非法字符", "id_region": "身份证号地区码不对",
    "id_birth_date": "身份证号出生日期不对", "id_old_for_pupil": "学生填了 15 位旧身份证号", "id_checksum": "身份证号校验位不对", "duplicate_conflict": "同一人重复且内容不一致",
    "school_unknown": "学校不在名单中", "program_unknown": "资助项目不认识",
    "program_undecided": "资助项目通称无法按学籍确定", "replaces_refused": "无法按 --replaces 更正",
    "registered_conflict": "是否建档立卡前后矛盾", "amount_invalid": "金额无法识别",
    "amount_not_positive": "金额不大于 0", "term_conflict": "学期与 --term 不一致", "grade_invalid": "年级与学段不符",
    "birth_date_conflict": "出生日期与身份证号不符", "student_unknown": "学生不在台账中", "helper_unknown": "帮扶责任人不在台账中",
    "file_unreadable": "文件无法读取", "file_empty": "文件为空", "header_missing": "找不到表头", "kind_unknown": "无法判断文件类型",
    "file_missing": "文件不存在", "file_format": "文件类型不支持", "csv_encoding": "编码无法识别", "sheet_missing": "工作表不存在",
    "study_place_in_county": "县内学生放错名单",
    "pairing_unknown": "责任人与学生没有结对关系", "activity_type_unknown": "帮扶类型无法识别",
    "level_unknown": "包保层级无法识别", "township_unknown": "乡镇不在学校名单中",
    "csv_malformed": "CSV 格式有误", "sheet_copied": "工作表重复", "name_invalid": "姓名不是姓名", "name_is_id": "姓名列填了身份证号", "formula_no_value": "公式没有计算结果", "year_unknown": "无法确定年份",
    "amount_too_large": "金额超过单笔上限", "cell_too_long": "单元格内容过长",
    "file_too_large": "文件范围过大", "school_code_taken": "学校标识码已属于另一所学校",
    "file_is_folder": "给的是文件夹", "kind_mismatch": "文件类型与 --kind 不符",
}


def template_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="模板类型", help="模板类型（中文名或代码）：schools、roll、away、registry、payments、helpers、pairings、activities、oversight、population、dropouts、population_counts、school_stats")],
    out_path: Annotated[Path, typer.Option("--out", help="模板保存到哪里，如 学籍模板.xlsx")],
) -> None:
    """生成某类文件的空白导入模板（含填写说明、下拉选项，身份证号列为文本格式）。"""
    from jiaoyu_fupin.importers.columns import KINDS, require_kind
    from jiaoyu_fupin.importers.template import program_names, write_template
    from jiaoyu_fupin.store.ledger import LedgerError, refuse_missing_file

    kind = require_kind(kind, "模板类型")
    choices = None
    if any(c.field == "program" for c in KINDS[kind].columns):
        policy = common.active_policy(ctx)
        try:  # the ledger's programs; before `fupin init` the policy's (no ledger is made for a template)
            refuse_missing_file(ctx.obj.get("db") if ctx.obj else None)
            ledger = common.open_ledger(ctx, migrate=False)
        except LedgerError:
            ledger = None
        if ledger is None or policy is not None:
            choices = {"program": program_names(policy=policy)}
        else:
            with ledger.engine.connect() as conn:
                choices = {"program": program_names(conn)}
    write_template(kind, out_path, choices)
    out.print(f"已生成{KINDS[kind].title}模板：{out_path}")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("template")(template_command)
