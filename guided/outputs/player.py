"""Playing a practice through PortAudio (sounddevice), as it is being planned and rendered.

Nothing waits for the whole session: the timeline is planned lazily (``iter_plan``
with the speaker's real clip lengths), speech is prefetched in order in the
background, and a render thread keeps a short queue of blocks ahead of the
device. The main thread writes blocks to the stream (int16 mono at 22050 Hz,
converted by ``to_pcm16``), reads keys, draws captions and keeps the session log
up to date.

Outcomes: ``completed`` (the end was reached, or ``n`` in the last section),
``stopped`` (``q``), ``interrupted`` (Ctrl-C, SIGTERM, a crash, or a killed process:
the row written at the start stays ``interrupted`` with the time listened up to
the last refresh, every ``LOG_EVERY`` seconds).

Public API: ``check_output``, ``list_output_devices``, ``resolve_section``,
``PlayOptions``, ``play_script`` (also used by ``guided preview --play-from``),
``to_pcm16``.
"""

from __future__ import annotations

import bisect
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from guided.audio.format import BLOCK_SIZE, SAMPLE_RATE
from guided.errors import AudioDeviceError, GuidedError
from guided.script.model import Script
from guided.timeline.plan import BREATH_CUE_WORDS, SECTION, SPEECH, TONE, Event, Timeline

INSTALL_HINT = ("PortAudio is not installed: run `sudo apt-get install libportaudio2`, "
                "or make an MP3 instead with `guided export SCRIPT -o FILE.mp3`")
NO_DEVICE_HINT = ("no audio output device found: check that speakers or headphones are connected, "
                  "or make an MP3 instead with `guided export SCRIPT -o FILE.mp3`")
LOG_EVERY = 2.0  # seconds between refreshes of listened_seconds in the session log
QUEUE_BLOCKS = 4  # rendered blocks kept ready ahead of the device (about 0.37 s)
DOUBLE_BACK = 2.0  # a second `b` within this many seconds goes to the previous section

COMPLETED, STOPPED, INTERRUPTED = "completed", "stopped", "interrupted"


# --- devices --------------------------------------------------------------------------


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
    """The exact conversion the player applies before audio reaches the device."""
    scaled = np.rint(np.clip(block, -1.0, 1.0) * 32767.0)
    return scaled.astype("<i2")


# --- the lazily planned session ----------------------------------------------------------


class LazyPlan:
    """Events from ``iter_plan`` remembered as they are planned, so the player can look
    back (captions, ``b``) and plan ahead only as far as needed (``n``).

    Extended only by the render thread; the main thread only reads ``events``."""

    def __init__(self, source: Iterator[Event]):
        self.events: list[Event] = []
        self._starts: list[int] = []
        self._source = source
        self.done = False
        self.on_event: Callable[[Event], None] | None = None

    def _extend(self) -> bool:
        if self.done:
            return False
        ev = next(self._source, None)
        if ev is None:
            self.done = True
            return False
        if self.on_event:
            self.on_event(ev)
        self._starts.append(ev.start)
        self.events.append(ev)
        return True

    def iter_from(self, index: int = 0) -> Iterator[Event]:
        i = index
        while i < len(self.events) or self._extend():
            yield self.events[i]
            i += 1

    @property
    def length(self) -> int:
        return self.events[-1].end if self.events else 0

    def event_at(self, sample: int) -> Event | None:
        """The sounding event (not a section marker) playing at ``sample``, among those known."""
        i = bisect.bisect_right(self._starts, sample) - 1
        while i >= 0:
            ev = self.events[i]
            if ev.kind != SECTION:
                return ev if ev.start <= sample < ev.end else None
            i -= 1
        return None

    def section_start(self, sample: int) -> int:
        """Start of the section playing at ``sample`` (0 before the first section)."""
        i = bisect.bisect_right(self._starts, sample) - 1
        for ev in reversed(self.events[: i + 1]):
            if ev.kind == SECTION:
                return ev.start
        return 0

    def next_section(self, sample: int) -> int | None:
        """Start of the first section after ``sample``, planning ahead as needed; None at the end."""
        i = bisect.bisect_right(self._starts, sample)
        for ev in self.iter_from(i):
            if ev.kind == SECTION and ev.start > sample:
                return ev.start
        return None


