"""Problems are values: where, what is wrong, how to fix it. Collected by the library, rendered by the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from jiaoyu_fupin.core.idmask import mask_text


class ClerkError(Exception):
    """A request the ledger cannot answer as asked (no roll for the term, an unknown school, a bad date …).

    `message` says what, `hint` how to fix it, both in Chinese for the clerk. Every refusal the clerk can act on is
    one of these, raised by the library with its hint; the CLI has one handler that prints both and exits 2 for a
    misuse (a value typed wrong, a name not in the ledger) or 1 where the data refuses (`misuse=False`: a roll not
    imported yet, a case already closed). Subclasses add a name, nothing else.
    """

    misuse: bool = True

    def __init__(self, message: str, hint: str = "", *, misuse: bool | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint
        if misuse is not None:
            self.misuse = misuse


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    hint: str = ""
    file: str | None = None
    sheet: str | None = None
    row: int | None = None  # row number as Excel shows it
    column: str | None = None  # header text as written in the file
    letter: str | None = None  # Excel column letter
    value: str | None = None  # the offending value, masked when it is an ID number

    def __post_init__(self) -> None:
        # Problems are shown on screen and in the error workbook's summary: an ID number typed anywhere (学期,
        # 资助项目, a school's name) is masked in what they quote, whatever check built the message.
        for name in ("message", "hint", "value"):
            text = getattr(self, name)
            if isinstance(text, str):
                object.__setattr__(self, name, mask_text(text))

    def location(self, rows: list[int] | None = None, shown: int = 5) -> str:
        """Where the problem is; `rows` for one problem found on several rows (the first `shown` are named)."""
        parts = []
        if self.file:
            parts.append(f"文件“{self.file}”")
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if rows and len(rows) > 1:
            more = "等" if len(rows) > shown else ""
            parts.append(f"第 {'、'.join(map(str, rows[:shown]))} 行{more}共 {len(rows):,} 行")
        elif self.row:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列" + (f"（{self.letter} 列）" if self.letter else ""))
        return "，".join(parts)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def grouped(problems: list[Problem]) -> list[tuple[Problem, list[int]]]:
    """Problems that differ only in their row, as one: (the first of them, every row), in order of first sight.

    A school missing from the list on 90 rows is one thing for the clerk to fix, not 90 lines to read.
    """
    groups: dict[tuple, tuple[Problem, list[int]]] = {}
    for p in problems:
        key = (p.file, p.sheet, p.column, p.letter, p.code, p.message, p.hint, p.value)
        if key not in groups:
            groups[key] = (p, [])
        if p.row:
            groups[key][1].append(p.row)
    return list(groups.values())


class ImportRefused(Exception):
    """A whole file (or command) cannot be imported; carries the problems that say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "导入被拒绝")
        self.problems = problems
