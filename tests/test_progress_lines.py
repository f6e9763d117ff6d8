"""Progress and messages never share a line (issue 11, points 6 and 7), under a real pty."""

from __future__ import annotations

import os
from pathlib import Path

from tests.pty_terminal import PtyGuided

TINY = "title: Tiny\nsteps:\n  - say: Hello there.\n  - pause: 1s\n"


def test_export_bar_and_the_engine_note_keep_to_their_own_lines(tmp_path: Path):
    script = tmp_path / "tiny.yaml"
    script.write_text(TINY)
    env = dict(os.environ, GUIDED_ENGINE="auto")  # auto announces which engine it picked
    term = PtyGuided(["export", str(script), "-o", str(tmp_path / "tiny.wav")], env)
    assert term.finish(timeout=120) == 0, term.text[-1500:]
    lines = term.screen_lines()
    notes = [line for line in lines if line.startswith("Using")]
    assert len(notes) == 1, lines
    assert "[" not in notes[0] and "Preparing" not in notes[0]
    bars = [line for line in lines if "[" in line and "%" in line]
    assert bars and all(not line.rstrip().endswith("%") or "100%" in line for line in bars), lines
    assert any("Exporting tiny.wav" in line and "100%" in line for line in bars), lines
