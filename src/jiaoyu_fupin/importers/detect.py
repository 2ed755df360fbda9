"""Which kind a table is, decided from its header alone and never guessed.

A header is taken as a kind only when every column that kind requires is there. A header that names people
(an ID number column, or 姓名 with 性别 / 出生日期 / 学籍号) is never a kind whose rows are not people (学校名单,
the head-count tables). When the header is one required column short of a kind that it resembles more than any
kind it fully fits (a 学籍名册 without 学校名称 still fits a 辍学台账), or two kinds fit alike, the file is refused
with the column, its accepted names and --kind. The rule reads only the kind declarations in columns.py, so a
kind declared there takes part without anything written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiaoyu_fupin.importers.columns import (
    ID_ALIASES,
    KINDS,
    NAME_ALIASES,
    Column,
    Kind,
    bare_key,
    header_key,
    match_headers,
)

SNIFF_ROWS = 30


@dataclass(frozen=True)
class Fit:
    """How a header fits one kind: the fields found, the required columns missing, the signature headers present."""

    kind: Kind
    found: dict[str, int]
    missing: tuple[Column, ...]
    signature: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def strength(self) -> tuple[int, int]:
        """(signature headers, fields matched): how much of the header speaks for this kind."""
        return (len(self.signature), len(self.found))


def assess(kind: Kind, headers: list[str]) -> Fit:
    found = match_headers(kind, headers)
    keys = {header_key(h) for h in headers}
    keys |= {bare_key(k) for k in keys}
    return Fit(kind, found, tuple(c for c in kind.required if c.field not in found),
               tuple(s for s in kind.signature if header_key(s) in keys))


# A person's marks in a header: an ID number column, or 姓名 beside 性别 / 出生日期 / 学籍号.
_ID_KEYS = frozenset(header_key(a) for a in (*ID_ALIASES, "证件号码", "公民身份号码"))
_NAME_KEYS = frozenset(header_key(a) for a in NAME_ALIASES)
_BESIDE_NAME = frozenset(header_key(a) for a in ("性别", "出生日期", "学籍号", "全国学籍号"))


def lists_people(kind: Kind) -> bool:
    """Whether a row of the kind is a person: some column takes a name or an ID number (学校名单 and the head-count
    tables have neither, so a header that names people is never one of them)."""
    return any("身份证" in k or k in _ID_KEYS or k.endswith("姓名") for c in kind.columns for k in map(header_key, c.aliases))


def people_columns(headers: list[str]) -> list[str]:
    """The header texts that show the rows are people (an ID number column, or 姓名 with 性别, 出生日期 or 学籍号);
    [] when the header does not name people."""
    keys = [(h, bare_key(header_key(h))) for h in headers if header_key(h)]
    ids = [h for h, k in keys if k in _ID_KEYS] + [h for h, k in keys if "身份证" in k and k not in _ID_KEYS]
    names = [h for h, k in keys if k in _NAME_KEYS]
    beside = [h for h, k in keys if k in _BESIDE_NAME]
    if names and (ids or beside):
        return [*names[:1], *(ids or beside)[:2]]
    return ids[:2]


@dataclass
class Header:
    """Where a table's header was found: its last row (0-based), its texts by position, and which positions took
    their text from the row above (a two-line header whose group cells span both lines)."""

    row: int
    cells: list[str]
    above: frozenset[int] = frozenset()


@dataclass
class Finding:
    """What a header says: the kind it is (`fit`), or why it cannot be taken (`refusal`: code, message, hint)
    with the kind it is one column short of (`likely`, None when nothing that close)."""

    header: Header
    fit: Fit | None = None
    refusal: tuple[str, str, str] | None = None
    likely: Kind | None = None
    rank: tuple = ()  # how strongly this row is a header: complete fits first, then near misses

    @property
    def kind(self) -> Kind:
        return self.fit.kind if self.fit else self.likely


def two_line(upper: list[str], lower: list[str]) -> tuple[list[str], frozenset[int]]:
    """A two-line header read as one: 序号、姓名、身份证号码 merged down over both lines sit in the upper line,
    资助项目、资助金额 under a merged 资助情况 sit in the lower one; each column takes the lower text when it has one."""
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    cells = [b or a for a, b in zip(upper, lower, strict=True)]
    return cells, frozenset(i for i, (a, b) in enumerate(zip(upper, lower, strict=True)) if a and not b)


def candidates(kind: str | None) -> list[Kind]:
    if kind is None:
        return list(KINDS.values())
    if kind not in KINDS:
        raise ValueError(kind)
    return [KINDS[kind]]


def locate(grid: list[list[str]], kinds: list[Kind]) -> Finding | None:
    """The strongest header over the first rows of a sheet. Each row is tried alone and together with the row
    below it; on equal strength one line beats two, and the earlier row beats the later one."""
    best = None
    for r, row in enumerate(grid):
        if sum(1 for v in row if v) < 2:
            continue
        tries = [(Header(r, row), 1)]
        if r + 1 < len(grid) and any(grid[r + 1]):
            cells, above = two_line(row, grid[r + 1])
            tries.append((Header(r + 1, cells, above), 0))
        for header, one_line in tries:
            found = judge(header, kinds)
            if found is not None:
                found.rank = (*found.rank, one_line)
                if best is None or found.rank > best.rank:
                    best = found
    return best


def judge(header: Header, kinds: list[Kind]) -> Finding | None:
    """The kind a header is, or why it is refused; None when it looks like no header at all."""
    chosen = len(kinds) == 1  # --kind: the user's choice is checked, not second-guessed
    people = people_columns(header.cells)
    fits = [assess(k, header.cells) for k in (kinds if chosen else KINDS.values())]
    allowed = [f for f in fits if not (people and not lists_people(f.kind))]
    complete = [f for f in allowed if f.complete and (chosen or not f.kind.needs_signature or f.signature)]
    near = [f for f in allowed if len(f.missing) == 1 and len(f.found) >= 2]
    if chosen:
        return _judge_chosen(header, fits[0], people)
    if complete:
        best = max(complete, key=lambda f: f.strength)
        rank = (2, *best.strength)
        stronger = [f for f in near if (_marks(f, best), len(f.found)) > (_marks(best, f), len(best.found))]
        if stronger:
            return _near_miss(header, stronger, rank, also=best)
        if rivals := _rivals(best, complete):
            names = "、".join(f"{f.kind.title}（--kind {f.kind.name}）" for f in [best, *rivals])
            if best.signature:
                marks = "；".join(f"{f.kind.title}：{'、'.join(f.signature)}" for f in [best, *rivals] if f.signature)
                why = f"表头同时有几类文件各自特有的列（{marks}）"
            else:
                why = "表头只有几类文件共有的列"
            return Finding(header, refusal=(
                "kind_unknown", f"{why}，无法判断是哪一类：可能是{names}{_not_people(people, fits)}",
                f"请用 --kind 指定类型，例如 --kind {best.kind.name}"), rank=rank)
        return Finding(header, fit=best, rank=rank)
    if near:
        best = max(f.strength for f in near)
        return _near_miss(header, [f for f in near if f.strength == best], (1, *best))
    if spared := _not_people(people, fits):
        return Finding(header, refusal=("kind_unknown", "无法判断这是哪一类文件：" + spared.strip("（）"),
                                         "请检查是否选错了文件，或用 --kind 指定类型"), rank=(1, 0, 0))
    return None


def _marks(fit: Fit, other: Fit) -> int:
    """How many of the header's columns speak for `fit` against `other`: signature columns of fit's kind that
    other's kind does not read (就读方式 marks a roll, but an away list has 就读方式 too)."""
    theirs = {header_key(a) for c in other.kind.columns for a in c.aliases}
    return sum(1 for s in fit.signature if header_key(s) not in theirs)


