"""Where each test runs under pytest-xdist: the real-time tests on a worker of their own.

The real-time tests (``xdist_group("realtime")``, every test with an audio device) mostly
wait: a player takes as long as its audio, and a test waits for it. With ``-n 2`` one of
the two workers spent about 160 s of a run waiting on them, with a core idle. With three
workers on two cores, the first worker (``gw0``) runs the real-time tests one after
another and nothing else until they are done, and the other workers run everything else.
The others are niced (``niceness``), so a player and its PulseAudio server get the CPU
the moment they need it, and the timings those tests measure stay those of a quiet
machine. When gw0 has finished its real-time tests it helps with what is left.

With fewer than three workers xdist's own ``loadgroup`` scheduling is used unchanged.
"""

from __future__ import annotations

import os

import pytest
from xdist.scheduler import LoadGroupScheduling

REALTIME = "realtime"  # the xdist_group of the tests that play in real time (conftest)
REALTIME_WORKER = "gw0"
OTHERS_NICENESS = 10  # a nice 0 process gets about ten times the CPU of a nice 10 one


class RealtimeApart(LoadGroupScheduling):
    """``--dist loadgroup``, except that the real-time group goes whole to ``gw0`` first,
    and gw0 is given nothing else until it is done."""

    def _assign_work_unit(self, node) -> None:  # type: ignore[no-untyped-def]
        """xdist's own assignment of the first unit in the queue, with the real-time group
        moved first for gw0 and last for any other worker."""
        if REALTIME in self.workqueue:
            for_it = node.gateway.id == REALTIME_WORKER or not self._has_realtime_worker()
            if not for_it and len(self.workqueue) == 1:
                return  # only the real-time group is left: it waits for gw0
            self.workqueue.move_to_end(REALTIME, last=not for_it)
        super()._assign_work_unit(node)

    def _has_realtime_worker(self) -> bool:
        """gw0 is there (a worker that crashed is gone: then any worker takes the group)."""
        return any(node.gateway.id == REALTIME_WORKER for node in self.assigned_work)

    def _reschedule(self, node) -> None:  # type: ignore[no-untyped-def]
        if node.gateway.id == REALTIME_WORKER and not all(
                self.assigned_work[node].get(REALTIME, {}).values()):
            return  # busy with the real-time tests: nothing else meanwhile
        super()._reschedule(node)


def auto_workers(config: pytest.Config) -> int | None:
    """``-n auto`` for a run that has real-time tests (not ``--quick``): a worker per core and
    gw0 for the real-time tests; None (xdist decides) otherwise or when
    PYTEST_XDIST_AUTO_NUM_WORKERS says."""
    if config.getoption("quick") or os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores + 1 if cores and cores >= 2 else None


def workers_apart(config: pytest.Config) -> bool:
    """Whether this run keeps the real-time tests apart (three workers or more)."""
    return getattr(config.option, "dist", "no") == "loadgroup" and \
        (getattr(config.option, "numprocesses", 0) or 0) >= 3


def make_scheduler(config: pytest.Config, log):  # type: ignore[no-untyped-def]
    return RealtimeApart(config, log) if workers_apart(config) else None


def realtime_worker_here(config: pytest.Config) -> bool:
    """In a worker: whether this is gw0 of a run that keeps the real-time tests apart (so
    once it has run a test that is not real-time, its real-time tests are all done)."""
    given = getattr(config, "workerinput", {})
    return given.get("workerid") == REALTIME_WORKER and \
        bool(getattr(config.option, "loadgroup", False)) and int(given.get("workercount", 0)) >= 3


def nice_the_others(config: pytest.Config) -> None:
    """In a worker: every worker but gw0 yields the CPU to the real-time tests."""
    given = getattr(config, "workerinput", {})
    if given.get("workerid", REALTIME_WORKER) == REALTIME_WORKER:
        return
    if getattr(config.option, "loadgroup", False) and int(given.get("workercount", 0)) >= 3:
        os.nice(OTHERS_NICENESS)
