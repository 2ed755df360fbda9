"""What every command shares: the consoles, opening the ledger, leaving with the right exit code."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

# Results go to stdout; messages and errors to stderr so cron mails and pipes stay clean.
# Off a terminal (cron, pipes, log files) rich would squeeze tables into 80 columns; give them room instead.
_WIDTH = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
# Markup off: names, schools and file names come from clerks' files, and "[/]王" or "[bold]李[/bold]" read as markup
# crashed a command or printed a name altered. fupin's own styling is passed as Text with a style (styled()).
out = Console(highlight=False, soft_wrap=True, width=_WIDTH, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, markup=False)

EXIT_OK, EXIT_FINDINGS, EXIT_MISUSE = 0, 1, 2


def print_table(table) -> None:
    """A table that keeps what tells rows apart on a narrow terminal. Rich shrinks every column to fit and cuts
    with "…": at 100 columns a masked ID became "42282…", a name "林…", a date "2019…". ID, name and date columns
    stay whole (the other columns give way); the full lists are in --json and --out."""
    for column in table.columns:
        header = str(column.header)
        if "身份证号" in header or "工号" in header:
            column.no_wrap, column.min_width = True, 18
        elif "日期" in header or "时间" in header or header == "最近劝返":
            column.no_wrap, column.min_width = True, 10
        elif header in ("姓名", "学生", "责任人", "推荐责任人"):
            column.no_wrap, column.min_width = True, 6
    out.print(table)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of plain texts and (text, style) pairs: data is never parsed as markup."""
    return Text.assemble(*parts)


def fail(message: str, code: int = EXIT_FINDINGS, hint: str | None = None) -> NoReturn:
    err.print(styled(("错误：", "bold red"), message))
    if hint:
        err.print(f"处理办法：{hint}")
    raise typer.Exit(code=code)


