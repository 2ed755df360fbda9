"""Subsidy programs and standards as data, read from a TOML policy file (store/policy.py installs them)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jiaoyu_fupin.core.poverty import CATEGORIES
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.core.resources import default_policy_path
from jiaoyu_fupin.core.stages import STAGES
from jiaoyu_fupin.core.terms import Term, TermError

PERIODS = ("term", "year", "once")
# Every key a policy file may use: a misspelt one (boardng, [[standards]]) must stop the file, not be skipped, or
# the county's standard silently means something else, or, with no [[standard]] read at all, every standard goes.
# key → what the report calls it; the order is the order of the sign-off lines.
KEYS = {"unit": "填报单位", "preparer": "填报人", "reviewer": "审核人", "phone": "联系电话"}
_FILE_KEYS = {"extends", "program", "standard", "ceiling_times", "report", "names"}
_PROGRAM_KEYS = {"code", "name", "aliases", "per", "ceiling"}
# One payment above its program's ceiling is refused at import: a bank card or ID number pasted into 金额 read as
# 6,228,483,519,635,143,643 元. The ceiling is ceiling_times (default 10) the program's largest standard, or the
# program's own `ceiling`; never above PAYMENT_LIMIT, which every report can add up without overflowing.
CEILING_TIMES = Decimal(10)
PAYMENT_LIMIT = Decimal(100_000_000)
# A stored payment above the limit (let in by an older fupin) is no sum of money: totals count the payment but leave
# its amount out, so adding a bank card number can neither overflow a sum nor pass for money paid; the coverage
# check lists it with its amount as recorded.
COUNTABLE_FEN = int(PAYMENT_LIMIT * 100)
_STANDARD_KEYS = {"program", "stage", "categories", "boarding", "grades", "place", "term_from", "term_to", "amount",
                  "school"}


class PolicyError(ClerkError, ValueError):
    """A policy file that cannot be used; the message names the file and the entry."""


@dataclass
class Policy:
    source: str
    programs: list[dict] = field(default_factory=list)
    standards: list[dict] = field(default_factory=list)
    ceiling_times: Decimal = CEILING_TIMES
    ceilings: dict[str, Decimal] = field(default_factory=dict)  # program code -> configured ceiling in 元
    report: dict[str, str] = field(default_factory=dict)  # [report]: unit, preparer … (settings.KEYS)
    # [names]: a name rosters write → the program codes it may mean. One code: an alias the county adds. Several:
    # a shared name (国家助学金), the program decided per row by the student's stage and 就读方式 on that term's roll.
    names: dict[str, list[str]] = field(default_factory=dict)


def load_policy(path: Path | None = None) -> Policy:
    """The policy file at `path` (default: the bundled one), a county file on top of the defaults if it extends them."""
    return _with_names(_read(path))


def _read(path: Path | None) -> Policy:
    path = Path(path) if path else default_policy_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PolicyError(f"找不到资助标准文件 {path}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(f"资助标准文件 {path} 不是 UTF-8 编码：请用记事本打开，“另存为”时编码选 UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib explains in English; the clerk gets the place and the usual causes instead.
        at = re.search(r"at line (\d+), column (\d+)", str(exc))
        where = f"第 {at[1]} 行第 {at[2]} 列附近" if at else ""
        raise PolicyError(
            f"资助标准文件 {path} {where}不符合 TOML 写法：常见原因是方括号或引号没有成对（[[standard]]、\"…\"），"
            "文字没有加引号，或同一项写了两次；请对照自带的 default.toml 修改") from exc
    policy = Policy(source=path.name)
    _known_keys(raw, _FILE_KEYS, path.name)
    policy.report = _report(raw.get("report", {}), path.name)
    base = raw.get("extends")
    if base not in (None, "default"):
        raise PolicyError(f"{path.name}：extends 只能写 \"default\"（在默认标准上增改），现在是“{base}”")
    codes = set()
    for i, entry in enumerate(raw.get("program", []), start=1):
        where = f"{path.name} 第 {i} 个 [[program]]"
        _known_keys(entry, _PROGRAM_KEYS, where)
        code, name = entry.get("code"), entry.get("name")
        if not code or not name:
            raise PolicyError(f"{where}：缺少 code 或 name")
        per = entry.get("per", "term")
        if per not in PERIODS:
            raise PolicyError(f"{where}：per 只能是 term、year 或 once，现在是“{per}”")
        codes.add(code)
        if "ceiling" in entry:
            policy.ceilings[code] = _positive(entry["ceiling"], f"{where}：ceiling（单笔上限）")
        policy.programs.append(
            {"code": code, "name": name, "aliases": "|".join(entry.get("aliases", [])), "per": per}
        )
    if "ceiling_times" in raw:
        policy.ceiling_times = _positive(raw["ceiling_times"], f"{path.name}：ceiling_times（单笔上限为最高标准的几倍）")
    default = _read(None) if base else None
    if default:
        codes |= {p["code"] for p in default.programs}
    for i, entry in enumerate(raw.get("standard", []), start=1):
        policy.standards.append(_standard(entry, f"{path.name} 第 {i} 个 [[standard]]", codes, path.name))
    policy.names = _names(raw.get("names", {}), codes, path.name)
    if not base and not policy.standards:
        raise PolicyError(f"{path.name}：没有任何 [[standard]]（资助标准）；不写 extends = \"default\" 时文件要给出全部标准")
    return _extend(default, policy) if default else policy


def _names(raw, codes: set[str], source: str) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}：[names] 应写成 名称 = \"项目代码\" 或 名称 = [\"代码1\", \"代码2\"]")
    names = {}
    for name, target in raw.items():
        targets = [target] if isinstance(target, str) else target
        if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
            raise PolicyError(f"{source} [names]“{name}”：应写项目代码，或几个项目代码的列表")
        unknown = [t for t in targets if t not in codes]
        if unknown:
            raise PolicyError(f"{source} [names]“{name}”：资助项目“{'、'.join(unknown)}”没有在 [[program]] 中定义")
        names[name] = list(dict.fromkeys(targets))
    return names


def _with_names(policy: Policy) -> Policy:
    """Spread [names] onto the programs: a one-program name joins its aliases; a shared name goes into
    shared_names of every program it may mean. A name may not mean one program and several at once."""
    shared = {_key(n) for n, targets in policy.names.items() if len(targets) > 1}
    programs = []
    for program in policy.programs:
        written = [program["name"], *filter(None, program["aliases"].split("|"))]
        clash = [n for n in written if _key(n) in shared]
        if clash:
            raise PolicyError(f"{policy.source}：“{clash[0]}”既是资助项目“{program['name']}”的名称或别名，又在 [names] 中"
                              "指几个项目；请只留一处")
        added = [n for n, targets in policy.names.items() if targets == [program["code"]]]
        programs.append({**program, "aliases": "|".join(dict.fromkeys(a for a in [*written[1:], *added] if a)),
                         "shared_names": "|".join(n for n, targets in policy.names.items()
                                                  if len(targets) > 1 and program["code"] in targets)})
    return dataclasses.replace(policy, programs=programs)


def _key(name: str) -> str:
    """Names compared as the importer compares them: without spaces and width differences (全角/半角)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _extend(default: Policy, county: Policy) -> Policy:
    """A county file that says extends = "default": its programs are added (or renamed, same code), and a program
    it gives any standard for takes all its standards from the county file, from the first term the file gives
    for it; the terms before keep the defaults, so a new standard "from 2021秋" leaves older checks as they were.
    Other programs keep the defaults."""
    programs = {p["code"]: p for p in default.programs}
    programs.update({p["code"]: p for p in county.programs})
    starts: dict[str, Term] = {}
    for s in county.standards:
        start = Term.parse(s["term_from"])
        starts[s["program"]] = min(start, starts.get(s["program"], start))
    standards = []
    for s in default.standards:
        start = starts.get(s["program"])
        if start is None:
            standards.append(s)
        elif Term.parse(s["term_from"]) < start:
            end = start.prev()
            if s["term_to"] is not None and Term.parse(s["term_to"]) < end:
                end = Term.parse(s["term_to"])
            standards.append({**s, "term_to": str(end)})
    # A county's [names] entry replaces the default's for the same name (一补 meaning only 寄宿生生活补助 there).
    names = {**default.names, **county.names}
    return Policy(source=county.source, programs=list(programs.values()), standards=standards + county.standards,
                  names=names, ceiling_times=county.ceiling_times,
                  ceilings={**default.ceilings, **county.ceilings}, report=county.report)


