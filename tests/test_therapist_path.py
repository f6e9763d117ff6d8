"""The path docs/authoring.md leads a therapist along, tried as they would: five lines,
check, play, a script of their own, edit (with a slip), and a bundle for the client."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np

from tests import audio_devices

alsa_file_sink = audio_devices.alsa_file_sink

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "docs" / "examples"


def test_from_five_lines_to_a_bundle(guided, isolated_home, tmp_path, alsa_file_sink):
    work = tmp_path / "work"
    (work / "clients").mkdir(parents=True)
    shutil.copy(EXAMPLES / "first.yaml", work / "first.yaml")
    shutil.copy(EXAMPLES / "clients" / "sam.yaml", work / "clients" / "sam.yaml")
    guide = (REPO / "docs" / "authoring.md").read_text()

    checked = guided("check", "first.yaml", cwd=work)
    assert checked.returncode == 0, checked.stderr
    assert re.fullmatch(r"first\.yaml: ok — A Quiet Minute, about 0:2\d\n", checked.stdout)
    assert "first.yaml: ok — A Quiet Minute, about 0:2" in guide  # the guide shows the same

    played = guided("play", "first.yaml", "--no-prompt", "--device", alsa_file_sink.device,
                    cwd=work, env=alsa_file_sink.merged())
    assert played.returncode == 0, played.stderr
    heard = np.frombuffer(alsa_file_sink.output.read_bytes(), dtype="<i2")
    assert 20 < len(heard) / 22050 < 40 and np.abs(heard).max() > 3000

    made = guided("new", "sam-evening", cwd=work)
    assert made.returncode == 0, made.stderr
    assert "Check: all good" in made.stdout

    slip = tmp_path / "slip.sh"  # an editor session that leaves a tab behind
    slip.write_text('#!/bin/sh\nprintf "\\t- pause: 5s\\n" >> "$1"\n')
    slip.chmod(0o755)
    edited = guided("edit", "sam-evening", env={"VISUAL": str(slip)}, cwd=work)
    assert edited.returncode == 1
    assert "a tab is used here, and YAML needs spaces" in edited.stderr
    advice = re.search(r"then run `(guided edit [^`]+)` again", edited.stderr).group(1)
    mend = tmp_path / "mend.sh"
    mend.write_text('#!/bin/sh\nsed -i "s/\\t- pause/  - pause/" "$1"\n')
    mend.chmod(0o755)
    again = guided(*advice.split()[1:], env={"VISUAL": str(mend)}, cwd=work)
    assert again.returncode == 0, again.stderr

    bundled = guided("bundle", "sam-evening", "first.yaml", "--vars-file", "clients/sam.yaml",
                     "-o", "Sam's practices", cwd=work)
    assert bundled.returncode == 0, bundled.stderr
    folder = work / "Sam's practices"
    readme = (folder / "README.txt").read_text()
    page = (folder / "index.html").read_text()
    lengths = re.findall(r'"length": "(\d+:\d\d)"', page)
    assert len(lengths) == 2
    for length in lengths:
        assert f"({length})" in readme
    assert "for Sam" in readme
