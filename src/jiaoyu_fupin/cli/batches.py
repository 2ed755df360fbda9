"""`fupin batches`: the import batches, and `fupin batches revert N` to take one back out."""

from __future__ import annotations

from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import err, out

app = typer.Typer(
    help="导入批次：列出每次导入的文件、类型、时间和行数；撤销某一批次（revert）。",
    invoke_without_command=True,
)


@app.callback()
def list_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="最多显示多少个批次")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 数组")] = False,
) -> None:
    """列出导入批次：文件名、SHA-256、类型、工作表、导入时间、数据日期和行数；被撤销或更正的批次注明由哪个批次撤销。"""
    if ctx.invoked_subcommand is not None:
        return
    import json

    ledger = common.open_ledger(ctx)
    found = ledger.last_batches(limit)
    if as_json:
        typer.echo(json.dumps([batch_json(b) for b in found], ensure_ascii=False))
    elif found:
        print_batches(found, "导入批次")
    else:
        out.print("还没有导入任何文件。")


@app.command("revert")
def revert_command(
    ctx: typer.Context,
    batch: Annotated[int, typer.Argument(metavar="批次编号", help="要撤销的批次编号（fupin batches 第一列）")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示将恢复、删除多少行，不改动台账")] = False,
) -> None:
    """撤销一个导入批次：它新增的行删除，它改动的行恢复原样，就像从未导入过。

    后来的导入改动过它写入的行、或用到了它新增的记录时拒绝撤销并说明原因。撤销本身记为一个批次；
    用 --as-of 指定撤销之前的时间出报表，结果与当时相同。
    """
    from jiaoyu_fupin.importers.revert import revert

    ledger = common.open_ledger(ctx)
    with ledger.transaction() as conn:
        done = revert(conn, batch, dry_run=dry_run)
    if dry_run:
        out.print(f"试撤销（--dry-run），台账没有改动：{done.summary}")
    else:
        out.print(f"已{done.summary}；撤销记为批次 #{done.revert_batch}")
    if done.put_back is not None:
        out.print(done.put_back.summary(dry_run))
    for title, counts in (("恢复", done.restored), ("删除", done.removed)):
        shown = "、".join(f"{_table_title(t)} {n:,}" for t, n in counts.items() if n)
        if shown:
            err.print(f"  {title}：{shown}")


def _table_title(name: str) -> str:
    from jiaoyu_fupin.cli.main import TABLE_TITLES

    return TABLE_TITLES.get(name, name)


def batch_json(batch) -> dict:
    return {
        "id": batch.id,
        "file_name": batch.file_name,
        "sha256": batch.sha256,
        "kind": batch.kind,
        "sheet": batch.sheet,
        "term": batch.term,
        "imported_at": batch.imported_at.astimezone().isoformat(timespec="seconds"),
        "effective_at": (batch.effective_at or batch.imported_at).astimezone().isoformat(timespec="seconds"),
        "rows": batch.rows,
        "new": batch.new_rows,
        "changed": batch.changed_rows,
        "unchanged": batch.unchanged_rows,
        "replaces": batch.replaces,
        "reverted_by": batch.reverted_by,
    }


def print_batches(batches, title: str) -> None:
    from rich.table import Table

    from jiaoyu_fupin.importers.columns import kind_title

    table = Table("批次", "文件", "工作表", "类型", "学期", "导入时间", "数据日期", "行数", "新增", "变更", "未变", "说明",
                  title=title)
    for b in batches:
        table.add_row(
            str(b.id), b.file_name, b.sheet or "", kind_title(b.kind), b.term or "",
            b.imported_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            (b.effective_at or b.imported_at).astimezone().strftime("%Y-%m-%d %H:%M"),
            f"{b.rows:,}", f"{b.new_rows:,}", f"{b.changed_rows:,}", f"{b.unchanged_rows:,}", _state(b),
        )
    common.print_table(table)


def _state(batch) -> str:
    parts = []
    if batch.replaces:
        parts.append(f"更正批次 #{batch.replaces}")
    if batch.reverted_by:
        parts.append(f"已由批次 #{batch.reverted_by} 撤销")
    if batch.kind == "revert" and batch.note:
        parts.append(batch.note)
    return "；".join(parts)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="batches")
