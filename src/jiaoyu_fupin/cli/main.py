"""`fupin`: wires the command groups, owns the global options and the exit codes."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from jiaoyu_fupin.cli import common, usage_errors
from jiaoyu_fupin.cli.common import out

_HELP = """fupin：县教育局的教育扶贫台账工具。

把学籍、国扶办建档立卡数据、资助发放名册、结对帮扶、控辍保学台账导入同一个台账（SQLite 文件），
核对建档立卡学生、资助是否应助尽助，并生成月报和年终总结。

台账位置：--db 参数 > 环境变量 FUPIN_DB > 当前文件夹下的 fupin.db。
退出码：0 正常；1 发现问题或数据被拒收；2 用法错误（选项写错、名称不在台账中、台账打不开）；
3 程序内部出错（详细信息写入日志文件，屏幕上只有一行说明）。"""

class _Group(TyperGroup):
    """The root group: every command runs inside common.clerk_errors, the one place that turns a refusal (the
    library's ClerkError, the ledger's or the disk's) into a message and an exit code, and a crash into exit 3."""

    def invoke(self, ctx):
        try:
            with common.clerk_errors():
                return super().invoke(ctx)
        finally:
            common.say_made_folders()


app = typer.Typer(
    cls=_Group,
    help=_HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    # No traceback on screen, and never local variables (they would hold children's ID numbers): a crash is
    # reported by common.clerk_errors in one line, the traceback going to the owner's log (cli/crash.py).
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="台账数据库：SQLite 文件路径或 SQLAlchemy 地址（默认读环境变量 FUPIN_DB，再默认 ./fupin.db）"),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option("--policy", envvar="FUPIN_POLICY", show_envvar=False,
                     help="本县的资助标准文件（TOML，见 data/policies/default.toml）；也可设环境变量 FUPIN_POLICY。"
                          "指定后写入台账，之后不再指定也一直有效"),
    ] = None,
) -> None:
    ctx.obj = {"db": db, "policy": policy}


@app.command()
def init(ctx: typer.Context) -> None:
    """创建台账（已存在则只补齐结构），写入默认资助项目和标准。"""
    ledger = common.open_ledger(ctx, create=True)
    if ledger.applied_now:
        out.print(f"已创建台账：{ledger.display_name}（结构版本 {ledger.schema_version()}）")
    else:
        out.print(f"台账已是最新：{ledger.display_name}（结构版本 {ledger.schema_version()}）")
    from jiaoyu_fupin.store.data_steps import KEPT, TITLES

    for name, version in ledger.data_applied_now:
        if not version.startswith(KEPT):
            out.print(f"已写入{TITLES[name]}（版本 {version}）")


TABLE_TITLES = {
    "schools": "学校",
    "households": "建档立卡户",
    "registry_people": "国扶办人员",
    "students": "学生",
    "enrollments": "学期在籍记录",
    "programs": "资助项目",
    "standards": "资助标准",
    "payments": "资助发放记录",
    "helpers": "帮扶责任人",
    "pairings": "结对关系",
    "help_activities": "六个一帮扶记录",
    "oversight": "包保责任",
    "population": "户籍适龄儿童",
    "dropout_cases": "辍学案例",
    "dropout_visits": "劝返记录",
    "dropout_events": "辍学案件经过",
    "population_counts": "户籍人口分年龄汇总",
    "school_stats": "教育事业统计",
    "collab_plans": "扶贫协作计划",
    "collab_targets": "扶贫协作年度目标",
    "collab_records": "扶贫协作记录",
    "tasks": "工作任务",
    "task_events": "任务销号记录",
    "settings": "台账设置",
    "batches": "导入批次",
    "audit_records": "审计记录",
}


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象（counts、schema_version、last_batches）")] = False,
) -> None:
    """显示台账概况：各表记录数、结构版本和最近的导入批次。"""
    import json

    from jiaoyu_fupin.cli.batches import batch_json, print_batches

    ledger = common.open_ledger(ctx)
    counts = ledger.counts()
    batches = ledger.last_batches()
    if as_json:
        doc = {
            "ledger": ledger.display_name,
            "schema_version": ledger.schema_version(),
            "counts": counts,
            "last_batches": [batch_json(b) for b in batches],
        }
        typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    from rich.table import Table

    out.print(f"台账：{ledger.display_name}    结构版本：{ledger.schema_version()}")
    table = Table("内容", "记录数", title="各表记录数")
    for name, count in counts.items():
        table.add_row(TABLE_TITLES.get(name, name), f"{count:,}")
    common.print_table(table)
    if batches:
        print_batches(batches, "最近导入的批次")
    else:
        out.print("还没有导入任何文件。用 fupin import 文件 导入。")


def _register_groups() -> None:
    from jiaoyu_fupin.cli import (
        batches,
        collab,
        config,
        db,
        dropout,
        importing,
        pairing,
        rates,
        reports,
        sample,
        student,
        subsidy,
        tasks,
    )

    batches.register(app)
    student.register(app)
    importing.register(app)
    sample.register(app)
    dropout.register(app)
    rates.register(app)
    pairing.register(app)
    subsidy.register(app)
    reports.register(app)
    collab.register(app)
    tasks.register(app)
    config.register(app)
    db.register(app)


