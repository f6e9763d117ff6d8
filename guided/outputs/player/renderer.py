"""The render thread: keeps a few blocks ready ahead of the device, and starts again
at a new place when the listener jumps (``n``, ``b``)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from guided.script.model import Script
    from guided.timeline.lazy import LazyPlan

QUEUE_BLOCKS = 4  # rendered blocks kept ready ahead of the device (about 0.37 s)

END = object()  # put in the queue after the last block


class Playable(Protocol):
    """What the render thread and the playback loop need of one playing
    (``guided.outputs.player.play.Performance``)."""

    script: Script  # its language and cues name a breath tone's phase
    plan: LazyPlan
    floor: int  # `b` never goes before this sample

    @property
    def interactive(self) -> bool: ...  # keys are read (a hold waits for space)

    def total_samples(self) -> int: ...

    def render_from(self, sample: int) -> Iterator[np.ndarray]: ...


class Renderer(threading.Thread):
    """Renders blocks ahead into a small queue; restarts at a new place on request.

    Queue items are ``(generation, position, block)``; a block of an older generation
    (from before a jump) is dropped by the reader. An exception in this thread is
    handed over as ``("error", 0, exc)``, for the main thread to raise."""

    def __init__(self, performance: Playable, start: int):
        super().__init__(name="guided-render", daemon=True)
        self.performance = performance
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
            blocks: Iterator[np.ndarray] | None = self.performance.render_from(self.start_at)
            while not self.stopping.is_set():
                if not self.commands.empty():
                    generation, kind, position, double = self.commands.get()
                    pos = self._seek_target(kind, position, double)
                    blocks = self.performance.render_from(pos) if pos is not None else None
                    continue
                block = next(blocks, None) if blocks is not None else None
                if block is None:
                    self._put((generation, pos, END))
                    blocks = None
                    self.stopping.wait(0.05)
                    continue
                if self._put((generation, pos, block)):
                    assert pos is not None  # blocks come only from a position
                    pos += len(block)
        except BaseException as exc:  # handed to the main thread, which raises it
            self._put(("error", 0, exc), force=True)

    def _seek_target(self, kind: str, position: int, double: bool) -> int | None:
        plan = self.performance.plan
        floor = self.performance.floor
        if kind == "next":
            return plan.next_section(position)
        if kind == "to":  # straight to a place (past a held <!-- wait -->)
            return position
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