def _rivals(best: Fit, complete: list[Fit]) -> list[Fit]:
    """Kinds the header fits as well as the best one: with columns particular to them at least as many as the best
    one has against them (a county's payment export is its list of students studying away plus 资助项目 and
    资助金额), or, where nothing is particular, nearly as many columns."""
    others = [f for f in complete if f is not best and f.found]
    if best.signature:
        return [f for f in others if 0 < _marks(f, best) >= _marks(best, f)]
    return [f for f in others if len(f.found) >= len(best.found) - 1]


def _near_miss(header: Header, near: list[Fit], rank: tuple, also: Fit | None = None) -> Finding:
    """Refuse a header one required column short of the kind(s) it looks like most."""
    near = sorted(near, key=lambda f: f.strength, reverse=True)
    best = near[0]
    if len(near) == 1:
        message = f"这个表像是{best.kind.title}，但表头缺少必需的“{best.missing[0].title}”列"
    else:
        looks = "或".join(f"{f.kind.title}（缺少“{f.missing[0].title}”列）" for f in near[:3])
        message = f"这个表像是{looks}，但都少一个必需的列"
    if also is not None:
        message += f"。它的列虽然够得上{also.kind.title}，但不会被当作{also.kind.title}导入"
    names = "；".join(f"“{f.missing[0].title}”列可以写作：{'、'.join(f.missing[0].aliases)}" for f in near[:3])
    hint = f"请在表头加上这一列（{names}），改好后可用 --kind {best.kind.name} 指定按{best.kind.title}导入"
    if also is not None:
        hint += f"；如果它确实是{also.kind.title}，请加 --kind {also.kind.name}"
    return Finding(header, refusal=("column_missing", message, hint), likely=best.kind, rank=rank)


