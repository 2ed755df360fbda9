"""`fupin pair check | assign | handbook | letters`: 结对帮扶 over the ledger; the work is done in jiaoyu_fupin.checks.pairing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from jiaoyu_fupin.cli import common
from jiaoyu_fupin.cli.common import EXIT_FINDINGS, err, out

pair_app = typer.Typer(
    help="结对帮扶（一生一责任人、六个一、包保）：检查一个学期、为未结对学生推荐责任人、生成学校的结对帮扶手册。",
    no_args_is_help=True,
)
SHOWN = 20

TermOption = Annotated[str | None, typer.Option("--term", help="学期，如 2019秋（默认：截至日期所在的学期）")]
AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="截至日期，如 2020-01-31（默认今天）：过了应完成日期仍无记录的六个一算逾期，当前结对也以此日为准")]
MaxOption = Annotated[int, typer.Option("--max-per-helper", help="每名责任人最多结对几名学生")]


@pair_app.command("check")
def check_command(
    ctx: typer.Context,
    term: Annotated[str, typer.Option("--term", help="要检查的学期，如 2019秋")],
    school: Annotated[str | None, typer.Option("--school", help="只检查这所学校（学校名单中的名称）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象：summary（汇总）和 findings（问题清单）；含完整身份证号，仅供内部核对")] = False,
    out_path: Annotated[Path | None, typer.Option(
        "--out", help="同时写出检查工作簿（.xlsx）：汇总、问题清单、六个一逾期明细、按学校、按责任人、按月份")] = None,
    max_per_helper: MaxOption = 5,
    as_of: AsOfOption = None,
) -> None:
    """检查一个学期的结对帮扶：未结对的建档立卡学生、已不在学生所在学校的责任人、超过结对上限的责任人、逾期未做的六个一、包保缺口。

    没有问题时输出一行并返回 0；发现问题返回 1；用法错误返回 2；程序内部出错返回 3。屏幕上的身份证号打码显示。
    """
    from jiaoyu_fupin.checks.pairing.check import check

    parsed, day = common.term_arg(term), common.day_arg(as_of, "截至日期")
    common.xlsx_arg(out_path, "结对帮扶检查_2019秋.xlsx")
    ledger = common.open_ledger(ctx)
    result = check(ledger, parsed, as_of=day, school=school, max_per_helper=max_per_helper)
    if as_json or out_path is not None:
        from jiaoyu_fupin.store.audit import people_in

        people = people_in(result.to_json())
        for output in [None] * as_json + [out_path] * (out_path is not None):
            common.record_export(ctx, ledger, people, output)
    if out_path is not None:
        from jiaoyu_fupin.checks.pairing.report import write_check_workbook

        common.write_file(out_path, lambda: write_check_workbook(out_path, result))
        (err if as_json else out).print(f"检查工作簿：{out_path}")
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _print_check(result)
    if not result.clean:
        raise typer.Exit(EXIT_FINDINGS)


def _print_check(result) -> None:
    from jiaoyu_fupin.checks.pairing.check import KIND_TITLES

    s = result.summary
    scope = s["school"] or "全县"
    six = s["six_ones"]
    if result.clean:
        out.print(f"结对帮扶检查 {s['term']}（{scope}）：未发现问题——{s['registered_poor_enrolled']:,} 名建档立卡在籍学生均已结对，"
                  f"六个一已做 {six['done']:,} 项、无逾期，包保无缺口。")
        return
    out.print(f"结对帮扶检查 {s['term']}（{scope}；截至 {s['as_of']}，结对以 {s['reference_date']} 为准）")
    out.print(f"建档立卡在籍学生 {s['registered_poor_enrolled']:,} 名：已结对 {s['paired']:,}，未结对 {s['unpaired']:,}；"
              f"当前结对 {s['current_pairings']:,} 对，责任人 {s['helpers_with_pairings']:,} 名")
    out.print(f"六个一：应做 {six['due']:,} 项，已做 {six['done']:,}，逾期 {six['overdue']:,}，未到期 {six['pending']:,}")
    counts = "；".join(f"{KIND_TITLES[k]} {n:,}" for k, n in s["findings"].items() if n)
    out.print(f"发现问题：{counts}")
    for kind, render in _TABLES.items():
        found = [f for f in result.findings if f["kind"] == kind]
        if found:
            render(found, KIND_TITLES[kind])
    _print_months(s)
    out.print("完整清单请用 --out 写出检查工作簿，或用 --json 输出。")


def _table(title: str, headers: tuple[str, ...], rows: list[tuple], total: int) -> None:
    from rich.table import Table

    more = f"（共 {total:,} 条，显示前 {SHOWN} 条）" if total > SHOWN else f"（{total:,} 条）"
    table = Table(*headers, title=f"{title}{more}")
    for row in rows[:SHOWN]:
        table.add_row(*(str(v) if v is not None else "" for v in row))
    common.print_table(table)


def _masked(id_number: str) -> str:
    from jiaoyu_fupin.core import idnumber

    return idnumber.mask(id_number)


def _code(code: str) -> str:
    from jiaoyu_fupin.core.pairing import shown_code

    return shown_code(code)


def _unpaired(found, title):
    _table(title, ("学校", "年级", "班级", "学生", "身份证号", "学籍状态"),
           [(f["school"], f["grade"], f["class_name"], f["name"], _masked(f["id_number"]), f["status"]) for f in found],
           len(found))


def _left(found, title):
    _table(title, ("责任人", "身份证号或工号", "责任人工作单位", "学生", "学生身份证号", "学生就读学校"),
           [(f["name"], _code(f["helper_id"]), f["helper_school"], f["student_name"], _masked(f["id_number"]),
             f["school"]) for f in found], len(found))


def _overloaded(found, title):
    _table(title, ("责任人", "身份证号或工号", "工作单位", "结对学生", "上限"),
           [(f["name"], _code(f["helper_id"]), f["school"], f["pairings"], f["limit"]) for f in found], len(found))


def _overdue(found, title):
    def sample(f):
        shown = [f"{i['student_name']} {i['item']}（{i['month'] or '本学期'}）" for i in f["items"][:3]]
        return "、".join(shown) + ("……" if len(f["items"]) > 3 else "")

    _table(title, ("工作单位", "责任人", "身份证号或工号", "逾期项数", "逾期的项"),
           [(f["school"], f["name"], _code(f["helper_id"]), f["overdue"], sample(f)) for f in found], len(found))


def _gaps(found, title):
    _table(title, ("层级", "地点", "乡镇"), [(f["level_name"], f["place"], f["township"]) for f in found], len(found))


_TABLES = {"unpaired": _unpaired, "helper_left_school": _left, "overloaded": _overloaded,
           "six_ones_overdue": _overdue, "oversight_gap": _gaps}


def _print_months(s: dict) -> None:
    from rich.table import Table

    months = s["six_ones"]["by_month"]
    if not months:
        return
    table = Table("月份", "帮扶措施 已做/应做", "逾期", "帮扶活动 已做/应做", "逾期", title="每月两项（全部责任人）")
    for month, items in months.items():
        m, a = items["帮扶措施"], items["帮扶活动"]
        table.add_row(month, f"{m['done']:,}/{m['due']:,}", f"{m['overdue']:,}", f"{a['done']:,}/{a['due']:,}",
                      f"{a['overdue']:,}")
    common.print_table(table)


@pair_app.command("assign")
def assign_command(
    ctx: typer.Context,
    school: Annotated[str, typer.Option("--school", help="为这所学校的未结对学生推荐责任人（学校名单中的名称）")],
    max_per_helper: MaxOption = 5,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示推荐结果，不写入台账")] = False,
    term: TermOption = None,
    as_of: AsOfOption = None,
) -> None:
    """为一所学校未结对的建档立卡学生推荐帮扶责任人：先本班老师，再本校结对最少的老师，不超过上限；不加 --dry-run 时写入台账。

    “本班老师”指本学期已与该班其他学生结对的本校责任人。写入的结对从结对判断日（截至日期，限定在该学期之内）开始。
    全部推荐到人返回 0；有学生找不到可用的责任人返回 1。
    """
    from jiaoyu_fupin.checks.pairing.assign import propose, write

    parsed, day = common.term_arg(term), common.day_arg(as_of, "截至日期")
    ledger = common.open_ledger(ctx)
    result = propose(ledger, school, term=parsed, as_of=day, max_per_helper=max_per_helper)
    if not result.proposals:
        out.print(f"{result.school}在 {result.term} 没有未结对的建档立卡学生。")
        return
    from rich.table import Table

    table = Table("年级", "班级", "学生", "身份证号", "推荐责任人", "身份证号或工号", "依据", "结对后人数",
                  title=f"{result.school} {result.term} 结对推荐（每人最多 {result.max_per_helper} 名）")
    for p in result.proposals:
        table.add_row(p.grade, p.class_name or "", p.name, _masked(p.id_number), p.helper_name or "（无）",
                      _code(p.helper_code) if p.helper_code else "", p.reason, str(p.load_after or ""))
    common.print_table(table)
    if dry_run:
        out.print(f"试分配（--dry-run）：推荐 {len(result.assigned)} 对，台账没有任何改动。")
    elif result.assigned:
        batch = write(ledger, result)
        out.print(f"已写入 {len(result.assigned)} 对结对关系，结对日期 {result.start_date}；批次 #{batch}")
    if result.unassigned:
        err.print(f"有 {len(result.unassigned)} 名学生找不到可用的责任人：请导入更多帮扶责任人，或调整 --max-per-helper。")
        raise typer.Exit(EXIT_FINDINGS)


@pair_app.command("handbook")
def handbook_command(
    ctx: typer.Context,
    school: Annotated[str, typer.Option("--school", help="生成这所学校的手册（学校名单中的名称）")],
    out_path: Annotated[Path, typer.Option("--out", help="手册保存到哪里（.xlsx），如 结对帮扶手册_城关中学.xlsx")],
    term: TermOption = None,
    as_of: AsOfOption = None,
) -> None:
    """生成一所学校一个学期的结对帮扶手册：目录，加每名责任人一页（结对学生、六个一完成情况、帮扶记录、签字栏），供学校存档。

    手册要打印存档，身份证号打码。
    """
    from jiaoyu_fupin.checks.pairing.handbook import build, write_handbook

    parsed, day = common.term_arg(term), common.day_arg(as_of, "截至日期")
    common.xlsx_arg(out_path, "结对帮扶手册_城关中学.xlsx")
    ledger = common.open_ledger(ctx)
    book = build(ledger, school, term=parsed, as_of=day)
    common.write_file(out_path, lambda: write_handbook(out_path, book))
    students = sum(len(h.students) for h in book.helpers)
    out.print(f"已生成{book.school}结对帮扶手册（{book.term}）：{out_path}；责任人 {len(book.helpers)} 名，结对学生 {students} 名")


@pair_app.command("letters")
def letters_command(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="写出责任书（.docx）的文件夹（不存在时新建这一级）")],
    school: Annotated[str | None, typer.Option("--school", help="只写这所学校的责任书（学校名单中的名称）")] = None,
    term: TermOption = None,
    as_of: AsOfOption = None,
) -> None:
    """按包保责任和结对关系写出四级帮扶责任书（Word）：局领导联系乡镇、股室负责人联系学校（局机关一份），
    学校领导帮扶班级、教师帮扶学生（每校一份）。每份责任书一页，含工作要求和签字、盖章、日期栏。"""
    from datetime import date

    from jiaoyu_fupin.core.terms import Term
    from jiaoyu_fupin.reports.letters.chain import letters_to_write
    from jiaoyu_fupin.reports.letters.docx import write_letters
    from jiaoyu_fupin.reports.summary_basic import home_county

    common.folder_arg(out_dir, "责任书")
    day = common.day_arg(as_of, "截至日期") or date.today()
    parsed = common.term_arg(term) or Term.of_date(day)
    ledger = common.open_ledger(ctx)
    with ledger.engine.connect() as conn:
        found, school = letters_to_write(conn, parsed, day, school)  # the ledger's spelling names the file
        county = home_county(conn) or ""
    written = common.write_file(out_dir, lambda: write_letters(out_dir, found, county, school=school))
    counts = {layer: sum(1 for f in found if f.layer == layer and (school is None or f.school == school))
              for layer in ("leader", "office", "school_leader", "teacher", "helper")}
    out.print(f"已写出 {len(written)} 份责任书文件到 {out_dir}（{parsed}）：局领导联系乡镇 {counts['leader']} 份、"
              f"股室负责人联系学校 {counts['office']} 份、学校领导帮扶班级 {counts['school_leader']} 份、"
              f"教师帮扶学生 {counts['teacher']} 份"
              + (f"、其他帮扶责任人帮扶学生 {counts['helper']} 份" if counts["helper"] else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(pair_app, name="pair")
