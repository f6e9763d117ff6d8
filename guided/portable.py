"""Small things that differ between Linux, macOS and Windows (see docs/portability.md)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WINDOWS = sys.platform == "win32"


def pid_alive(pid: int, *, windows: bool = WINDOWS) -> bool:
    """Whether process ``pid`` is still running (another user's counts as running).

    On Windows ``os.kill(pid, 0)`` would send Ctrl-C (signal 0 is CTRL_C_EVENT there),
    so the process is looked up instead. A number no process can have (0, or one too
    large for the system, read from a file name) is a process that has gone."""
    if not 0 < pid < 2 ** 31:  # os.kill raised OverflowError: "internal error" in `guided log`
        return False
    if windows:
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists, it is someone else's
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


class LockTimeout(Exception):
    """Another guided held the lock for longer than we were willing to wait."""


@contextmanager
def locked(lock_file: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (made if missing, never removed) for a
    read-change-write of a small file that two guided commands might do at once (the
    settings, a recorded voice's voice.json). Waits up to ``timeout`` seconds, then
    raises ``LockTimeout``. The one lock helper: the ``filelock`` library's, ``flock`` on
    Linux and macOS, ``msvcrt.locking`` on Windows, so the lock goes with the process and
    a killed command never leaves it held (tested on Linux: tests/test_locks.py)."""
    import filelock

    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(lock_file, timeout=timeout, mode=0o600)
    try:
        lock.acquire(poll_interval=0.05)
    except filelock.Timeout:
        raise LockTimeout(str(lock_file)) from None
    try:
        yield
    finally:
        lock.release()