def resolve_section(timeline: Timeline, query: str) -> tuple[int, str]:
    """``--from SECTION``: a 1-based section number or a (case-insensitive) title.

    Returns (ordinal, title); a miss is a one-line error naming the sections."""
    titles = [ev.text for ev in timeline.events if ev.kind == SECTION]
    if not titles:
        raise GuidedError(f"'{timeline.script.title}' has no sections to start from")
    q = query.strip()
    if q.isdigit() and 1 <= int(q) <= len(titles):
        return int(q), titles[int(q) - 1]
    for wanted in (lambda t: t.lower() == q.lower(), lambda t: t.lower().startswith(q.lower())):
        for i, title in enumerate(titles, start=1):
            if wanted(title):
                return i, title
    listed = ", ".join(f"{i} {t}" for i, t in enumerate(titles, start=1))
    raise GuidedError(f"no section {query!r}; the sections are: {listed}")


# --- options and result ----------------------------------------------------------------------


@dataclass
class PlayOptions:
    device: str | int | None = None
    variables: dict[str, str] = field(default_factory=dict)
    pace: float | None = None
    rate: int | None = None
    voice: str | None = None
    engine: str | None = None
    start_section: str | None = None  # number or title (--from)
    cache_dir: str | None = None
    interactive: bool = False  # captions, progress and keys (a terminal on both ends)
    log: Any = None  # an open guided.practice.sessionlog.SessionLog, or None for no logging
    distress_before: int | None = None
    journey: str | None = None
    journey_day: int | None = None


@dataclass
class PlayResult:
    outcome: str
    listened_seconds: float
    planned_seconds: float
    session_id: int | None = None


class _Terminated(BaseException):
    """SIGTERM while playing: end like Ctrl-C."""


# --- playing ------------------------------------------------------------------------------------


def play_script(script: Script, options: PlayOptions) -> PlayResult:
    """Play ``script`` once through the output device; returns how it ended.

    Raises ``AudioDeviceError`` (exit code 3) when there is nothing to play on,
    ``GuidedError`` for script or speech problems."""
    from guided.practice.prepare import speech_settings
    from guided.speech.speaker import Speaker
    from guided.timeline.plan import plan

    device = check_output(options.device)
    settings = speech_settings(script, voice=options.voice, rate=options.rate,
                               **({"engine": options.engine} if options.engine else {}))
    speaker = Speaker(settings, Path(options.cache_dir) if options.cache_dir else None)
    try:
        rate = settings.rate
        # A quick estimate of the whole session (real lengths where clips are cached):
        # for the progress bar, the speech to prefetch, and --from.
        estimate = plan(script, variables=options.variables, pace=options.pace, rate=rate,
                        measure=speaker.cached_length)
        start_ordinal = 0
        if options.start_section:
            start_ordinal, _ = resolve_section(estimate, options.start_section)
        texts = _texts_from(estimate, start_ordinal)
        speaker.prefetch(texts)
        session = _Session(script, options, speaker, estimate, start_ordinal,
                           dict(estimate.variables), rate)
        return session.run(device)
    finally:
        speaker.close()


def _texts_from(estimate: Timeline, start_ordinal: int) -> list[str]:
    seen: dict[str, None] = {}
    sections = 0
    for ev in estimate.events:
        if ev.kind == SECTION:
            sections += 1
        elif ev.kind == SPEECH and sections >= start_ordinal:
            seen.setdefault(ev.text, None)
    return list(seen)


