"""What every command shares: the consoles, opening the ledger, leaving with the right exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer._click.exceptions import ClickException

# Results go to stdout; messages and errors to stderr so cron mails and pipes stay clean.
# Off a terminal (cron, pipes, log files) rich would squeeze tables into 80 columns; give them room instead.
_WIDTH = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
# Markup off: names, schools and file names come from clerks' files, and "[/]王" or "[bold]李[/bold]" read as markup
# crashed a command or printed a name altered. fupin's own styling is passed as Text with a style (styled()).
out = Console(highlight=False, soft_wrap=True, width=_WIDTH, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, markup=False)

# 3 keeps a crash (a bug) apart from findings for cron and scripts; README's table of exit codes says the same.
EXIT_OK, EXIT_FINDINGS, EXIT_MISUSE, EXIT_CRASH = 0, 1, 2, 3


def print_table(table) -> None:
    """A table that keeps what tells rows apart on a narrow terminal. Rich shrinks every column to fit and cuts
    with "…": at 100 columns a masked ID became "42282…", a name "林…", a date "2019…". ID, name and date columns
    stay whole (the other columns give way); the full lists are in --json and --out."""
    for column in table.columns:
        header = str(column.header)
        if "身份证号" in header or "工号" in header:
            column.no_wrap, column.min_width = True, 18
            continue
        # The ID column is masked (or shown whole for --full) by its command; an ID anywhere else came from a cell
        # typed wrong (a name that is an ID), and is never shown whole.
        column._cells = [_masked_cell(cell) for cell in column._cells]
        if "日期" in header or "时间" in header or header == "最近劝返":
            column.no_wrap, column.min_width = True, 10
        elif header in ("姓名", "学生", "责任人", "推荐责任人"):
            column.no_wrap, column.min_width = True, 6
    out.print(table)


def _masked_cell(cell):
    from jiaoyu_fupin.core.idmask import has_id, mask_text

    if isinstance(cell, str):
        return mask_text(cell)
    if isinstance(cell, Text) and has_id(cell.plain):
        return Text(mask_text(cell.plain), style=cell.style)
    return cell


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of plain texts and (text, style) pairs: data is never parsed as markup."""
    return Text.assemble(*parts)


def fail(message: str, code: int = EXIT_FINDINGS, hint: str | None = None) -> NoReturn:
    from jiaoyu_fupin.core.idmask import mask_text

    # A refusal quotes what was typed (an option, a cell): an ID number in it is masked like any on screen.
    err.print(styled(("错误：", "bold red"), mask_text(message)))
    if hint:
        err.print(f"处理办法：{mask_text(hint)}")
    raise typer.Exit(code=code)


