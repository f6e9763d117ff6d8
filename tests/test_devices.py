"""`guided devices` and the no-device contract (exit code 3, one line, no traceback)."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys

import pytest

from tests.audio_devices import alsa_file_sink, no_audio_device  # noqa: F401 - fixtures

pytestmark = pytest.mark.audio


def test_devices_lists_the_virtual_sink(guided, alsa_file_sink):  # noqa: F811
    result = guided("devices", env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "guidedfile" in line]
    assert len(rows) == 1 and "ALSA" in rows[0]
    assert rows[0].split()[:2] in (["*", "0"], ["0", "guidedfile"])


def test_no_device_is_one_clear_line_and_exit_3(guided, no_audio_device):  # noqa: F811
    result = guided("devices", env=no_audio_device.env)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no audio output device" in lines[0]
    assert "guided export" in lines[0] and "Traceback" not in result.stderr


def _portaudio_library() -> str | None:
    name = ctypes.util.find_library("portaudio")
    for folder in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"):
        if name and os.path.exists(os.path.join(folder, name)):
            return os.path.realpath(os.path.join(folder, name))
    return None


def test_missing_portaudio_is_one_line_with_what_to_install(tmp_path):
    """PortAudio really unloadable: inside a private mount namespace the library file is
    covered by /dev/null, so loading it fails exactly as on a machine without it."""
    library = _portaudio_library()
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if library is None or shutil.which("unshare") is None or probe.returncode != 0:
        pytest.skip("needs root and mount namespaces (unshare -m) to hide PortAudio")
    for args in (["play", "grounding", "--no-prompt"], ["devices"], ["say", "Hello."]):
        command = " ".join([sys.executable, "-m", "guided", *args])
        result = subprocess.run(
            ["unshare", "-m", "sh", "-c", f"mount --bind /dev/null {library} && exec {command}"],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "GUIDED_HOME": str(tmp_path)},
        )
        assert result.returncode == 3, (args, result.stderr)
        errors = [line for line in result.stderr.splitlines() if line.startswith("guided:")]
        assert errors == ["guided: PortAudio is not installed: run `sudo apt-get install "
                          "libportaudio2`, or make an MP3 instead with `guided export SCRIPT "
                          "-o FILE.mp3`"], args
        assert "Traceback" not in result.stderr