def interactive() -> bool:
    """Progress bars and colour only for a person at a terminal, never under cron or in a pipe."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def open_ledger(ctx: typer.Context, *, migrate: bool = True, create: bool = False):
    """The ledger --db / FUPIN_DB / ./fupin.db names. Only `create` (init, import) may bring a new SQLite file into
    being: anywhere else a mistyped path would open an empty ledger and send the clerk off to re-import."""
    from jiaoyu_fupin.ledger import Ledger, LedgerError
    from jiaoyu_fupin.policy import PolicyError

    target = ctx.obj.get("db") if ctx.obj else None
    if not create:
        _refuse_missing_file(target)
    try:
        ledger = Ledger(target, migrate=migrate)
        if migrate:
            _use_policy(ledger, ctx.obj.get("policy") if ctx.obj else None)
        return ledger
    except (LedgerError, PolicyError) as exc:
        fail(str(exc), EXIT_MISUSE)
    except ImportError as exc:  # a database URL whose Python driver is not installed (postgresql:// without psycopg)
        fail(f"无法打开台账数据库：没有安装该数据库的 Python 驱动 {exc.name or exc}", EXIT_MISUSE,
             "请安装该驱动，或用 SQLite 台账文件（--db 写文件路径）")
    except Exception as exc:  # a database that cannot be opened is the user's to fix, not a traceback
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            fail(f"无法打开台账数据库：{_why_not_open(exc)}", EXIT_MISUSE,
                 "请检查 --db 或 FUPIN_DB 指向的文件或地址是否正确、是否有读写权限")
        raise


def _why_not_open(exc: Exception) -> str:
    """The database driver's reason in the clerk's words (the driver says it in English)."""
    text = str(exc).lower()
    for words, why in (("not a database", "这个文件不是 fupin 台账（SQLite 数据库），或已损坏"),
                       ("unable to open", "文件打不开（所在文件夹不存在或没有权限）"),
                       ("locked", "台账正被另一个 fupin 命令使用，请等它结束后再试"),
                       ("readonly", "台账文件是只读的"),
                       ("password authentication", "数据库用户名或密码不对"),
                       ("could not connect", "连不上数据库服务器"),
                       ("connection refused", "连不上数据库服务器")):
        if words in text:
            return why
    return "数据库拒绝了连接或文件已损坏"


def _refuse_missing_file(target) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from jiaoyu_fupin.ledger import LedgerError, resolve_target, to_url

    try:
        url = make_url(to_url(resolve_target(target)))
    except LedgerError as exc:
        fail(str(exc), EXIT_MISUSE)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    if not path.exists():
        where = "台账所在的文件夹不存在" if not path.parent.exists() else "没有这个文件"
        fail(f"台账文件“{path}”不存在（{where}）", EXIT_MISUSE,
             "请检查 --db 或环境变量 FUPIN_DB 是否写对；新建台账请先运行 fupin init")


def active_policy(ctx: typer.Context):
    """The policy file --policy / FUPIN_POLICY names, or None for the default one."""
    path = ctx.obj.get("policy") if ctx.obj else None
    if not path:
        return None
    from jiaoyu_fupin.policy import PolicyError, load_policy

    try:
        return load_policy(path)
    except PolicyError as exc:
        fail(str(exc), EXIT_MISUSE)


def _use_policy(ledger, path: str | None) -> None:
    """--policy / FUPIN_POLICY: install the county's standards when they differ from the ledger's, and say so."""
    if not path:
        return
    from jiaoyu_fupin.policy import apply_policy, load_policy

    policy = load_policy(path)
    with ledger.transaction() as conn:
        changed = apply_policy(conn, policy)
    if changed:
        err.print(f"已启用资助标准文件 {policy.source}：台账中的资助项目和标准已按它更新")


# ---- option values every group parses the same way: a term, a day, an .xlsx path ------------------------


def term_arg(text: str | None):
    """--term as clerks write it (2019秋, 2019年秋季学期 …); None stays None; a bad term is misuse (exit 2)."""
    from jiaoyu_fupin.terms import Term, TermError

    if text is None:
        return None
    try:
        return Term.parse(text)
    except TermError as exc:
        fail(str(exc), EXIT_MISUSE)


def day_arg(text: str | None, what: str = "日期"):
    """A date option (2019-11-05, 2019/11/5, 2019年11月5日, 20191105); None stays None; a bad date is misuse."""
    if text is None:
        return None
    import pandas as pd

    from jiaoyu_fupin.importers.values import parse_dates

    parsed, bad = parse_dates(pd.Series([str(text).strip() or None], dtype=object))
    if bool(bad.iloc[0]) or parsed.iloc[0] is None or pd.isna(parsed.iloc[0]):
        fail(f"{what}“{text}”无法识别", EXIT_MISUSE, "请写成 2019-11-05 这样的日期")
    return parsed.iloc[0]


def xlsx_arg(path, example: str) -> None:
    """Workbooks we write are .xlsx, into a folder that exists; anything else is misuse before any work is done."""
    if path is None:
        return
    if path.suffix.lower() != ".xlsx":
        fail(f"输出文件“{path}”须以 .xlsx 结尾", EXIT_MISUSE, f"例如 --out {example}")
    folder_arg(path.parent, f"输出文件“{path}”")
    if path.is_dir():
        # Found out only when saving, after the check had already printed (or a --json object gone out) as if all was well.
        fail(f"输出文件“{path}”是一个已有的文件夹", EXIT_MISUSE, f"请写文件名，例如 --out {example}")


def folder_arg(folder, what: str) -> None:
    """Output goes into a folder that exists: a mistyped path used to be created silently, so the workbook landed
    somewhere the clerk never looks (and a cron job kept filling it)."""
    from pathlib import Path

    folder = Path(folder)
    if not folder.exists():
        fail(f"{what}所在的文件夹“{folder}”不存在", EXIT_MISUSE, "请先建好该文件夹，或检查路径是否写对")
    if not folder.is_dir():
        fail(f"{what}所在的“{folder}”不是文件夹", EXIT_MISUSE, "请检查路径是否写对")


def write_file(path, write):
    """Run `write()`; a file that cannot be written (a folder without permission, a workbook open in Excel) is the
    clerk's to fix: exit 2 with the reason, and the atomic writers have left nothing half-written behind."""
    try:
        return write()
    except OSError as exc:
        fail(f"无法写入“{path}”：{exc.strerror or exc}", EXIT_MISUSE, "请检查是否有写入权限、文件是否正被 Excel 打开")
