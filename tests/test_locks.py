"""The one file lock (guided.portable.locked, the filelock library underneath) does what
it claims on this platform: one holder at a time across processes and threads, a
bounded wait, and a lock that goes with a killed process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from guided.portable import LockTimeout, locked

HOLD = """
import sys, time
from pathlib import Path
from guided.portable import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_one_thread_at_a_time(tmp_path: Path) -> None:
    lock = tmp_path / ".settings.yaml.lock"
    inside, most = [0], [0]
    guard = threading.Lock()

    def work() -> None:
        for _ in range(20):
            with locked(lock, timeout=10):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.001)
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert most[0] == 1
    assert lock.is_file() and (lock.stat().st_mode & 0o777) == 0o600  # kept, private


def test_a_wait_is_bounded(tmp_path: Path) -> None:
    lock = tmp_path / "folder" / ".voice.json.lock"  # its folder is made
    with locked(lock):
        started = time.monotonic()
        with pytest.raises(LockTimeout), locked(lock, timeout=0.2):
            pass
        assert 0.15 < time.monotonic() - started < 5
    with locked(lock, timeout=0.2):  # free again once released
        pass


@pytest.mark.subprocess
def test_another_process_waits_and_a_killed_holder_lets_go(tmp_path: Path) -> None:
    lock = tmp_path / ".journey-progress.json.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeout), locked(lock, timeout=0.3):
            pass
        os.kill(holder.pid, signal.SIGKILL)  # no chance to release it
        holder.wait(timeout=10)
        with locked(lock, timeout=5):  # the lock went with the process
            pass
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=10)
