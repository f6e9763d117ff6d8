"""Shared test fixtures.

Every test gets its own ``GUIDED_HOME`` (session log, user scripts, settings), so
nothing touches the real user folders. The audio cache is shared across the whole
run (clips are content-addressed, so sharing is safe and keeps the suite fast);
tests about the cache itself pass their own ``--cache-dir``.

Two ways to run the command line, with the same call and the same result fields
(``returncode``, ``stdout``, ``stderr``):

- ``cli``: in this process, through ``guided.cli.main`` under click's ``CliRunner``
  isolation. Milliseconds per call; for arguments, errors and logic.
- ``guided``: a fresh interpreter, as a user runs it. For what only a real process
  shows: signals, exit on Ctrl-C, audio devices, the environment a subprocess sees.

The quick selection (``make test-fast``, i.e. ``pytest --quick``) is every test not
marked ``audio``, ``slow``, ``speech``, ``tools`` or ``subprocess``; some marks are given
by the fixtures a test uses (``FIXTURE_MARKS``). A test without those marks that reaches
for the real thing anyway (a real voice, ffmpeg, Chromium, ``python -m guided``) fails
and says which mark it needs, in the quick run as in the whole suite, so the quick loop
stays quick and honest.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import audio_devices, scheduling
from tests.audio_devices import pulse_servers  # noqa: F401 - the run's PulseAudio servers

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """One clip cache for the run; under pytest-xdist one for all the workers (clips are
    written atomically under content-addressed names, as two guided processes would)."""
    if not hasattr(request.config, "workerinput"):
        return tmp_path_factory.mktemp("audio_cache")
    shared = tmp_path_factory.getbasetemp().parent / "audio_cache"
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, shared_cache: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("GUIDED_HOME", str(home))
    monkeypatch.setenv("GUIDED_CACHE_DIR", str(shared_cache))
    monkeypatch.delenv("GUIDED_DEBUG", raising=False)
    # pytest-xdist sets COLUMNS=80 in its workers; a table's width must not depend on
    # whether the tests run on one core or several.
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    # `python -m guided` started from another folder imports this checkout's guided, not
    # whichever one the venv's editable install points at (another worktree, say).
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p))
    # Tests speak with espeak-ng (fast, always there) unless they choose Piper themselves.
    monkeypatch.setenv("GUIDED_ENGINE", "pyttsx3")
    # What the command line reads once from the environment (guided.commands.environment),
    # for the code a test calls directly; each `cli` call reads it again, as `guided` does.
    from guided.commands.environment import apply_environment
    from guided.runtime import current, use

    previous = current()
    apply_environment()
    yield home
    use(previous)


# Marks given by the fixtures a test uses (besides any it declares itself).
FIXTURE_MARKS: dict[str, tuple[str, ...]] = {
    "guided": ("subprocess",),
    "alsa_file_sink": ("audio",),
    "pulse_null_sink": ("audio",),
    "pulse_microphone": ("audio",),
    "no_audio_device": ("audio",),
    "small_disk": ("subprocess", "speech", "tools"),  # exports onto a tiny disk (test_faults_misc)
    "browser": ("tools",),  # headless Chromium (test_bundle)
    "firefox": ("tools",),  # headless Firefox (test_bundle_firefox)
}
QUICK_EXCLUDES = ("audio", "slow", "speech", "tools", "subprocess")
TOOLS = {"ffmpeg", "ffprobe", "chromium", "chromium-browser", "google-chrome", "firefox-esr",
         "firefox"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--quick", action="store_true",
                     help="run only the tests that need no real speech, audio device, tool or "
                          "subprocess (make test-fast)")
    parser.addoption("--not-quick", dest="not_quick", action="store_true",
                     help="run only the tests --quick leaves out (make test-rest; the two "
                          "halves are the whole suite, each test once)")


REALTIME = scheduling.REALTIME
SHARED = "shared:"  # the group of a module's tests that share a module fixture


def _join_group(config: pytest.Config, item: pytest.Item) -> None:
    """Under ``--dist loadgroup`` xdist schedules by a "@group" ending of the test's id, which
    its worker adds by setting ``item._nodeid``; pytest 9 keeps the id in ``item._id`` and
    ignores that, so the group was silently lost and the real-time tests ran on both
    workers at once. Here the ending is added on pytest 9 (earlier versions do as before),
    for every ``xdist_group`` mark."""
    if not getattr(config.option, "loadgroup", False):  # set in xdist workers only
        return
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
             for m in item.iter_markers("xdist_group")}  # as xdist names the group
    node_id = getattr(item, "_id", None)
    if not names or node_id is None:
        return
    group = "_".join(sorted(names))
    if not item.nodeid.endswith(f"@{group}"):
        item._id = type(node_id).parse(f"{item.nodeid}@{group}")  # type: ignore[attr-defined]


def is_quick(item: pytest.Item) -> bool:
    """A test with none of the marks for the real thing: it belongs to ``--quick``."""
    return not any(item.get_closest_marker(m) for m in QUICK_EXCLUDES)


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        defs and defs[-1].scope in ("module", "class", "package")
        for defs in info.name2fixturedefs.values())


# tryfirst: xdist's worker reads the xdist_group marks in its own hook of this name; a
# conftest's hook would otherwise run after it, when the marks come too late.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            for mark in FIXTURE_MARKS.get(fixture, ()):
                item.add_marker(mark)
        if item.get_closest_marker("audio"):
            # Real-time playback into a virtual device: under pytest-xdist these run one
            # after another on one worker (`--dist loadgroup`), never two at once.
            item.add_marker(pytest.mark.xdist_group(REALTIME))
        elif _shares_a_module_fixture(item) and not item.get_closest_marker("xdist_group"):
            # A module fixture (a wheel, a model, four exports) is made once per worker and
            # again whenever the worker comes back to the module after another one: the
            # tests that share it run together on one worker, so it is made once.
            item.add_marker(pytest.mark.xdist_group(f"{SHARED}{item.nodeid.split('::')[0]}"))
        _join_group(config, item)
    quick, rest = config.getoption("quick"), config.getoption("not_quick")
    if quick and rest:
        raise pytest.UsageError("--quick and --not-quick choose opposite halves: pass one")
    if quick or rest:
        kept = [i for i in items if is_quick(i) == bool(quick)]
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.hookimpl(optionalhook=True)  # the two xdist hooks: not there under -p no:xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: one worker per core, and one more for the real-time tests when the run
    has them (tests/scheduling.py)."""
    return scheduling.auto_workers(config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    return scheduling.make_scheduler(config, log)


def pytest_configure(config: pytest.Config) -> None:
    scheduling.nice_the_others(config)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """On the real-time worker, after its last real-time test: its PulseAudio servers are
    stopped, so the CPU they take while awake goes to the tests still to run."""
    if scheduling.realtime_worker_here(item.config) and item.get_closest_marker("audio") \
            and (nextitem is None or not nextitem.get_closest_marker("audio")):
        audio_devices.stop_pulse_servers()


_PASSED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.passed and report.when == "call":  # under xdist: the controller sees every report
        _PASSED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run in which no test passed (none chosen, or every one skipped) is not a pass:
    it ends with pytest's "no tests ran" status, 5, which fails make and .ci/run."""
    if session.config.option.collectonly or hasattr(session.config, "workerinput"):
        return
    if exitstatus == 0 and not _PASSED:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED


class NeedsAMark(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _quick_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """For every test of the quick half, in any run (``--quick`` or the whole suite): no real
    voice, no ffmpeg or Chromium, no ``python -m guided``."""
    if not is_quick(request.node):
        return
    from guided.speech import engines

    real_factory = engines.engine_factory

    def engine_factory(name: str):
        make = real_factory(name)

        def build(*args: object, **kwargs: object):
            engine = make(*args, **kwargs)
            if getattr(engine, "name", "") != "test":
                def refuse(*_args: object, **_kwargs: object) -> None:
                    raise NeedsAMark(f"this test speaks with the real {engine.name} engine: mark it "
                                     "@pytest.mark.speech, or pass --engine test")
                engine.synthesize = refuse
            return engine

        return build

    monkeypatch.setattr(engines, "engine_factory", engine_factory)
    _refuse_real_models(monkeypatch)
    real_init = subprocess.Popen.__init__

    def popen_init(self: subprocess.Popen, args: object, *more: object, **kwargs: object) -> None:
        argv = [os.fsdecode(a) if isinstance(a, (str, bytes, os.PathLike)) else str(a)
                for a in ([args] if isinstance(args, (str, bytes)) else args)]
        program = Path(argv[0]).name if argv else ""
        if program in TOOLS:
            raise NeedsAMark(f"this test runs {program}: mark it @pytest.mark.tools")
        if argv[:2] == [sys.executable, "-m"] and len(argv) > 2 and argv[2].startswith("guided"):
            if argv[2] == "guided.speech.worker":
                raise NeedsAMark("this test speaks with a real voice (a speech worker): mark it "
                                 "@pytest.mark.speech, or pass --engine test")
            raise NeedsAMark(f"this test starts `python -m {argv[2]}`: mark it "
                             "@pytest.mark.subprocess, or use the cli fixture")
        real_init(self, args, *more, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", popen_init)


def _refuse_real_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that builds hibari (or any onnxruntime model, as Piper's) directly, without
    going through an engine, is stopped too: its phonemizer tables and its voice model."""
    import hibari.g2p
    import onnxruntime

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise NeedsAMark("this test builds a real voice model or phonemizer (hibari, Piper): "
                         "mark it @pytest.mark.speech")

    monkeypatch.setattr(hibari.g2p, "_load_json", refuse)
    monkeypatch.setattr(hibari.g2p.G2P, "__init__", refuse)
    monkeypatch.setattr(onnxruntime, "InferenceSession", refuse)


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run the command line in this process (``guided.cli.main``), as ``guided`` does
    in a subprocess: same arguments, same one-line errors and exit codes."""
    from guided.cli import main
    from guided.runtime import current, use

    def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
            timeout: float | None = None, cwd: str | Path | None = None) -> CliResult:
        del timeout  # pytest-timeout guards in-process calls
        saved_env, saved_runtime = dict(os.environ), current()
        with monkeypatch.context() as m, CliRunner().isolation(input=input, env=env) as streams:
            if cwd is not None:
                m.chdir(cwd)
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                os.environ.clear()  # an option that set a variable must not leak to the next call
                os.environ.update(saved_env)
                use(saved_runtime)  # and what the command line read from it
                sys.stdout.flush()  # what was printed and not yet flushed (a process's exit
                sys.stderr.flush()  # would flush it)
            out, err = streams[0].getvalue(), streams[1].getvalue()
        return CliResult(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))

    return run


@pytest.fixture
def guided():
    """Run the real command line in a subprocess, as a user would."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120, cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        return subprocess.run(
            [sys.executable, "-m", "guided", *args],
            input=input, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd,
        )

    return run