class _Session:
    def __init__(self, script: Script, options: PlayOptions, speaker: Any, estimate: Timeline,
                 start_ordinal: int, variables: dict[str, str], rate: int | None):
        from guided.timeline.plan import iter_plan

        self.script = script
        self.options = options
        self.speaker = speaker
        self.estimate = estimate
        self.start_ordinal = start_ordinal
        # Before the --from section, lengths need not be real (nothing there is heard),
        # so planning up to it costs no synthesis.
        self._exact = start_ordinal == 0
        self._sections_seen = 0

        def measure(text: str) -> int | None:
            return speaker.measure(text) if self._exact else speaker.cached_length(text)

        self.plan = LazyPlan(iter_plan(script, variables=variables, pace=options.pace,
                                       rate=rate, measure=measure))
        self.plan.on_event = self._watch_sections
        self.floor = 0  # `b` never goes before where playback began

    def _watch_sections(self, ev: Event) -> None:
        if ev.kind == SECTION:
            self._sections_seen += 1
            if self._sections_seen == self.start_ordinal:
                self._exact = True

    def start_sample(self) -> int:
        if not self.start_ordinal:
            return 0
        count = 0
        for ev in self.plan.iter_from(0):
            if ev.kind == SECTION:
                count += 1
                if count == self.start_ordinal:
                    return ev.start
        return self.plan.length

    def total_samples(self) -> int:
        """Best current guess of the session length: real so far, estimated for the rest."""
        known = len(self.plan.events)
        if self.plan.done or not known:
            return self.plan.length if self.plan.done else self.estimate.length
        est = self.estimate.events
        if known <= len(est):
            return self.plan.events[known - 1].end + (self.estimate.length - est[known - 1].end)
        return self.plan.length

    def render_from(self, sample: int) -> Iterator[np.ndarray]:
        from guided.audio.render import render

        return render(self.plan.iter_from(0), self.speaker, ambience=self.script.ambience,
                      start=sample, block_size=BLOCK_SIZE)

    def run(self, device: OutputDevice) -> PlayResult:
        from guided.outputs.terminal import Keys, PlayerScreen

        start = self.start_sample()
        self.floor = start
        planned = (self.total_samples() - start) / SAMPLE_RATE
        screen = PlayerScreen(enabled=self.options.interactive)
        player = _Playback(self, device, screen, start)  # opens the stream first
        log = self.options.log
        settings = self.speaker.settings

        def open_row() -> int:
            return log.start(
                script=self.script.name or self.script.file, title=self.script.title,
                content_hash=self.script.source_hash,
                voice=str(settings.voice or f"default:{settings.language}"),
                engine=str(getattr(self.speaker, "engine_name", settings.engine)),
                rate=settings.rate,
                planned_seconds=round(planned, 2), distress_before=self.options.distress_before,
                journey=self.options.journey, journey_day=self.options.journey_day)

        if log is not None:
            player.log, player.open_row = log, open_row
        outcome = INTERRUPTED
        previous = _install_sigterm()
        try:
            with Keys() if self.options.interactive else _NoKeys() as keys:
                screen.heading(self.script.title, planned)
                outcome = player.loop(keys)
        except (KeyboardInterrupt, _Terminated):
            outcome = INTERRUPTED
            player.drop_buffered()
        finally:
            player.close()
            screen.finish()
            _restore_sigterm(previous)
            planned = (self.total_samples() - start) / SAMPLE_RATE
            if player.session_id is not None:
                log.finish(player.session_id, outcome, player.listened_seconds, round(planned, 2))
        return PlayResult(outcome, player.listened_seconds, planned, player.session_id)


class _NoKeys:
    def __enter__(self) -> _NoKeys:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, timeout: float = 0.0) -> str | None:
        return None


def _install_sigterm() -> Any:
    def handler(signum: int, frame: object) -> None:
        raise _Terminated()

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


_END = object()


class _Renderer(threading.Thread):
    """Renders blocks ahead into a small queue; restarts at a new place on request."""

    def __init__(self, session: _Session, start: int):
        super().__init__(name="guided-render", daemon=True)
        self.session = session
        self.start_at = start
        self.blocks: queue.Queue = queue.Queue(maxsize=QUEUE_BLOCKS)
        self.commands: queue.Queue = queue.Queue()
        self.stopping = threading.Event()

    def seek(self, generation: int, kind: str, position: int, double: bool = False) -> None:
        self.commands.put((generation, kind, position, double))

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        try:
            generation = 0
            pos: int | None = self.start_at  # None: nothing left to play after a seek
            blocks: Iterator[np.ndarray] | None = self.session.render_from(self.start_at)
            while not self.stopping.is_set():
                if not self.commands.empty():
                    generation, kind, position, double = self.commands.get()
                    pos = self._seek_target(kind, position, double)
                    blocks = self.session.render_from(pos) if pos is not None else None
                    continue
                block = next(blocks, None) if blocks is not None else None
                if block is None:
                    self._put((generation, pos, _END))
                    blocks = None
                    self.stopping.wait(0.05)
                    continue
                if self._put((generation, pos, block)):
                    assert pos is not None  # blocks come only from a position
                    pos += len(block)
        except BaseException as exc:  # handed to the main thread, which raises it
            self._put(("error", 0, exc), force=True)

    def _seek_target(self, kind: str, position: int, double: bool) -> int | None:
        plan = self.session.plan
        floor = self.session.floor
        if kind == "next":
            return plan.next_section(position)
        start = max(floor, plan.section_start(position))
        if double and start > floor:
            start = max(floor, plan.section_start(start - 1))
        return start

    def _put(self, item: tuple, force: bool = False) -> bool:
        while not self.stopping.is_set():
            if not force and not self.commands.empty():
                return False
            try:
                self.blocks.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False


