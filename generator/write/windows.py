"""What Windows needs besides the rest, behind one switch (`IS_WINDOWS`) that tests flip: the hidden
attribute of the tool's own files, the path length Word can open, and the byte-range lock of the run
lock. Off Windows every function here does nothing (the dot before our file names already hides them).

The system calls go through `kernel32()` and `msvcrt()`, so that a test on Linux can put a fake in their
place and see what would be called on Windows; nothing else in the package imports ctypes or msvcrt.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

IS_WINDOWS = os.name == "nt"
FILE_ATTRIBUTE_HIDDEN = 0x2
FILE_ATTRIBUTE_NORMAL = 0x80  # "no attributes"; only valid on its own
MAX_PATH = 260  # Windows' limit, counting the closing NUL character
WORD_MAX_PATH = MAX_PATH - 1  # the longest full path (drive, folders, name) that Word opens or saves
IO_REPARSE_TAG_MOUNT_POINT = 0xA0000003  # a junction: a folder link that is no symbolic link to lstat


@lru_cache(maxsize=1)
def kernel32():
    """The Win32 kernel through ctypes, loaded on first use (only on Windows)."""
    import ctypes
    from ctypes import wintypes

    kernel = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel.SetFileAttributesW.argtypes = (wintypes.LPCWSTR, wintypes.DWORD)
    kernel.SetFileAttributesW.restype = wintypes.BOOL
    return kernel


def msvcrt() -> ModuleType:
    """The C runtime's locking() (only on Windows)."""
    import msvcrt as runtime

    return runtime


def _last_error() -> int:
    import ctypes

    return getattr(ctypes, "get_last_error", lambda: 0)()


def set_hidden(path: Path | str, hidden: bool = True) -> bool:
    """Give `path` the hidden attribute (or take it away); True when done. Our own files only, which
    have no other attribute worth keeping, so the attribute is set, not added. Never fatal: a file that
    stays visible is merely in sight (logged at debug)."""
    if not IS_WINDOWS:
        return False
    attribute = FILE_ATTRIBUTE_HIDDEN if hidden else FILE_ATTRIBUTE_NORMAL
    try:
        if kernel32().SetFileAttributesW(str(path), attribute):
            return True
        log.debug("%s: verbergen/tonen mislukt (Windows-fout %d)", path, _last_error())
    except Exception as exc:  # no kernel32, an odd path: the run never fails for an attribute
        log.debug("%s: verbergen/tonen mislukt (%s)", path, exc)
    return False


def path_length(path: Path | str) -> int:
    """The length of the full path as Windows counts it: UTF-16 code units, an emoji counts two."""
    full = os.path.abspath(os.fspath(path))
    return len(full.encode("utf-16-le", "surrogatepass")) // 2


def too_long(path: Path | str) -> int | None:
    """The length of `path` when, on Windows, it is longer than Word can open; else None."""
    if not IS_WINDOWS:
        return None
    length = path_length(path)
    return length if length > WORD_MAX_PATH else None


def is_junction(st: os.stat_result) -> bool:
    """Whether an lstat result is a junction (Windows' other folder link; a symbolic link is S_ISLNK).
    Only that reparse tag: OneDrive's files on demand are reparse points too, and are plain files."""
    return IS_WINDOWS and getattr(st, "st_reparse_tag", 0) == IO_REPARSE_TAG_MOUNT_POINT


def lock_byte(fd: int) -> None:
    """Lock the first byte of the open file `fd`, without waiting; OSError when another process has it."""
    runtime = msvcrt()
    os.lseek(fd, 0, os.SEEK_SET)  # locking() works from the current position: always byte 0
    runtime.locking(fd, runtime.LK_NBLCK, 1)


def unlock_byte(fd: int) -> None:
    """Unlock what lock_byte locked. Before closing the file: Windows leaves it undefined when a file
    is closed with a byte-range lock held (the lock may linger until the system gets to it)."""
    runtime = msvcrt()
    os.lseek(fd, 0, os.SEEK_SET)
    runtime.locking(fd, runtime.LK_UNLCK, 1)
