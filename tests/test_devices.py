"""`guided devices` and the no-device contract (exit code 3, one line, no traceback)."""

from __future__ import annotations

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
