"""outputs/quiet.py: C-level writes to fd 2 are kept off the screen while audio is in use;
our own messages (Python's sys.stderr) still reach it; GUIDED_DEBUG shows what was kept."""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import os, sys
from guided.outputs.quiet import captured
with captured(show={show}) as kept:
    os.write(2, b"ALSA lib pcm.c:8568:(snd_pcm_recover) underrun occurred\\n")
    print("guided: a calm line of ours", file=sys.stderr)
print("kept:", kept.text.strip())
"""


def _run(show: bool) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD.format(show=show)],
                          capture_output=True, text=True, timeout=60)


def test_c_messages_are_kept_off_the_screen():
    result = _run(show=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "guided: a calm line of ours\n"
    assert "kept: ALSA lib pcm.c:8568" in result.stdout


def test_guided_debug_shows_them_afterwards():
    result = _run(show=True)
    lines = result.stderr.splitlines()
    assert lines[0] == "guided: a calm line of ours"
    assert "Messages from the sound system" in lines[1] and "underrun occurred" in lines[2]
