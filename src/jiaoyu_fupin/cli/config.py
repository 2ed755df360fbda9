"""`fupin config set | unset | show`: the ledger's settings, such as the reporting unit printed on reports."""

from __future__ import annotations

from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import out

config_app = typer.Typer(
    help="台账设置：填报单位、填报人、审核人、联系电话，印在月报、年终总结和指标工作簿末尾的落款栏。",
    no_args_is_help=True,
)
NameArg = Annotated[str, typer.Argument(metavar="设置项", help="设置项：unit（填报单位）、preparer（填报人）、reviewer（审核人）、phone（联系电话），也可写中文名")]


def _run(ctx: typer.Context, fn):
    ledger = common.open_ledger(ctx)
    with ledger.transaction() as conn:
        return fn(conn)


@config_app.command("set")
def set_command(
    ctx: typer.Context,
    name: NameArg,
    value: Annotated[str, typer.Argument(metavar="值", help="设置的值，如 建始县教育局")],
) -> None:
    """设置一项，如 fupin config set unit 建始县教育局。"""
    from jiaoyu_fupin.store.settings import KEYS, write

    key = _run(ctx, lambda conn: write(conn, name, value))
    out.print(f"已设置{KEYS[key]}：{value.strip()}")


@config_app.command("unset")
def unset_command(ctx: typer.Context, name: NameArg) -> None:
    """清除一项设置：报表上这一栏留空，供手写。"""
    from jiaoyu_fupin.store.settings import KEYS, key_of, remove

    removed = _run(ctx, lambda conn: remove(conn, name))
    title = KEYS[key_of(name)]
    out.print(f"已清除{title}" if removed else f"{title}本来就没有设置")


@config_app.command("show")
def show_command(ctx: typer.Context) -> None:
    """列出全部设置项和当前的值。"""
    from jiaoyu_fupin.store.settings import KEYS, read

    values = _run(ctx, read)
    for key, title in KEYS.items():
        out.print(f"{title}（{key}）：{values.get(key, '（未设置，报表上留空）')}")


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