def _judge_chosen(header: Header, fit: Fit, people: list[str]) -> Finding | None:
    kind = fit.kind
    if people and not lists_people(kind) and fit.complete:
        shown = "、".join(f"“{h}”" for h in people)
        return Finding(header, refusal=(
            "kind_mismatch", f"表头有{shown}等列，列的是人，不是{kind.title}（--kind {kind.name}）",
            f"{kind.title}每行不是一个人；请检查是否选错了文件，或改用别的 --kind"), rank=(2, *fit.strength))
    if fit.complete:
        return Finding(header, fit=fit, rank=(2, *fit.strength))
    if len(fit.found) < 2:  # one cell that happens to be a column name (学校) is no header
        return None
    missing = "、".join(f"“{c.title}”" for c in fit.missing)
    hint = "；".join(f"“{c.title}”列可以写作：{'、'.join(c.aliases)}" for c in fit.missing)
    return Finding(header, refusal=(
        "column_missing", f"按 --kind {kind.name} 读作{kind.title}，但表头缺少必需的列：{missing}",
        f"请在表头加上{'这一列' if len(fit.missing) == 1 else '这些列'}（{hint}），或检查 --kind 是否选对"),
        likely=kind if len(fit.missing) == 1 else None, rank=(1, *fit.strength))


def _not_people(people: list[str], fits: list[Fit]) -> str:
    """Says, where it matters, that a header naming people was not read as a kind without people."""
    spared = [f.kind.title for f in fits if f.complete and not lists_people(f.kind)]
    if not people or not spared:
        return ""
    return f"（表头有{'、'.join(f'“{h}”' for h in people)}，列的是人，不会当作{'、'.join(spared)}）"


def no_header(kinds: list[Kind], where: str) -> tuple[str, str, str]:
    """(code, message, hint) for a sheet or file in which no header of any kind was found."""
    if len(kinds) == 1:
        k = kinds[0]
        need = "、".join(f"“{c.title}”" for c in k.required)
        return ("header_missing",
                f"在{where}的前 {SNIFF_ROWS} 行没有找到{k.title}（--kind {k.name}）的表头（必需的列：{need}）",
                f"请确认表头行包含这些列名（可用 fupin template {k.name} 生成标准模板对照），或用 --sheet 指定工作表；"
                "也请检查 --kind 是否选对")
    return ("kind_unknown", "无法从表头判断这是哪一类文件（学籍、发放名册、国扶办数据……）",
            "请检查表头是否完整，或用 --kind 指定类型：" + "、".join(KINDS))
