"""Living with the native readers: calamine (Rust) panics and prints past Python, and Arrow and glibc keep memory
that is already freed. Used wherever a workbook is read."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys


def library_failure(exc: BaseException) -> bool:
    """An error of the Excel readers: their own exceptions, and calamine's Rust panics on some damaged files, which
    reach Python as pyo3's PanicException, a BaseException that `except Exception` let through as a traceback."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def native_stderr_silenced():
    """calamine's Rust panics print their message (and with RUST_BACKTRACE a backtrace) straight to file descriptor
    2, past Python: while it reads, that goes nowhere, and the clerk gets the Chinese message instead."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (a service, a test capturing it)
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def release_freed_memory() -> None:
    """Hand memory that is already freed back to the operating system.

    calamine's cell grid (about a gigabyte for a million rows) is freed once the sheet is in Arrow, but glibc keeps
    those pages; without this the rest of the import would stack its own peak on top of them.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()  # Arrow's own pool keeps freed blocks too
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
