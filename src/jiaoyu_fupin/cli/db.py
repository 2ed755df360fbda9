"""`fupin db backup|verify|restore` and `fupin audit`: the ledger kept safe, and who took children's data out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import EXIT_FINDINGS, err, out

app = typer.Typer(
    help="台账的备份、检查和恢复（SQLite 台账文件；PostgreSQL 请用 pg_dump / pg_restore）。\n\n"
         "退出码：verify 发现问题、restore 拒绝了备份文件为 1；用法错误为 2；程序内部出错为 3。",
    no_args_is_help=True,
)


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(metavar="备份文件", help="备份到哪个文件，如 备份/fupin_20191120.db（不能是已有的文件）")],
) -> None:
    """把台账完整复制到一个文件（导入进行中也可以）。

    副本只含已完成的导入。
    备份文件含全部学生的完整身份证号：只有本人可读（0600），并记入审计记录。
    """
    from jiaoyu_fupin.store import backup

    common.folder_arg(Path(target).parent, f"备份文件“{target}”")
    ledger = common.open_ledger(ctx)
    path = common.write_file(target, lambda: backup.backup(ledger, target, command=common.command_line(ctx)))
    out.print(f"已备份台账到 {path}（{path.stat().st_size / 1e6:.1f} MB，只有本人可读）")


@app.command("verify")
def verify_command(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(metavar="备份文件", help="要检查的备份文件；不写则检查当前台账")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象：ok、schema_version、batches、findings、notes")] = False,
) -> None:
    """检查台账或备份文件：完整性、引用、结构版本、各批次的行数和金额。

    检查数据库文件完整性、外键引用、结构版本，以及每个导入批次的行数和发放金额是否与导入时记录的一致。
    没有问题退出码 0；发现问题退出码 1，并列出问题。
    """
    from jiaoyu_fupin.store import backup, integrity

    if file is None:
        ledger = common.open_ledger(ctx, migrate=False)
        result = integrity.verify(ledger.engine)
        name = ledger.display_name
    else:
        result = backup.verify_file(file)
        name = str(file)
    if as_json:
        typer.echo(json.dumps({"ledger": name, "ok": result.ok, "schema_version": result.schema_version,
                               "batches": result.batches, "findings": result.findings, "notes": result.notes},
                              ensure_ascii=False))
    else:
        _print_verification(name, result)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


def _print_verification(name: str, result) -> None:
    for note in result.notes:
        err.print(f"说明：{note}")
    if result.ok:
        out.print(f"台账 {name} 检查通过：文件完整，引用无误，结构版本 {result.schema_version}，"
                  f"{result.batches} 个批次的行数和金额与导入时一致。")
        return
    out.print(f"台账 {name} 发现 {len(result.findings)} 个问题：")
    for finding in result.findings:
        out.print(f"- {finding}")


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="备份文件", help="用 fupin db backup 做的备份文件")],
) -> None:
    """用备份文件恢复台账；当前台账改名保留，不被覆盖。

    先检查备份文件（同 fupin db verify），不通过则拒绝（退出码 1）。当前台账改名保留在同一文件夹
    （台账文件名.恢复前_日期_时间）。恢复前请停止其他 fupin 命令。
    """
    from jiaoyu_fupin.store import backup
    from jiaoyu_fupin.store.ledger import resolve_target, to_url

    url = to_url(resolve_target(ctx.obj.get("db") if ctx.obj else None))
    common.folder_arg(backup.ledger_file(url).parent, "台账", make=False)  # a mistyped --db makes no ledger
    result = backup.verify_file(file)
    if not result.ok:
        out.print(f"备份文件 {file} 未通过检查，没有恢复，当前台账保持原样：")
        for finding in result.findings:
            out.print(f"- {finding}")
        raise typer.Exit(EXIT_FINDINGS)
    restored = backup.restore(url, file)
    out.print(f"已用 {file} 恢复台账 {restored.path}（{result.batches} 个批次，结构版本 {result.schema_version}）。")
    if restored.kept_aside:
        out.print(f"恢复前的台账保留为 {restored.kept_aside}（只有本人可读）；确认无误后可自行删除。")
    if restored.audit_carried:
        out.print(f"备份之后的 {restored.audit_carried} 条审计记录已保留到恢复后的台账。")


def audit_command(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="只列这一天及以后的记录，如 2019-11-01")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 数组：recorded_at、os_user、command、output、people")] = False,
) -> None:
    """列出审计记录：哪些命令在何时、由哪个系统用户把多少人的完整身份证号写到了哪里。

    记录这些命令：subsidy check 和 pair check 的 --json / --out，dropout scan / list / show 的 --json，
    导入错误工作簿，db backup。
    """
    from jiaoyu_fupin.store import audit

    day = common.day_arg(since, "--since 日期")
    ledger = common.open_ledger(ctx)
    found = audit.entries(ledger, day)
    if as_json:
        typer.echo(json.dumps([e.as_json() for e in found], ensure_ascii=False))
        return
    if not found:
        out.print("没有审计记录" + (f"（{since} 以来）" if since else "") + "。")
        return
    from rich.table import Table

    table = Table("时间", "系统用户", "命令", "写到", "人数", title="审计记录：完整身份证号的导出")
    for e in found:
        table.add_row(f"{e.recorded_at:%Y-%m-%d %H:%M:%S}", e.os_user, e.command, e.output, f"{e.people:,}")
    common.print_table(table)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="db")
    parent.command("audit")(audit_command)
