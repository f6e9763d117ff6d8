"""The sound output: which devices can play (PortAudio through sounddevice), which one
``--device`` means, and the exact conversion applied before samples reach it.

Public API: ``list_output_devices``, ``check_output``, ``to_pcm16``, ``open_stream``,
``OutputDevice``, ``INSTALL_HINT``, ``NO_DEVICE_HINT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from guided.errors import AudioDeviceError
from guided.i18n import N_
from guided.pcm import to_int16
from guided.samples import BLOCK_SIZE, CHANNELS, SAMPLE_RATE

INSTALL_HINT = ("PortAudio is not installed: run `sudo apt-get install libportaudio2`, "
                "or make an MP3 instead with `guided export SCRIPT -o FILE.mp3`")
# a listener meets it in `guided now` and `guided timer`: translated there (guided.i18n)
NO_DEVICE_HINT = N_("no audio output device found: check that speakers or headphones are "
                    "connected, or make an MP3 instead with `guided export SCRIPT -o FILE.mp3`")


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError:  # libportaudio is missing
        raise AudioDeviceError(INSTALL_HINT) from None
    return sounddevice


@dataclass(frozen=True)
class OutputDevice:
    index: int
    name: str
    hostapi: str
    channels: int
    default: bool


def list_output_devices() -> list[OutputDevice]:
    """Devices that can play sound (raises ``AudioDeviceError`` if PortAudio is missing)."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
        default = sd.default.device[1]
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"cannot list audio devices ({exc}); {NO_DEVICE_HINT}") from None
    result = []
    for dev in devices:
        if dev["max_output_channels"] > 0:
            result.append(OutputDevice(dev["index"], dev["name"], apis[dev["hostapi"]]["name"],
                                       dev["max_output_channels"], dev["index"] == default))
    return result


def check_output(device: str | int | None = None) -> OutputDevice:
    """The output device to play on (``--device``: index or name); ``AudioDeviceError`` if none.

    Call this before asking the listener anything, so nobody rates their distress
    for a session that cannot play."""
    devices = list_output_devices()
    if not devices:
        raise AudioDeviceError(NO_DEVICE_HINT)
    if device is None or device == "":
        return next((d for d in devices if d.default), devices[0])
    text = str(device).strip()
    if text.isdigit():
        for d in devices:
            if d.index == int(text):
                return d
        raise AudioDeviceError(f"no output device number {text}; see `guided devices`")
    exact = [d for d in devices if d.name.lower() == text.lower()]
    if exact:
        return exact[0]
    partial = [d for d in devices if text.lower() in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = ", ".join(repr(d.name) for d in partial)
        raise AudioDeviceError(f"--device {text!r} matches several devices ({names}); use its number")
    raise AudioDeviceError(f"no output device called {text!r}; see `guided devices`")


def to_pcm16(block: np.ndarray) -> np.ndarray:
    """The exact conversion the player applies before audio reaches the device: the one
    int16 rule (``guided.pcm``), little-endian as the stream is opened."""
    return to_int16(block).astype("<i2", copy=False)


def open_stream(device: OutputDevice) -> Any:
    """A started int16 mono output stream on ``device`` (``AudioDeviceError`` if it cannot open)."""
    sd = _sounddevice()
    try:
        stream = sd.OutputStream(samplerate=SAMPLE_RATE, channels=CHANNELS, dtype="int16",
                                 device=device.index, blocksize=BLOCK_SIZE)
        stream.start()
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"cannot open {device.name!r} for playback ({exc}); "
                               "try another --device (see `guided devices`)") from None
    return stream
