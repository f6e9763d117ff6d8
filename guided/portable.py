"""Small things that differ between Linux, macOS and Windows (see docs/portability.md)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WINDOWS = sys.platform == "win32"


def pid_alive(pid: int, *, windows: bool = WINDOWS) -> bool:
    """Whether process ``pid`` is still running (another user's counts as running).

    On Windows ``os.kill(pid, 0)`` would send Ctrl-C (signal 0 is CTRL_C_EVENT there),
    so the process is looked up instead."""
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
    raises ``LockTimeout``. ``flock`` on Linux and macOS, ``msvcrt.locking`` on Windows;
    the lock goes with the process, so a killed command never leaves it held."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise LockTimeout(str(lock_file))
            time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    if WINDOWS:  # pragma: no cover - Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if WINDOWS:  # pragma: no cover - Windows only
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)
