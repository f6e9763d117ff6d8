"""The microphone side of ``guided record``: finding an input, capturing takes with a
live level, and playing a take back. Uses PortAudio through sounddevice directly."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from guided.errors import AudioDeviceError

NO_MIC = ("no microphone found: connect one (or choose it with --device), or record in "
          "another app and bring the takes in with --import DIR")


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError:  # libportaudio is missing
        raise AudioDeviceError("recording needs PortAudio (on Debian or Ubuntu: "
                               "`sudo apt install libportaudio2`)") from None
    return sounddevice


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    rate: int  # the device's own sample rate: takes are recorded at it, then resampled
    default: bool


def list_input_devices() -> list[InputDevice]:
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        default = sd.default.device[0]
    except sd.PortAudioError:
        raise AudioDeviceError(NO_MIC) from None
    return [InputDevice(d["index"], d["name"], int(d["default_samplerate"] or 48000),
                        d["index"] == default)
            for d in devices if d["max_input_channels"] > 0]


def check_input(device: str | None = None) -> InputDevice:
    """The microphone to record from (``--device``: number or name)."""
    found = list_input_devices()
    if not found:
        raise AudioDeviceError(NO_MIC)
    if not device:
        return next((d for d in found if d.default), found[0])
    text = device.strip()
    matches = [d for d in found if (text.isdigit() and d.index == int(text))
               or d.name.lower() == text.lower()]
    matches = matches or [d for d in found if text.lower() in d.name.lower()]
    if len(matches) == 1 or (matches and not text.isdigit() and matches[0].name.lower() == text.lower()):
        return matches[0]
    names = ", ".join(f"{d.index} {d.name!r}" for d in found)
    if matches:
        raise AudioDeviceError(f"--device {text!r} matches several microphones; use its number ({names})")
    raise AudioDeviceError(f"no microphone called {text!r}; these can record: {names}")


class Recorder:
    """The microphone, open for a whole sitting: ``open()``, then per take ``start()``,
    watch ``level_db``, ``stop()`` returns the samples; ``close()`` at the end.

    The stream runs between takes too, so a take also holds the moment just before
    Enter was pressed (``PRE_ROLL_SECONDS``): a first word spoken at once is never lost
    to the time a device takes to start."""

    PRE_ROLL_SECONDS = 0.3

    def __init__(self, device: InputDevice):
        self.device = device
        self.rate = device.rate
        self.level_db = -math.inf  # peak of the latest block, for the meter
        self._blocks: list[np.ndarray] = []
        self._pre_roll: list[np.ndarray] = []
        self._recording = False
        self._lock = threading.Lock()
        self._stream: Any = None

    def open(self) -> None:
        sd = _sounddevice()
        keep = int(self.PRE_ROLL_SECONDS * self.rate)

        def callback(indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            block = indata[:, 0].copy()
            peak = float(np.abs(block).max()) if len(block) else 0.0
            with self._lock:
                self.level_db = 20 * math.log10(peak) if peak > 0 else -math.inf
                if self._recording:
                    self._blocks.append(block)
                    return
                self._pre_roll.append(block)
                while len(self._pre_roll) > 1 and sum(map(len, self._pre_roll[1:])) >= keep:
                    self._pre_roll.pop(0)

        try:
            self._stream = sd.InputStream(device=self.device.index, channels=1,
                                          samplerate=self.rate, dtype="float32",
                                          callback=callback)
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stream = None
            raise AudioDeviceError(f"cannot record from {self.device.name!r} ({exc}); "
                                   "choose another microphone with --device") from None

    def start(self) -> None:
        with self._lock:
            self._blocks = list(self._pre_roll)
            self._recording = True

    def stop(self) -> np.ndarray:
        with self._lock:
            self._recording = False
            blocks, self._blocks = self._blocks, []
            self._pre_roll = []
        return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)

    def seconds(self) -> float:
        with self._lock:
            return sum(len(b) for b in self._blocks) / self.rate

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # noqa: BLE001 - a vanished device: nothing left to close
                pass

    def __enter__(self) -> Recorder:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def play_back(samples: np.ndarray, rate: int) -> str | None:
    """Play a take on the default output and wait; returns a message if it cannot."""
    sd = _sounddevice()
    try:
        sd.play(samples, rate)
        sd.wait()
    except sd.PortAudioError as exc:
        return f"it cannot be played back here ({exc})"
    return None


def meter(level_db: float, width: int = 24) -> str:
    """A level bar from -60 to 0 dBFS."""
    fill = 0 if not math.isfinite(level_db) else int(round(width * (level_db + 60) / 60))
    fill = max(0, min(width, fill))
    shown = f"{level_db:4.0f} dB" if math.isfinite(level_db) else "  -- dB"
    return f"[{'#' * fill}{'.' * (width - fill)}] {shown}"
