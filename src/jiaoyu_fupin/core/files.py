"""Files fupin writes: whole or not at all, readable by their owner alone when they hold children's personal data,
and no temporary copy left behind.

A file is written under a temporary name in its own folder (so the final step is a rename on one file system),
created 0600 before a byte goes into it: a workbook of full ID numbers is never readable by others, not even half
written. A process killed outright (SIGKILL, a power cut) cannot remove its temporary file; the next write into
that folder sweeps it, as `sweep` does for copies of the ledger left in the temporary folder.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from jiaoyu_fupin.core.problems import ClerkError

PRIVATE = 0o600
PUBLIC = 0o644
# A temporary file is stale once the process that made it is gone; one whose process number has since been given
# to another process is swept once it is a day old (no export takes that long).
STALE_SECONDS = 24 * 3600
_TEMP_FILE = re.compile(r"^\..+\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


def temp_name(path: Path) -> Path:
    """`.<name>.<pid>.<random>.tmp` beside `path`: hidden, and telling which process made it."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def public_mode() -> int:
    """0644, narrowed by a stricter umask should the county's machine set one."""
    mask = os.umask(0o022)
    os.umask(mask)
    return PUBLIC & ~mask


def write_atomic(path: Path, write: Callable[[Path], object], *, private: bool = False) -> Path:
    """Write through `write(temporary_path)`, then rename: a crash or a full disk never leaves a half-written file
    where the clerk expects one. `private` files (full ID numbers, phones, addresses) end 0600, others 0644."""
    path = Path(path)
    require_folder(path.parent, f"“{path.name}”")
    sweep(path.parent)
    tmp = temp_name(path)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    try:
        write(tmp)
        os.chmod(tmp, PRIVATE if private else public_mode())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):  # alive, and another user's
        return False
    return False


def _stale(entry: os.DirEntry, pid: int, now: float) -> bool:
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False  # never another user's file
    return _gone(pid) or now - info.st_mtime > STALE_SECONDS


def sweep(folder: Path, pattern: re.Pattern = _TEMP_FILE) -> list[Path]:
    """Remove what killed runs left in `folder` (files or folders whose name matches `pattern`, with a `pid` group);
    return what was removed. Nothing here may stop the write that called it."""
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.match(entry.name)
        if not found or not _stale(entry, int(found["pid"]), now):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


# Waits until its stdin closes (the parent ended, however it ended), then removes the folder.
_GUARD = "import shutil, sys\nsys.stdin.buffer.read()\nshutil.rmtree(sys.argv[1], ignore_errors=True)\n"


@contextmanager
def removed_on_exit(folder: Path) -> Iterator[Path]:
    """`folder` is removed when the block ends, and also when this process is killed outright: a small watcher
    process in its own session holds the other end of a pipe and removes the folder once the pipe closes."""
    guard = None
    # Without a watcher the folder is still removed below, and swept by a later run if this one is killed.
    with suppress(OSError):
        guard = subprocess.Popen([sys.executable, "-I", "-S", "-c", _GUARD, str(folder)], stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if guard is not None:
            guard.stdin.close()
            guard.wait()


# ---- where a command is told to write: checked before any work, refused with the reason when writing fails ------


def os_reason(exc: OSError) -> str:
    """Why a file could not be written, in Chinese (the system's own text is English)."""
    import errno

    reasons = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "所在磁盘只读",
               errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "磁盘配额已用完", errno.ENOENT: "文件夹不存在",
               errno.EISDIR: "这是一个文件夹", errno.ENAMETOOLONG: "文件名太长"}
    if exc.errno == errno.ENOENT and exc.filename and Path(exc.filename).parent.is_dir():
        # The folder is there, yet the file cannot be made in it: /proc and /sys answer "no such file".
        return f"文件夹“{Path(exc.filename).parent}”里不能新建文件（系统的特殊文件夹，如 /proc，不能存放文件）"
    return reasons.get(exc.errno, f"系统错误 {exc.errno}" if exc.errno else str(exc))


def require_xlsx(path: Path | None, example: str) -> None:
    """Workbooks we write are .xlsx, into a folder that exists, not onto a folder; anything else is misuse, refused
    before any work is done (found only when saving, it came after the check had printed as if all was well)."""
    if path is None:
        return
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ClerkError(f"输出文件“{path}”须以 .xlsx 结尾", f"例如 --out {example}")
    require_folder(path.parent, f"输出文件“{path}”")
    if path.is_dir():
        raise ClerkError(f"输出文件“{path}”是一个已有的文件夹", f"请写文件名，例如 --out {example}")


# Folders made for the command being run, for the CLI to name on screen once it ends (cli/main.py).
_made: list[Path] = []


def require_folder(folder: Path, what: str, *, make: bool = True) -> None:
    """Output goes into the folder the clerk named. Every command treats a missing one alike: that one folder is
    made (the README's `--out 责任书` works as written), and the CLI names it on screen, so a mistyped name shows at
    once; its missing parents are not (a typo would otherwise grow a tree where the clerk never looks), so a path
    whose parent is missing too is refused. `make=False`: only a folder that exists (where the ledger lives)."""
    folder = Path(folder)
    if folder.is_dir():
        return
    if folder.exists():
        raise ClerkError(f"{what}所在的“{folder}”不是文件夹", "请检查路径是否写对")
    if not make or not folder.parent.is_dir():
        raise ClerkError(f"{what}所在的文件夹“{folder}”不存在",
                         "请检查路径是否写对；不存在的文件夹 fupin 只新建最后一级，上一级须已存在" if make
                         else "请先建好该文件夹，或检查路径是否写对")
    try:
        folder.mkdir()
    except FileExistsError:
        return
    except OSError as exc:
        raise ClerkError(f"无法新建{what}所在的文件夹“{folder}”：{os_reason(exc)}", "请检查路径和写入权限") from exc
    _made.append(folder)


def made_folders() -> list[Path]:
    """The folders require_folder made since the last call (emptied by it)."""
    made = list(_made)
    _made.clear()
    return made


def write_or_refuse(path: Path, write: Callable[[], object]):
    """Run `write()`; a file that cannot be written (a folder without permission, a workbook open in Excel) is the
    clerk's to fix: a ClerkError with the reason, and the atomic writers have left nothing half-written behind."""
    try:
        return write()
    except OSError as exc:
        raise ClerkError(f"无法写入“{path}”：{os_reason(exc)}",
                         "请检查是否有写入权限、磁盘是否已满、文件是否正被 Excel 打开") from exc
