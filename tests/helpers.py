"""Small helpers several test files share."""

from __future__ import annotations

import subprocess
import textwrap
import time
from pathlib import Path


def write(folder: Path, name: str, content: str | bytes, *, dedent: bool = False) -> Path:
    """``folder/name`` with ``content`` (text as UTF-8), folders made as needed."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(textwrap.dedent(content) if dedent else content, encoding="utf-8")
    return path


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 1 with exactly one line on standard error, no traceback, naming ``words``."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def logged_sessions() -> list:
    """The session log's rows, newest first (the log of the test's own GUIDED_HOME)."""
    from guided.practice.sessionlog import SessionLog

    with SessionLog() as db:
        return db.recent(None)


def wait_for_completed(count: int, proc: subprocess.Popen, timeout: float) -> None:
    """Until ``count`` sessions are logged as completed (a `--loop` going round), while
    ``proc`` keeps running."""
    deadline = time.monotonic() + timeout
    while len([r for r in logged_sessions() if r.outcome == "completed"]) < count:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
