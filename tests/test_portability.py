"""The fallbacks that let guided run on macOS and Windows as well as Linux (see
docs/portability.md). The Windows paths are driven here with the platform passed in or
a stand-in for ``msvcrt``, which only exists on Windows; the rest runs for real."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from guided.commands.authoring import default_editors, split_command
from guided.outputs.player import keys

ROOT = Path(__file__).resolve().parent.parent / "guided"


def test_editor_commands_split_the_way_each_system_quotes():
    assert split_command("code --wait", windows=False) == ["code", "--wait"]
    assert split_command("'/Applications/My Editor' -w", windows=False) == ["/Applications/My Editor", "-w"]
    assert split_command(r'"C:\Program Files\Notepad++\notepad++.exe" -multiInst', windows=True) == [
        r"C:\Program Files\Notepad++\notepad++.exe", "-multiInst"]
    assert split_command(r"C:\Tools\vim.exe", windows=True) == [r"C:\Tools\vim.exe"]


def test_every_system_has_a_fallback_editor(monkeypatch):
    assert {"nano", "vi"} <= set(default_editors())  # Linux and macOS
    monkeypatch.setattr(sys, "platform", "win32")
    assert default_editors() == ("notepad",)  # always on Windows


def _fake_msvcrt(monkeypatch, typed: str) -> None:
    pending = list(typed)
    fake = types.SimpleNamespace(kbhit=lambda: bool(pending), getwch=lambda: pending.pop(0))
    monkeypatch.setitem(sys.modules, "msvcrt", fake)


def test_windows_console_keys(monkeypatch):
    _fake_msvcrt(monkeypatch, "N\xe0H\x1bq")
    assert keys._read_console(0.5) == "n"
    assert keys._read_console(0.5) == "escape"  # an arrow key: prefix and code, read together
    assert keys._read_console(0.5) == "escape"
    assert keys._read_console(0.5) == "q"
    assert keys._read_console(0.05) is None  # nothing typed: back after the timeout


def test_keys_on_a_non_terminal_read_nothing(tmp_path):
    with (tmp_path / "in.txt").open("w+") as stream, keys.Keys(stream) as k:
        assert k.fd is None
        assert k.read(0.01) is None


# Things that exist only on some systems, and the guard each needs nearby.
GUARDED = {
    r"\bimport termios\b": r"win32",
    r"\bimport msvcrt\b": r"win32|Windows",
    r"signal\.SIG(HUP|QUIT|USR1|USR2|ALRM|CHLD|PIPE)\b": r"hasattr\(signal",
    r"\bos\.(fork|setsid|killpg|getuid|geteuid|getpgid)\b": r"hasattr\(os|os\.name|win32",
    r"\bfcntl\b": r"win32|os\.name",
}


@pytest.mark.parametrize("pattern", list(GUARDED))
def test_system_specific_calls_have_a_guard(pattern):
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(pattern, text):
            assert re.search(GUARDED[pattern], text), f"{path.relative_to(ROOT)}: {pattern} unguarded"


def test_no_hard_coded_unix_paths():
    """/dev/null, /tmp and friends: os.devnull, tempfile and platformdirs work everywhere."""
    pattern = re.compile(r"[\"'](/dev/null|/tmp/?|/usr/|/etc/|~/)")
    found = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
             if pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_a_script_argument_is_a_path_with_either_separator():
    from guided.paths import is_path_ref

    assert is_path_ref("clients/sam.yaml") and is_path_ref("sam.yml")
    assert not is_path_ref("grounding")
    if sys.platform == "win32":  # pragma: no cover - Windows only
        assert is_path_ref(r"clients\sam")


def test_posix_only_names_are_looked_up_with_a_default():
    """os.O_NOFOLLOW and friends do not exist on Windows: getattr(os, NAME, 0) instead."""
    bare = re.compile(r"(?<!getattr\()\bos\.(O_NOFOLLOW|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC)\b")
    found = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
             if bare.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_liveness_checks_never_send_a_signal_on_windows():
    """os.kill(pid, 0) is Ctrl-C on Windows; only guided/portable.py may call it, guarded."""
    calls = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
             if "os.kill(" in p.read_text(encoding="utf-8")]
    assert calls == ["portable.py"]


def test_pid_alive():
    import os
    import subprocess

    from guided.portable import pid_alive

    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not pid_alive(child.pid)


@pytest.mark.subprocess
def test_locked_lets_one_holder_at_a_time(tmp_path):
    """guided.portable.locked: a second holder waits, and gives up after its timeout."""
    import subprocess
    import sys
    import time

    from guided.portable import LockTimeout, locked

    lock = tmp_path / "x.lock"
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pathlib import Path; "
                               "from guided.portable import locked\n"
                               f"with locked(Path({str(lock)!r})):\n"
                               "    print('held', flush=True); time.sleep(1.5)\n"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeout), locked(lock, timeout=0.2):
            pass  # pragma: no cover
        started = time.monotonic()
        with locked(lock, timeout=10):  # waits until the holder lets go (1.5 s after 'held')
            assert time.monotonic() - started > 0.8
    finally:
        holder.wait(timeout=10)
    with locked(lock, timeout=0.1):  # free again, and again
        pass
