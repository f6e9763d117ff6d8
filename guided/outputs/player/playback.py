"""The playback loop on the main thread: writes rendered blocks to the device, reads
keys (space, ``n``, ``b``, ``q``), draws captions and progress, and keeps count of
what was actually heard."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from typing import Any

from guided.audio.device import OutputDevice, open_stream, to_pcm16
from guided.interrupts import Held
from guided.outcomes import COMPLETED, INTERRUPTED, SKIPPED, STOPPED, Outcome
from guided.outputs.player.renderer import END, Playable, Renderer
from guided.samples import SAMPLE_RATE
from guided.script.words import BREATH_PHASES, breath_cue_words
from guided.timeline.plan import SPEECH, TONE

DOUBLE_BACK = 2.0  # a second `b` within this many seconds goes to the previous section


class DeviceLost(Exception):
    """The output stopped working mid-play (unplugged, the sound server gone): PortAudio's
    error, raised from any stream call so the player can end calmly."""


class Playback:
    """The main-thread side: writes blocks, reads keys, draws."""

    def __init__(self, performance: Playable, device: OutputDevice, screen: Any, start: int):
        self.performance = performance
        self.screen = screen
        self.on_first_sound: Callable[[], None] | None = None  # called as the first block is written
        self.on_progress: Callable[[float, bool], None] | None = None  # (listened seconds, now)
        self.began = False  # the first block was written
        self.start = start
        self.position = start  # sample just after the last block written
        self.segment = start  # where the current stretch of continuous playback began
        self.awaiting = False  # a jump was asked for and its first block has not come yet
        self.listened = 0  # samples actually written to the device
        self.generation = 0
        self.paused = False
        self.holding: Any = None  # the <!-- wait --> silence held at until space is pressed
        self._held: set[int] = set()  # the starts of the holds already waited at
        self._last_back = -1e9
        self.stream = open_stream(device)
        import sounddevice  # loaded by open_stream

        self._device_error = sounddevice.PortAudioError
        self.latency = int(self.stream.latency * SAMPLE_RATE)
        self.renderer = Renderer(performance, start)
        self.renderer.start()

    @property
    def listened_seconds(self) -> float:
        return self.listened / SAMPLE_RATE

    def loop(self, keys: Any, stop: Held | None = None) -> Outcome:
        """Play to the end, or until a key or ``stop`` (Ctrl-C, SIGTERM noted by the
        caller's ``guided.interrupts.held``, which the whole loop runs inside, so no stop
        is ever raised between ``began`` and the row it starts) ends it; checked at
        every block."""
        while True:
            if stop:
                self.drop_buffered()
                return INTERRUPTED
            key = keys.read(0.0 if not self.paused else 0.1)
            if key:
                outcome = self._key(key)
                if outcome:
                    return outcome
            if self.paused:
                self._draw(force=False)
                self._report()
                continue
            try:
                generation, pos, block = self.renderer.blocks.get(timeout=0.1)
            except queue.Empty:
                continue
            if generation == "error":
                raise block
            if generation != self.generation:
                continue
            if block is END:
                # after `n` in the last section nothing more was heard: the end was skipped to
                skipped = self.awaiting
                self._stream("stop")  # let the last blocks play out
                self.position = pos
                return SKIPPED if skipped else COMPLETED
            if self.awaiting:  # the first block after a jump
                self.awaiting = False
                self.segment = pos
            if self.began:
                self._stream("write", to_pcm16(block))
            else:  # the first sound: the listening session begins as it reaches the device
                try:
                    self._stream("write", to_pcm16(block))
                finally:
                    self.began = True
                    if self.on_first_sound is not None:
                        self.on_first_sound()
            self.position = pos + len(block)
            self.listened += len(block)
            self._hold_at(self.position - 1)
            self._draw()
            self._report()

    def _key(self, key: str) -> Outcome | None:
        if key == "q":
            self.drop_buffered()
            return STOPPED
        if key == " " and self.holding is not None:  # ready: on to the bell after the hold
            target, self.holding = self.holding.end, None
            self._jump("to", target)
            return None
        if key == " ":
            self.paused = not self.paused
            if self.paused:
                self._stream("stop")
                self._report(now=True)  # a pause is a natural moment to save
            else:
                self._stream("start")
            self._draw(force=True)
        elif key in ("n", "b"):
            now = time.monotonic()
            double = key == "b" and now - self._last_back < DOUBLE_BACK
            if key == "b":
                self._last_back = now
            self.holding = None  # moving on (or back) ends a hold as space would
            self.generation += 1
            heard = self.heard()
            self.drop_buffered()
            self.awaiting = True
            self.renderer.seek(self.generation, "next" if key == "n" else "back", heard, double)
            self._stream("abort")  # drop what is buffered: the jump is heard at once
            self._stream("start")
            self.paused = False
        return None

    def _hold_at(self, sample: int) -> None:
        """Pause at a silence the author asked to wait at (``Pause.hold``), when keys are read."""
        if not self.performance.interactive:
            return
        ev = self.performance.plan.event_at(sample)
        if ev is None or ev.phase != "hold" or ev.start in self._held:
            return
        self._held.add(ev.start)
        self.holding = ev
        self.paused = True
        self._stream("stop")
        self._report(now=True)
        self._draw(force=True)

    def _jump(self, kind: str, position: int) -> None:
        self.generation += 1
        self.drop_buffered()
        self.awaiting = True
        self.renderer.seek(self.generation, kind, position)
        self._stream("abort")  # drop what is buffered: the jump is heard at once
        self._stream("start")
        self.paused = False

    def _stream(self, method: str, *args: Any) -> Any:
        """Call the output stream; PortAudio's error there means the output was lost."""
        try:
            return getattr(self.stream, method)(*args)
        except self._device_error as exc:
            raise DeviceLost(str(exc)) from None

    def drop_buffered(self) -> None:
        """Before aborting the stream: what is still buffered will never be heard."""
        if not self.awaiting:  # after a jump nothing new was written yet
            self.listened = max(0, self.listened - (self.position - self.heard()))
            self.segment = self.position

    def heard(self) -> int:
        """The sample the listener hears about now (what was written, minus latency)."""
        return max(self.segment, self.position - self.latency)

    def _draw(self, force: bool = False) -> None:
        if self.awaiting:
            return
        heard = self.heard()
        ev = self.performance.plan.event_at(heard)
        if ev is not None:
            text = ev.text if ev.kind == SPEECH else ""
            if ev.kind == TONE and ev.phase in BREATH_PHASES:  # a breath tone: say which phase
                script = self.performance.script  # in the script's words and language
                text = f"({breath_cue_words(script.language, dict(script.cues))[ev.phase].lower()})"
            self.screen.caption(ev.section, (ev.start, ev.kind), text)
        total = (self.performance.total_samples() - self.start) / SAMPLE_RATE
        self.screen.progress((heard - self.start) / SAMPLE_RATE, total, self.paused, force)

    def _report(self, now: bool = False) -> None:
        if self.began and self.on_progress is not None:
            self.on_progress(self.listened_seconds, now)

    def close(self) -> None:
        self.renderer.stop()
        try:
            if self.stream.active:
                self.stream.abort()
            self.stream.close()
        except Exception:  # noqa: BLE001 - closing after an error must not hide it
            pass
        self.renderer.join(timeout=2)
