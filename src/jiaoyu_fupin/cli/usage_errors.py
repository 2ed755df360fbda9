"""Typer's own misuse messages (an unknown option, a missing --term, a word where a number goes) in Chinese.

Everything else a clerk reads is Chinese; these few came out of the command-line library in English. They are
rewritten by pattern on the final text, so a message we do not know keeps its English rather than vanishing.
"""

from __future__ import annotations

import re

_NUMBER_KINDS = {"integer": "整数", "number": "数字"}


def _no_such_command(m: re.Match) -> str:
    guess = "；是不是 " + m["guess"].replace("'", "") + "？" if m["guess"] else ""
    return f"没有“{m['name']}”这个命令{guess}"


def _no_such_option(m: re.Match) -> str:
    close = m["close"] or m["guess"]
    return f"没有 {m['name']} 这个选项" + (f"；可用的相近选项：{close}" if close else "")


def _invalid(m: re.Match) -> str:
    kind = re.search(r"valid (integer|number)", m["detail"])
    detail = "须为" + _NUMBER_KINDS[kind[1]] if kind else m["detail"]
    return f"{m['name']} 的值不对：{detail}"


_PATTERNS = [
    (re.compile(r"^No such command '(?P<name>.+?)'\.(?: Did you mean (?P<guess>.+)\?)?$"), _no_such_command),
    (re.compile(r"^No such option: (?P<name>\S+)(?: Did you mean (?P<guess>\S+)\?)?(?: \(Possible options: "
                r"(?P<close>.+)\))?$"), _no_such_option),
    (re.compile(r"^Missing option '(?P<name>.+?)'\..*$", re.S), lambda m: f"缺少必填的选项 {m['name']}"),
    (re.compile(r"^Option '(?P<name>.+?)' requires an argument\.$"), lambda m: f"选项 {m['name']} 后面要写一个值"),
    (re.compile(r"^Option '(?P<name>.+?)' does not take a value\.$"), lambda m: f"选项 {m['name']} 后面不写值"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<extra>.+)\)$"), lambda m: f"多余的参数：{m['extra']}"),
    (re.compile(r"^Invalid value for '(?P<name>.+?)': (?P<detail>.*)$", re.S), _invalid),
]


def in_chinese(error) -> str | None:
    """The Chinese text for a Typer usage error, or None to keep its own."""
    from typer._click.exceptions import MissingParameter

    if isinstance(error, MissingParameter) and getattr(error.param, "param_type_name", "") == "argument":
        what = (getattr(error.param, "help", None) or error.param.name or "").split("，")[0]
        return f"缺少必填的参数：{what}"
    text = error.format_message()
    for pattern, render in _PATTERNS:
        m = pattern.match(text)
        if m:
            return render(m)
    return None


def install() -> None:
    """Route Typer's error panel through in_chinese (the panel's title is already 错误)."""
    from typer import rich_utils

    original = rich_utils.rich_format_error
    if getattr(original, "chinese", False):
        return

    def rich_format_error(error) -> None:
        message = in_chinese(error)
        if message is not None:
            error.format_message = lambda: message
        original(error)

    rich_format_error.chinese = True
    rich_utils.rich_format_error = rich_format_error
