"""An unexpected error (a bug): one line of apology on screen, the traceback in a file only its owner can read, exit 3.

A clerk cannot act on a traceback, and its frames could show children's data; a maintainer needs it whole. So the
screen gets one Chinese line saying where the details went, and the file gets the traceback without local variables,
every long run of digits (ID numbers, phones, bank cards) blotted out. common.clerk_errors then exits 3
(EXIT_CRASH), apart from findings (1) and misuse (2) for cron and scripts.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from datetime import datetime
from pathlib import Path

LOG_NAME = "fupin-错误记录.log"
# 11 digits or more: a phone number, an ID number (15 or 18, X last), a bank card. Line numbers and years are shorter.
_LONG_DIGITS = re.compile(r"\d{11,}[Xx]?")


def log_folder() -> Path:
    """$XDG_STATE_HOME/fupin, else ~/.local/state/fupin: the usual home of a program's logs on Linux."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "fupin"


def blotted(text: str) -> str:
    return _LONG_DIGITS.sub(lambda m: "*" * len(m.group()), text)


def write_log(exc: BaseException, argv: list[str]) -> Path | None:
    """Append the traceback (no locals) to the log, created 0600 in a 0700 folder; None when it cannot be written."""
    command = command_words(argv)
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    entry = (f"==== {datetime.now():%Y-%m-%d %H:%M:%S}  fupin {command}\n"
             f"Python {sys.version.split()[0]}\n" + blotted("".join(lines)) + "\n")
    folder = log_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / LOG_NAME
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            os.fchmod(f.fileno(), 0o600)  # an older log made with a looser umask is tightened too
            f.write(entry)
        return path
    except OSError:
        return None


def apology(path: Path | None) -> str:
    where = f"详细信息已写入 {path}（只有本人可读）" if path else "详细信息无法写入日志文件"
    return f"抱歉，fupin 内部出错（是程序的问题，不是您的操作或数据的问题），命令没有完成；{where}，请发给维护人员。"


def command_words(argv: list[str]) -> str:
    """The command as typed, for the log, without the --db value (a database address may hold a password)."""
    words, skip = [], False
    for word in argv:
        if skip:
            skip = False
        elif word == "--db":
            skip = True
        elif not word.startswith("--db="):
            words.append(word)
    return " ".join(words)
