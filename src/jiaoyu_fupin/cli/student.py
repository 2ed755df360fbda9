"""`fupin student show`, `fupin student find`: one student's whole story, and finding a student by name."""

from __future__ import annotations

from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import EXIT_FINDINGS, out

app = typer.Typer(help="查学生：按身份证号看一名学生的全部记录，或按姓名查找学生。", no_args_is_help=True)

SECTION_ORDER = ("类别", "学籍", "资助", "核对", "结对", "六个一", "控辍")


@app.command("show")
def show_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="身份证号或学籍号", help="学生的身份证号或全国学籍号")],
    full: Annotated[bool, typer.Option("--full", help="显示完整身份证号、出生日期和学籍号（默认遮盖）")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（身份证号同样遮盖，除非加 --full）")] = False,
) -> None:
    """一名学生的全部记录：各学期学籍、家庭经济困难类别及来源、资助发放及名册、核对问题、结对和六个一、辍学案件。

    每一行都注明来自哪个文件、哪个工作表、第几行（或哪条命令）。
    """
    import json

    from jiaoyu_fupin.reports.story import story

    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        found = story(conn, key)
    if full:  # the full ID number leaves the ledger: recorded before it is shown
        common.record_export(ctx, ledger, 1)
    if as_json:
        typer.echo(json.dumps(found.as_json(full), ensure_ascii=False))
        return
    from jiaoyu_fupin.core.idmask import mask, mask_text

    shown = found.id_number if full else mask(found.id_number)
    extra = f"，出生日期 {found.birth_date}，学籍号 {found.student_number or '无'}" if full else ""
    out.print(f"{found.name if full else mask_text(found.name)}（{shown}，{found.sex or '性别不详'}{extra}）："
              + ("建档立卡学生" if found.registered else "非建档立卡学生"))
    for section in SECTION_ORDER:
        lines = [line for line in found.lines if line.section == section]
        if not lines:
            continue
        out.print(f"\n【{section}】")
        for line in lines:
            term = f"{line.term}  " if line.term else ""
            out.print(f"  {term}{line.text}\n      来源：{line.source.text()}")


@app.command("find")
def find_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="姓名", help="学生姓名（没有同名的则找姓名中含有它的）")],
    school: Annotated[str | None, typer.Option("--school", help="只看这所学校（学校名称或其中一段）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 数组（身份证号遮盖）")] = False,
) -> None:
    """按姓名查找学生：列出同名学生的遮盖身份证号、最近学期的学校和年级，以及来自哪个文件哪一行。"""
    import json

    from jiaoyu_fupin.reports.story import find

    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        found = find(conn, name, school)
    if as_json:
        typer.echo(json.dumps([m.as_json() for m in found], ensure_ascii=False))
        return
    if not found:
        common.fail(f"台账中没有姓名为“{name}”的学生" + (f"（学校：{school}）" if school else ""), EXIT_FINDINGS,
                    "请核对姓名；或去掉 --school")
    from rich.table import Table

    from jiaoyu_fupin.core.idnumber import mask

    table = Table("身份证号", "姓名", "性别", "学期", "学校", "年级", "班级", "来源", title=f"找到 {len(found)} 名学生")
    for m in found:
        table.add_row(mask(m.id_number), m.name, m.sex or "", m.term or "", m.school or "", m.grade, m.class_name or "",
                      m.source.text())
    common.print_table(table)
    out.print("看某一名学生的全部记录：fupin student show 身份证号")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="student")
