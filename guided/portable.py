"""Small things that differ between Linux, macOS and Windows (see docs/portability.md)."""

from __future__ import annotations

import os
import sys

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
