"""`fupin sample`: writes the synthetic sample county's files for trying the tool and for tests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import out


def sample_command(
    out_dir: Annotated[Path, typer.Option("--out", help="样例文件写到这个文件夹（不存在时新建这一级，同名文件会被覆盖）")],
    seed: Annotated[int, typer.Option("--seed", help="随机种子：种子和规模相同，生成的文件逐字节相同")] = 2019,
    scale: Annotated[float, typer.Option(
        "--scale", help="规模倍数：1 为全县实际规模（约 6.3 万名学生），0.02 约 1,300 名；须大于 0、不超过 20")] = 1.0,
) -> None:
    """生成“样例县”的模拟数据：各类文件齐全，学校和人员均为虚构，并埋设了已知问题。

    包括学校名单、两学期学籍、国扶办建档立卡数据、县外就读名单、两学期资助发放名册、帮扶责任人（含局领导）、结对关系、结对帮扶六个一记录、包保责任、户籍适龄儿童（GBK 编码 CSV）、辍学台账和小学初中的教育事业统计（2009-2020学年，算巩固率用）。样例说明.json 列出各文件行数和埋设的问题（漏发、重复发放、金额错误、错助、疑似失学、未结对、六个一逾期、包保缺口等），用来检验核对功能是否恰好找出它们。
    """
    from jiaoyu_fupin.sample import NOTE_FILE, generate, require_scale

    require_scale(scale)  # before the spinner: a misuse is told at once
    if common.interactive():
        with common.err.status("正在生成样例数据……"):
            result = common.write_file(out_dir, lambda: generate(out_dir, seed=seed, scale=scale))
    else:
        result = common.write_file(out_dir, lambda: generate(out_dir, seed=seed, scale=scale))

    from rich.table import Column, Table

    table = Table("文件", Column("数据行数", justify="right"), title=f"样例县数据（种子 {seed}，规模 {scale:g}）")
    for path in result.files:
        if path.name in result.rows:
            table.add_row(path.name, f"{result.rows[path.name]:,}")
    out.print(table)
    planted = sum(len(kind["cases"]) for kind in result.planted.values())
    out.print(f"已写入文件夹：{result.out_dir.resolve()}")
    out.print(f"埋设的问题共 {planted} 个（{len(result.planted)} 类），清单见 {NOTE_FILE}")


def register(app: typer.Typer) -> None:
    app.command("sample")(sample_command)