def interactive() -> bool:
    """Progress bars and colour only for a person at a terminal, never under cron or in a pipe."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def open_ledger(ctx: typer.Context, *, migrate: bool = True, create: bool = False):
    """The ledger --db / FUPIN_DB / ./fupin.db names (store.ledger.open_ledger: only `create`, for init and import,
    may make a new file); a ledger from a newer fupin is refused to init and import, and read by the rest with a
    warning; the --policy file, when given, is installed."""
    from jiaoyu_fupin.store import ledger as ledgers

    ledger = ledgers.open_ledger(ctx.obj.get("db") if ctx.obj else None, migrate=migrate, create=create)
    if ledger.newer:
        if create:  # init and import write: refused before any work
            ledger.refuse_if_newer()
        err.print(f"注意：{ledgers.NewerLedgerError(ledger.display_name, ledger.unknown_steps)}。"
                  "本版本只能读取它，结果可能不完整；需要写入台账的命令都会被拒绝。")
    if migrate:
        _use_policy(ledger, ctx.obj.get("policy") if ctx.obj else None)
    return ledger


@contextmanager
def clerk_errors() -> Iterator[None]:
    """The one place a command's failure becomes what the clerk reads and the exit code a script tests.

    A ClerkError (the library refuses, with its hint): exit 2 for a misuse, 1 where the data refuses. What the ledger
    or the disk refuses (a ledger locked past the busy timeout, a full disk, a folder without permission, a damaged
    file) is one too, as store.ledger.refusal words it: exit 2. Anything else is a bug: one line of apology, the traceback in the owner's log,
    exit 3, never taken for findings. The transaction has rolled back by the time an error gets here."""
    from jiaoyu_fupin.core.problems import ClerkError

    try:
        yield
    except ClerkError as exc:
        _refuse(exc)
    except (typer.Exit, typer.Abort, ClickException):  # exits and misuse already decided by the command or by Typer
        raise
    except Exception as exc:  # noqa: BLE001 (sorted: the ledger's and the disk's refusals, else a crash)
        from jiaoyu_fupin.store.ledger import refusal

        refused = refusal(exc)
        if refused is not None:
            _refuse(refused)
        from jiaoyu_fupin.cli import crash

        err.print(styled(("错误：", "bold red"), crash.apology(crash.write_log(exc, sys.argv[1:]))))
        raise typer.Exit(EXIT_CRASH) from None


def _refuse(exc) -> NoReturn:
    fail(exc.message, EXIT_MISUSE if exc.misuse else EXIT_FINDINGS, exc.hint or None)


def command_line(ctx: typer.Context) -> str:
    """The command as given, for audit records: its name, arguments and the options set (not --db: a database
    address may hold a password), ID numbers masked."""
    from jiaoyu_fupin.store.audit import masked

    parts = ["fupin", *ctx.command_path.split()[1:]]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value is None or value is False or value in ((), []):
            continue
        values = [masked(str(v)) for v in (value if isinstance(value, list | tuple) else [value])]
        if param.param_type_name == "argument":
            parts.extend(values)
        elif value is True:
            parts.append(param.opts[0])
        else:
            parts.extend(f"{param.opts[0]} {v}" for v in values)
    return " ".join(parts)


def record_export(ctx: typer.Context, ledger, people: int, output=None) -> None:
    """An audit record for output holding `people` people's full ID numbers (`output` None: standard output).
    Called before the output is written: an export the ledger cannot record (locked, newer) does not happen."""
    from jiaoyu_fupin.store import audit

    if people:
        audit.record(ledger, command=command_line(ctx), output=output, people=people)


def active_policy(ctx: typer.Context):
    """The policy file --policy / FUPIN_POLICY names, or None for the default one."""
    path = ctx.obj.get("policy") if ctx.obj else None
    if not path:
        return None
    from jiaoyu_fupin.core.policy import load_policy

    return load_policy(path)


def _use_policy(ledger, path: str | None) -> None:
    """--policy / FUPIN_POLICY: install the county's standards when they differ from the ledger's, and say so."""
    if not path:
        return
    from jiaoyu_fupin.core.policy import load_policy
    from jiaoyu_fupin.store.policy import apply_policy
    from jiaoyu_fupin.store.settings import KEYS, fill_missing

    policy = load_policy(path)
    with ledger.transaction() as conn:
        changed = apply_policy(conn, policy)
        signed = fill_missing(conn, policy.report)
    if changed:
        err.print(f"已启用资助标准文件 {policy.source}：台账中的资助项目和标准已按它更新")
    if signed:
        err.print(f"已按资助标准文件 {policy.source} 记下{'、'.join(KEYS[k] for k in signed)}（可用 fupin config set 修改）")


# ---- option values every group parses the same way: a term, a day, an .xlsx path ------------------------


def term_arg(text: str | None):
    """--term as clerks write it (2019秋, 2019年秋季学期 …); None stays None; a bad term is misuse (TermError)."""
    from jiaoyu_fupin.core.terms import Term

    return None if text is None else Term.parse(text)


def day_arg(text: str | None, what: str = "日期"):
    """A date option (2019-11-05, 2019/11/5, 2019年11月5日, 20191105); None stays None; a bad date is misuse."""
    from jiaoyu_fupin.importers.values import parse_day

    return None if text is None else parse_day(text, what)


def xlsx_arg(path, example: str) -> None:
    """Workbooks we write are .xlsx, into a folder that exists (core.files.require_xlsx)."""
    from jiaoyu_fupin.core.files import require_xlsx

    require_xlsx(path, example)


def folder_arg(folder, what: str, *, make: bool = True) -> None:
    """Output goes into the folder named, made when only it is missing (core.files.require_folder)."""
    from jiaoyu_fupin.core.files import require_folder

    require_folder(folder, what, make=make)


def say_made_folders() -> None:
    """Name every folder the command made: never made silently (core.files.require_folder)."""
    from jiaoyu_fupin.core.files import made_folders

    for folder in made_folders():
        err.print(f"已新建文件夹“{folder}”")


def write_file(path, write):
    """Run `write()`; a file that cannot be written is refused with the reason (core.files.write_or_refuse)."""
    from jiaoyu_fupin.core.files import write_or_refuse

    return write_or_refuse(path, write)