def _chinese_help_chrome() -> None:
    """Typer's own labels ("Options", "Show this message and exit.") in Chinese, so every help screen reads as one.

    The labels live in typer.rich_utils, which Typer imports only to print help or an error: they are set when it
    is imported, so that a command which prints neither does not pay for it (rich.markdown and friends, 0.1 s)."""
    _after_import("typer.rich_utils", _chinese_rich_labels)
    try:
        from typer._click import core

        original = core.Command.get_help_option

        def get_help_option(self, ctx):
            option = original(self, ctx)
            if option is not None:
                option.help = "显示本帮助并退出"
            return option

        core.Command.get_help_option = get_help_option
        _chinese_usage(core)
    except (ImportError, AttributeError):  # a Typer without the vendored click keeps its English label
        pass
    _chinese_value_kinds()


_USAGE_WORDS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}


def _chinese_usage(core) -> None:
    """The usage line ("Usage: fupin import [OPTIONS] {files}...") in Chinese: 用法, 选项, 命令, and each argument by its
    Chinese metavar (set where the argument is declared)."""
    from typer._click import formatting

    collect = core.Command.collect_usage_pieces

    def collect_usage_pieces(self, ctx):
        return [_USAGE_WORDS.get(piece, piece) for piece in collect(self, ctx)]

    core.Command.collect_usage_pieces = collect_usage_pieces
    from typer.core import TyperArgument, TyperGroup

    group_pieces = TyperGroup.collect_usage_pieces

    def group_usage_pieces(self, ctx):
        return [_USAGE_WORDS.get(piece, piece) for piece in group_pieces(self, ctx)]

    TyperGroup.collect_usage_pieces = group_usage_pieces

    def usage_name(self) -> str:  # 批次编号, [备份文件], 文件...: no {braces} around a required one
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")

    TyperArgument._usage_display_name = usage_name
    write_usage = formatting.HelpFormatter.write_usage

    def chinese_write_usage(self, prog, args="", prefix=None):
        write_usage(self, prog, args, "用法: " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = chinese_write_usage


def _chinese_rich_labels(rich_utils) -> None:
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.ABORTED_TEXT = "已中止。"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.RICH_HELP = "用 '{command_path} {help_option}' 查看帮助。"
    usage_errors.install()


def _after_import(name: str, then) -> None:
    """Call then(module) once the module `name` is imported: now if it already is, else right after its import."""
    import sys

    if name in sys.modules:
        then(sys.modules[name])
        return

    class Loader:
        """The module's own loader, running `then` once it has executed the module."""

        def __init__(self, loader):
            self.loader = loader

        def create_module(self, spec):
            return self.loader.create_module(spec)

        def exec_module(self, module):
            self.loader.exec_module(module)
            then(module)

        def __getattr__(self, attribute):  # get_source and the like, for tracebacks
            return getattr(self.loader, attribute)

    class AfterImport:
        """A finder that finds `name` once, with the finders after it, and hands it the loader above."""

        def find_spec(self, fullname, path=None, target=None):
            if fullname != name:
                return None
            import importlib.util

            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            if spec is not None and spec.loader is not None:
                spec.loader = Loader(spec.loader)
            return spec

    sys.meta_path.insert(0, AfterImport())


_VALUE_KINDS = {"int": "整数", "float": "数字", "str": "文字", "Path": "路径"}


def _chinese_value_kinds() -> None:
    """The help's value column said <str>, <bool>, <list[Path]>: Python's names, meaningless to a clerk. Each
    option now says what it takes in Chinese (文字, 整数, 路径…), and a switch, which takes no value, says nothing."""
    try:
        from typer.core import TyperArgument, TyperOption
    except ImportError:  # pragma: no cover (an older Typer prints no type column)
        return

    def display_type_rich(self, ctx):
        if self.metavar is not None and not isinstance(self, TyperArgument):  # an argument's is its name already
            return self.metavar
        if getattr(self, "is_flag", False):
            return None
        desc = self.type_descriptor
        inner = desc.annotation
        if desc.is_list:
            from typing import get_args

            inner = (get_args(inner) or (str,))[0]
        name = "路径" if desc.is_path else _VALUE_KINDS.get(getattr(inner, "__name__", ""), "值")
        return f"{name}…" if desc.is_list or self.nargs != 1 else name

    TyperOption.display_type_rich = display_type_rich
    TyperArgument.display_type_rich = display_type_rich


_register_groups()
_chinese_help_chrome()


def _exit_on_signal(signum, _frame) -> None:
    # Unwind like any other exit: the import's transaction rolls back, temporary files and copies are removed.
    raise SystemExit(128 + signum)


def run() -> None:
    import gc
    import signal

    # A command imports its libraries (pandas, SQLAlchemy) and reads its tables in one go: hundreds of thousands of
    # new objects, next to none of them garbage. Collecting after every 700 of them cost a check 0.05-0.1 s of
    # passes that freed nothing; after every 10,000 still frees a cycle long before it weighs anything.
    gc.set_threshold(10_000)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _exit_on_signal)
    app()
