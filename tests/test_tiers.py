"""The test tiers themselves: `--quick` and `--not-quick` split the suite in two with
nothing left out and nothing run twice (CI runs both halves), a run in which no test
passed is not a pass (exit 5), and the quick guard stops a test that builds a real
voice model directly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.subprocess


def _pytest(*args: str, cwd: Path = REPO,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider",
                           *args], capture_output=True, text=True, timeout=240, cwd=cwd,
                          env={**os.environ, **(env or {})})


def _collected(tmp_path: Path, *args: str) -> tuple[set[str], set[str]]:
    """The ids of the whole suite as collected, and of the tests pytest would run with
    ``args`` (some ids hold newlines, so they are written as JSON). The whole comes from
    the same run, before any hook chooses: a wrapper sees the items first."""
    out = tmp_path / f"ids{'-'.join(a.strip('-') for a in args)}.json"
    (tmp_path / "collected_ids.py").write_text(
        "import json\n\nimport pytest\n\nseen = {}\n\n"
        "@pytest.hookimpl(wrapper=True)\n"
        "def pytest_collection_modifyitems(items):\n"
        "    seen['whole'] = [i.nodeid for i in items]\n"
        "    return (yield)\n\n"
        "def pytest_collection_finish(session):\n"
        "    seen['chosen'] = [i.nodeid for i in session.items]\n"
        f"    open({str(out)!r}, 'w').write(json.dumps(seen))\n")
    done = _pytest("--collect-only", "-q", "-p", "collected_ids", *args,
                   env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    seen = json.loads(out.read_text())
    for ids in seen.values():
        assert len(ids) == len(set(ids))
    return set(seen["whole"]), set(seen["chosen"])


@pytest.mark.slow
def test_the_two_halves_are_the_whole_suite_each_test_once(tmp_path: Path) -> None:
    # two collections, not three: each also gives the whole suite, before the choice
    whole, quick = _collected(tmp_path, "--quick")
    whole_again, rest = _collected(tmp_path, "--not-quick")
    assert whole == whole_again
    assert len(quick) > 300 and len(rest) > 100
    assert not quick & rest
    assert quick | rest == whole
    assert "tests/test_tiers.py::test_the_two_halves_are_the_whole_suite_each_test_once" in rest


def _suite(tmp_path: Path, body: str) -> Path:
    """A tiny suite run with this project's conftest (its hooks and guard)."""
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom tests.conftest import *  # noqa\n"
        "from tests.conftest import _quick_guard  # noqa\n")
    (tmp_path / "test_tiny.py").write_text(body)
    return tmp_path


def test_a_run_where_every_test_was_skipped_exits_5(tmp_path: Path) -> None:
    suite = _suite(tmp_path, "import pytest\n\ndef test_a():\n    pytest.skip('not here')\n")
    assert _pytest("-q", str(suite), cwd=suite).returncode == 5
    assert _pytest("-q", "-k", "nothing_has_this_name", str(suite), cwd=suite).returncode == 5
    ran = _suite(tmp_path, "def test_a():\n    assert 1 + 1 == 2\n")
    assert _pytest("-q", str(ran), cwd=ran).returncode == 0


def test_the_quick_guard_stops_a_test_that_builds_hibari_directly(tmp_path: Path) -> None:
    body = ("import pytest\n\n"
            "def test_builds_the_phonemizer():\n"
            "    from hibari.g2p import G2P\n"
            "    G2P()\n\n"
            "def test_builds_the_model():\n"
            "    from guided.speech import hibari_engine\n"
            "    from guided.speech.hibari_model import make_tts\n"
            "    path, _ = hibari_engine.voice_files()['heart']\n"
            "    make_tts('heart', path, None, None)\n")
    suite = _suite(tmp_path, body)
    done = _pytest("-q", "--quick", str(suite), cwd=suite)
    assert done.returncode == 1, done.stdout[-2000:]
    assert done.stdout.count("mark it @pytest.mark.speech") >= 2, done.stdout[-3000:]
    assert "2 failed" in done.stdout