class _Playback:
    """The main-thread side: writes blocks, reads keys, draws, logs."""

    def __init__(self, session: _Session, device: OutputDevice, screen: Any, start: int):
        self.session = session
        self.screen = screen
        self.log: Any = None  # the session log
        self.open_row: Callable[[], int] | None = None  # writes the row at the first sound
        self.session_id: int | None = None
        self.start = start
        self.position = start  # session sample just after the last block written
        self.segment = start  # where the current stretch of continuous playback began
        self.awaiting = False  # a jump was asked for and its first block has not come yet
        self.listened = 0  # samples actually written to the device
        self.generation = 0
        self.paused = False
        self._last_back = -1e9
        self._last_log = time.monotonic()
        sd = _sounddevice()
        try:
            self.stream = sd.OutputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                                          device=device.index, blocksize=BLOCK_SIZE)
            self.stream.start()
        except sd.PortAudioError as exc:
            raise AudioDeviceError(f"cannot open {device.name!r} for playback ({exc}); "
                                   "try another --device (see `guided devices`)") from None
        self.latency = int(self.stream.latency * SAMPLE_RATE)
        self.renderer = _Renderer(session, start)
        self.renderer.start()

    @property
    def listened_seconds(self) -> float:
        return self.listened / SAMPLE_RATE

    def loop(self, keys: Any) -> str:
        while True:
            key = keys.read(0.0 if not self.paused else 0.1)
            if key:
                outcome = self._key(key)
                if outcome:
                    return outcome
            if self.paused:
                self._draw(force=False)
                self._log_progress()
                continue
            try:
                generation, pos, block = self.renderer.blocks.get(timeout=0.1)
            except queue.Empty:
                continue
            if generation == "error":
                raise block
            if generation != self.generation:
                continue
            if block is _END:
                self.stream.stop()  # let the last blocks play out
                self.position = pos
                return COMPLETED
            if self.session_id is None and self.open_row is not None:
                self.session_id = self.open_row()  # the first sound: the session begins
                self._last_log = time.monotonic()
            if self.awaiting:  # the first block after a jump
                self.awaiting = False
                self.segment = pos
            self.stream.write(to_pcm16(block))
            self.position = pos + len(block)
            self.listened += len(block)
            self._draw()
            self._log_progress()

    def _key(self, key: str) -> str | None:
        if key == "q":
            self.drop_buffered()
            return STOPPED
        if key == " ":
            self.paused = not self.paused
            if self.paused:
                self.stream.stop()
                self._log_progress(now=True)  # a pause is a natural moment to save
            else:
                self.stream.start()
            self._draw(force=True)
        elif key in ("n", "b"):
            now = time.monotonic()
            double = key == "b" and now - self._last_back < DOUBLE_BACK
            if key == "b":
                self._last_back = now
            self.generation += 1
            heard = self.heard()
            self.drop_buffered()
            self.awaiting = True
            self.renderer.seek(self.generation, "next" if key == "n" else "back", heard, double)
            self.stream.abort()  # drop what is buffered: the jump is heard at once
            self.stream.start()
            self.paused = False
        return None

    def drop_buffered(self) -> None:
        """Before aborting the stream: what is still buffered will never be heard."""
        if not self.awaiting:  # after a jump nothing new was written yet
            self.listened = max(0, self.listened - (self.position - self.heard()))
            self.segment = self.position

    def heard(self) -> int:
        """The session sample the listener hears about now (what was written, minus latency)."""
        return max(self.segment, self.position - self.latency)

    def _draw(self, force: bool = False) -> None:
        if self.awaiting:
            return
        heard = self.heard()
        ev = self.session.plan.event_at(heard)
        if ev is not None:
            text = ev.text if ev.kind == SPEECH else ""
            if ev.kind == TONE and ev.phase in BREATH_CUE_WORDS:  # a breath tone: say which phase
                text = f"({BREATH_CUE_WORDS[ev.phase].lower()})"
            self.screen.caption(ev.section, (ev.start, ev.kind), text)
        total = (self.session.total_samples() - self.start) / SAMPLE_RATE
        self.screen.progress((heard - self.start) / SAMPLE_RATE, total, self.paused, force)

    def _log_progress(self, now: bool = False) -> None:
        clock = time.monotonic()
        if self.session_id is None or (not now and clock - self._last_log < LOG_EVERY):
            return
        self._last_log = clock
        self.log.progress(self.session_id, self.listened_seconds)

    def close(self) -> None:
        self.renderer.stop()
        try:
            if self.stream.active:
                self.stream.abort()
            self.stream.close()
        except Exception:  # noqa: BLE001 - closing after an error must not hide it
            pass
        self.renderer.join(timeout=2)
