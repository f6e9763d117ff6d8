"""A Ctrl-C or SIGTERM never cuts the session log's bookkeeping in half (guided/interrupts.py).

Found by CI: `guided play --loop` stopped with Ctrl-C just as a round was being
written down could write that round's row twice (the row was inserted, then the stop
came before its id was noted, so closing inserted it again) and report fewer rounds
than the log holds. The signals here are real, sent to this very process.
"""

from __future__ import annotations

import os
import signal

import pytest

from guided.interrupts import held
from guided.practice import sessionlog
from guided.practice.practicelog import PracticeLog
from guided.practice.recorder import SessionRecorder
from tests.helpers import logged_sessions


def test_a_ctrl_c_inside_waits_for_the_end_of_the_stretch():
    done = []
    with pytest.raises(KeyboardInterrupt), held():
        os.kill(os.getpid(), signal.SIGINT)
        done.append("rest of the stretch")
    assert done == ["rest of the stretch"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_stop_can_be_reported_instead_of_raised():
    with held(deliver=False) as late:
        os.kill(os.getpid(), signal.SIGINT)
    assert late and late.arrived == [signal.SIGINT]
    with held(deliver=False) as calm:
        pass
    assert not calm


def test_sigterm_goes_to_the_handler_that_was_there_before():
    seen: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        with held():
            os.kill(os.getpid(), signal.SIGTERM)
            assert seen == []  # not yet
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_nested_stretches_deliver_once_at_the_outer_end():
    order = []
    with pytest.raises(KeyboardInterrupt):
        with held():
            with held():
                os.kill(os.getpid(), signal.SIGINT)
            order.append("inner ended")
        order.append("never")  # pragma: no cover
    assert order == ["inner ended"]


def _interrupting_insert(monkeypatch):
    """SessionLog.insert_row that is hit by a real Ctrl-C just after the row is in the log."""
    real = sessionlog.SessionLog.insert_row

    def insert_then_ctrl_c(self, row):
        saved = real(self, row)
        os.kill(os.getpid(), signal.SIGINT)
        return saved

    monkeypatch.setattr(sessionlog.SessionLog, "insert_row", insert_then_ctrl_c)


def _playing(title: str):
    from guided.practice.recorder import Playing

    return Playing(script=title.lower(), title=title, content_hash="x", voice="v", engine="test",
                   rate=140, planned_seconds=10.0)


def test_ctrl_c_as_a_row_is_written_never_writes_it_twice(monkeypatch):
    log = PracticeLog()
    recorder = SessionRecorder(log)
    with monkeypatch.context() as patched:
        _interrupting_insert(patched)
        with pytest.raises(KeyboardInterrupt):
            recorder.begin(_playing("First"))
    assert recorder.session_id is not None  # the row's id was noted before the stop
    recorder.finish("interrupted", 1.5, 10.0)
    log.close()
    rows = logged_sessions()
    assert [(r.title, r.outcome, r.listened_seconds) for r in rows] == [("First", "interrupted", 1.5)]


def test_ctrl_c_as_the_next_round_begins_never_rewrites_the_last_round(monkeypatch):
    log = PracticeLog()
    recorder = SessionRecorder(log)
    recorder.begin(_playing("Round one"))
    recorder.finish("completed", 10.0, 10.0)

    def stopped_at_once(row):  # the stop lands before the new row exists at all
        raise KeyboardInterrupt

    monkeypatch.setattr(log, "start", stopped_at_once)
    with pytest.raises(KeyboardInterrupt):
        recorder.begin(_playing("Round two"))
    recorder.finish("interrupted", 0.0, 10.0)  # what the player does next
    log.close()
    (row,) = logged_sessions()
    assert (row.title, row.outcome, row.listened_seconds) == ("Round one", "completed", 10.0)


def test_a_late_ctrl_c_ends_the_loop_after_the_round_is_logged(cli, monkeypatch, tmp_path, capfd):
    """The player reports a stop that came while it was writing the round down
    (``late_stop``): `--loop` goes no further, and says so."""
    from types import SimpleNamespace

    from guided.audio import device
    from guided.outputs import player
    from guided.outputs.player.play import PlayResult

    played = []

    def one_round(script, options, recorder=None, prepared=None, rounds=None):
        played.append(script.title)
        rounds.count += 1  # as the player counts a round heard
        rounds.listened_seconds += 5.0
        return PlayResult("completed", 5.0, 5.0, late_stop=True)

    monkeypatch.setattr(player, "play_script", one_round)
    monkeypatch.setattr(device, "check_output", lambda name: SimpleNamespace(index=0, name="here"))
    script = tmp_path / "tiny.yaml"
    script.write_text("title: Tiny\nsteps:\n  - say: Hello.\n  - pause: 1s\n")
    result = cli("play", str(script), "--no-prompt", "--loop", "--engine", "test")
    assert played == ["Tiny"]
    assert result.returncode == 130, result.stderr
    said = result.stderr + capfd.readouterr().err  # the player's quiet capture writes to fd 2
    assert "Stopped after 0:05." in said


def test_an_ignored_signal_stays_ignored():
    """Started with Ctrl-C ignored (a background job, nohup): a stretch neither catches it
    nor reports it."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with held(deliver=False) as late:
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
        assert not late
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_second_ctrl_c_still_ends_a_slow_close(monkeypatch):
    """Closing a practice's speech may wait for a clip being made; Ctrl-C there is not
    held (a stuck engine must never need kill -9): the round stands and no more follow."""
    from types import SimpleNamespace

    from guided.outputs.player import play

    monkeypatch.setattr(play, "check_output", lambda name: SimpleNamespace(index=0, name="here"))

    class Finished:
        def __init__(self, *args):
            pass

        def run(self, device, recorder, rounds):
            return play.PlayResult("completed", 5.0, 5.0)

    def slow_close():
        raise KeyboardInterrupt  # what a Ctrl-C during the wait raises

    monkeypatch.setattr(play, "Performance", Finished)
    prepared = SimpleNamespace(speaker=SimpleNamespace(introduce=lambda texts: None,
                                                       settings=SimpleNamespace(rate=140)),
                               texts=[], estimate=SimpleNamespace(variables={}), start_ordinal=0,
                               close=slow_close)
    from pathlib import Path

    from guided.practice.chosen import Chosen

    options = play.PlayOptions(Chosen(Path("unused-cache")))  # the prepared speaker is used
    result = play.play_script(object(), options, prepared=prepared)
    assert result.outcome == "completed" and result.late_stop and result.stop_wanted


def test_stop_signals_ignored_at_start_stay_ignored():
    """`nohup guided export …`: SIGHUP was ignored when guided started and stays so."""
    from guided.outputs.writer import STOP_SIGNALS, stop_on_signals

    signum = STOP_SIGNALS[-1]
    previous = signal.signal(signum, signal.SIG_IGN)
    try:
        with stop_on_signals():
            assert signal.getsignal(signum) == signal.SIG_IGN
            os.kill(os.getpid(), signum)  # nothing happens
        assert signal.getsignal(signum) == signal.SIG_IGN
    finally:
        signal.signal(signum, previous)


def test_preview_play_from_stopped_exits_130(cli, monkeypatch, tmp_path, capfd):
    from types import SimpleNamespace

    from guided.audio import device
    from guided.outputs import player
    from guided.outputs.player.play import PlayResult

    monkeypatch.setattr(player, "play_script",
                        lambda script, options: PlayResult("interrupted", 2.0, 9.0))
    monkeypatch.setattr(device, "check_output", lambda name: SimpleNamespace(index=0, name="here"))
    script = tmp_path / "two.yaml"
    script.write_text("title: Two\nsteps:\n  - section: One\n  - say: Hello.\n"
                      "  - section: Two\n  - say: Again.\n")
    result = cli("preview", str(script), "--play-from", "2", "--engine", "test")
    assert result.returncode == 130, result.stderr
    assert "Stopped." in result.stderr + capfd.readouterr().err