def _spread(tmp_path: Path, workers: int, tests: str) -> list[list[str]]:
    """Run ``tests`` with ``workers`` xdist workers (``--dist loadgroup``, as `make test`);
    each calls ``_note(kind, i)``, and each row returned is what one call noted: the kind,
    i, the worker, its niceness and the time."""
    body = ("import os, pytest, time\n\n"
            "def _note(kind, i):\n"
            f"    with open({str(tmp_path / 'ran.txt')!r}, 'a') as f:\n"
            "        f.write(f\"{kind} {i} {os.environ['PYTEST_XDIST_WORKER']} {os.nice(0)} "
            "{time.monotonic()}\\n\")\n\n" + tests)
    suite = _suite(tmp_path, body)
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n",
                           str(workers), "--dist", "loadgroup", str(suite)], capture_output=True,
                          text=True, timeout=240, cwd=suite)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line.split() for line in (tmp_path / "ran.txt").read_text().splitlines()]


def test_the_real_time_tests_run_on_one_worker_one_after_another(tmp_path: Path) -> None:
    """`make test`'s `--dist loadgroup` keeps every audio test on one worker. Under pytest 9
    the group xdist adds was silently lost, and real-time playback shared the CPU."""
    ran = _spread(tmp_path, 2, "@pytest.mark.audio\n@pytest.mark.parametrize('i', range(6))\n"
                  "def test_plays(i):\n    _note('audio', i)\n    time.sleep(0.05)\n\n"
                  "@pytest.mark.parametrize('i', range(6))\n"
                  "def test_other(i):\n    _note('other', i)\n    time.sleep(0.05)\n")
    assert len(ran) == 12
    assert len({worker for kind, _, worker, *_ in ran if kind == "audio"}) == 1, ran
    assert len({worker for _, _, worker, *_ in ran}) == 2, ran  # the other tests still spread


@pytest.mark.slow
def test_with_three_workers_the_real_time_tests_have_one_to_themselves(tmp_path: Path) -> None:
    """`make test` on two cores starts three workers (tests/scheduling.py): gw0 runs the
    real-time tests, one after another, and nothing else until they are done; the other
    workers run everything else at niceness 10, so a player gets the CPU when it asks.
    After its last real-time test, gw0 stops the run's PulseAudio servers (here a stand-in
    that notes when it is stopped), before it runs anything else."""
    rows = _spread(tmp_path, 3, "import tests.audio_devices as devices\n\n"
                   "class Servers:\n    def stop_all(self):\n        _note('stopped', 0)\n\n"
                   "@pytest.mark.audio\n@pytest.mark.parametrize('i', range(4))\n"
                   "def test_plays(i):\n    if not devices._SERVERS:\n"
                   "        devices._SERVERS.append(Servers())\n"
                   "    time.sleep(0.2)\n    _note('audio', i)\n\n"
                   "@pytest.mark.parametrize('i', range(12))\n"
                   "def test_other(i):\n    _note('other', i)\n    time.sleep(0.05)\n")
    ran = [row for row in rows if row[0] != "stopped"]
    stopped = [row for row in rows if row[0] == "stopped"]
    assert len(ran) == 16
    audio = [row for row in ran if row[0] == "audio"]
    base = os.nice(0)  # this test's own (it may itself run on a niced worker)
    assert {(worker, int(nice)) for _, _, worker, nice, _ in audio} == {("gw0", base)}, ran
    last_audio = max(float(row[4]) for row in audio)
    others = [row for row in ran if row[0] == "other"]
    assert {worker for _, _, worker, _, _ in others} >= {"gw1", "gw2"}, ran
    assert all(float(at) > last_audio for _, _, worker, _, at in others if worker == "gw0"), ran
    assert {int(nice) for _, _, worker, nice, _ in others if worker != "gw0"} == {min(base + 10, 19)}, ran
    assert [row[2] for row in stopped] == ["gw0"], rows
    assert all(last_audio < float(stopped[0][4]) < float(at)
               for _, _, worker, _, at in others if worker == "gw0"), rows