def _positive(value, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(0)
    if not amount.is_finite() or amount <= 0:
        raise PolicyError(f"{what}必须是大于 0 的数，例如 \"5000\"，现在是“{value}”")
    return amount








def _known_keys(entry: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise PolicyError(f"{where}：不认识的项 {'、'.join(unknown)}（可用的项：{'、'.join(sorted(allowed))}）")


def _report(entry, where: str) -> dict[str, str]:
    """[report]: the settings the county's reports are signed with, such as unit = "建始县教育局"."""

    if not isinstance(entry, dict):
        raise PolicyError(f"{where}：report 应写成 [report] 表，如 unit = \"建始县教育局\"")
    _known_keys(entry, set(KEYS), f"{where} [report]")
    for key, value in entry.items():
        if not isinstance(value, str) or not value.strip():
            raise PolicyError(f"{where} [report]：{key}（{KEYS[key]}）应写成带引号的文字，如 {key} = \"…\"")
    return {key: value.strip() for key, value in entry.items()}


def _standard(entry: dict, where: str, codes: set[str], source: str) -> dict:
    _known_keys(entry, _STANDARD_KEYS, where)
    if entry.get("stage") not in STAGES:
        raise PolicyError(f"{where}：stage 有误“{entry.get('stage', '（未写）')}”，可选 {'、'.join(STAGES)}")
    program = entry.get("program")
    if program not in codes:
        raise PolicyError(f"{where}：资助项目“{program}”没有在 [[program]] 中定义")
    try:
        amount = Decimal(str(entry["amount"]))
    except (KeyError, InvalidOperation) as exc:
        raise PolicyError(f"{where}：amount 必须是金额，例如 \"312.5\"") from exc
    if amount <= 0:
        raise PolicyError(f"{where}：amount 必须大于 0")
    categories = entry.get("categories", [])
    unknown = [c for c in categories if c not in CATEGORIES]
    if not categories or unknown:
        raise PolicyError(f"{where}：categories 取值有误 {unknown or '（为空）'}，可选 {', '.join(CATEGORIES)}")
    try:
        term_from = str(Term.parse(entry["term_from"]))
        term_to = str(Term.parse(entry["term_to"])) if entry.get("term_to") else None
    except (KeyError, TermError) as exc:
        raise PolicyError(f"{where}：term_from / term_to 有误：{exc}") from exc
    grades = entry.get("grades")
    return {
        "program": program,
        "stage": entry["stage"],
        "categories": ",".join(categories),
        "boarding": entry.get("boarding"),
        "grades": ",".join(str(g) for g in grades) if grades else None,
        "place": entry.get("place"),
        "term_from": term_from,
        "term_to": term_to,
        "amount": amount,
        "source": source,
        # A school's own amount (普通高中免学费 is that school's tuition); no school: every school without one.
        "school": entry.get("school"),
    }




def fingerprint(policy: Policy) -> str:
    """The policy's version as a ledger records it: its file's name and a digest of its programs and standards (not of
    its comments or layout), so the same standards give the same version wherever they were installed."""
    programs = sorted(policy.programs, key=lambda p: p["code"])
    standards = sorted(json.dumps(s, sort_keys=True, default=str, ensure_ascii=False) for s in policy.standards)
    body = json.dumps([programs, standards], sort_keys=True, default=str, ensure_ascii=False)
    return f"{policy.source}@{hashlib.sha256(body.encode('utf-8')).hexdigest()[:12]}"
