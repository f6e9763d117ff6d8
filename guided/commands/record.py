"""``guided record``: a therapist records a practice's lines once, in their own voice."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.commands.common import collect_vars, var_option
from guided.commands.record_import import _still_missing, _takes, import_takes
from guided.errors import GuidedError

if TYPE_CHECKING:
    import numpy as np

KEYS_BEFORE = "Enter: start recording · s: skip this line · q: stop here"
KEYS_AFTER = "Enter or k: keep · l: listen · r: redo · s: skip · q: stop here"
WORDS_PER_MINUTE = 130  # a calm reading pace, for the time a sitting will take
ENTER_SOUND_SECONDS = 0.12  # the end of a take holds the sound of the key that stopped it


@click.command()
@click.argument("script_ref", metavar="SCRIPT")
@click.option("--list", "list_only", is_flag=True,
              help="Print the lines to record, numbered (NNN, a tab, the line), and stop.")
@click.option("--as", "name", default=None, metavar="NAME",
              help="The voice to record into, e.g. --as anna (made on first use).")
@click.option("--import", "import_dir", type=click.Path(file_okay=False), default=None,
              metavar="DIR", help="Take the lines from DIR/001.wav, 002.wav, … (also .flac, "
                                  ".mp3, .m4a) instead of the microphone; DIR/lines.txt (the "
                                  "--list saved there) says which line each number is.")
@click.option("--redo", is_flag=True, help="Record (or import) lines that already have a take, too.")
@click.option("--device", default=None, metavar="D",
              help="The microphone: its number or name (default: the system's).")
@var_option
def record(script_ref: str, list_only: bool, name: str | None, import_dir: str | None,
           redo: bool, device: str | None, variables: tuple[str, ...],
           vars_file: str | None) -> None:
    """Record a practice's lines in your own voice, once; then play, export and
    bundle it with --voice NAME, with every pause exactly as written.

    \b
    guided record grounding --list
    guided record grounding --as anna
    guided record grounding --as anna --import takes/
    guided export grounding --voice anna -o grounding.mp3

    Line by line: Enter starts, Enter stops, then listen, redo, keep or skip. Every
    take you keep is saved at once, so you can stop (q or Ctrl-C) and carry on later
    where you left off. See docs/own-voice.md.
    """
    from guided.practice.checks import require_known_variables
    from guided.practice.prepare import load
    from guided.speech.recorded.store import VoiceStore
    from guided.speech.voicenames import check_recording_name

    script = load(script_ref)
    values = collect_vars(variables, vars_file)
    require_known_variables(values, [script])  # a mistyped --var: before listing or keeping
    lines = script_lines(script, values)
    if list_only:
        for number, text in enumerate(lines, 1):
            click.echo(f"{number:03d}\t{text}")
        return
    if not name:
        raise GuidedError("whose voice is this? add --as NAME (for example --as anna), "
                          "or see the lines with --list")
    store = VoiceStore(name)
    check_recording_name(store.name)
    if import_dir is not None:
        listing = list_command(script_ref, variables, vars_file)
        import_takes(store, lines, Path(import_dir).expanduser(), redo, listing)
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise GuidedError("recording needs a terminal to press keys in; to use takes made "
                          "in another app, add --import DIR")
    record_takes(store, lines, device, redo)


def list_command(ref: str, variables: tuple[str, ...], vars_file: str | None) -> str:
    """``guided record REF --list`` with the --var and --vars-file values given, quoted
    for the shell, so following it lists the lines with the same names filled in."""
    words = ["guided", "record", ref]
    if vars_file is not None:
        words += ["--vars-file", vars_file]
    for value in variables:
        words += ["--var", value]
    return shlex.join([*words, "--list"])


def script_lines(script, variables: dict[str, str]) -> list[str]:
    """The distinct lines spoken, in order of first appearance, variables filled in
    (breath cues included)."""
    from guided.speech.recorded.store import line_key
    from guided.timeline.plan import plan

    seen: dict[str, str] = {}
    for text in plan(script, variables=variables).speech_texts():
        seen.setdefault(line_key(text), text)
    return list(seen.values())


# -- guided check --voice NAME ------------------------------------------------------


def recorded_voice(name: str):
    """The voice ``check --voice NAME`` names, taken as ``play --voice NAME`` takes it:
    a recorded voice's store (to name the lines it has no take for), else None for a
    voice an engine speaks; a voice neither is play's one-line error."""
    from guided.commands.common import env_engine, voice_choice
    from guided.speech.choice import settle
    from guided.speech.recorded.store import VoiceStore

    store = VoiceStore.find(name.strip())
    if store is None:
        settle(voice_choice(env_engine(), name, None))  # play's error, else a voice here
    return store


def with_missing_takes(report, store, ref: str, strict: bool, *, script_voice: bool = True):
    """``guided check``'s report plus one warning (an error with --strict) per line the
    recorded voice (``store``, else the one the script names with ``voice:``, unless
    ``script_voice`` is False: ``--voice`` named another) has no
    take for, whose take file is gone, or whose take is the same audio as another
    line's (a file imported under the wrong number)."""
    script = report.script
    named = script_voice and script is not None and script.voice
    if store is None and not named:
        return report  # no recorded voice: nothing of it is loaded (numpy is not needed)
    from dataclasses import replace

    from guided.errors import Pos
    from guided.practice.checks import ERROR, WARNING, Problem
    from guided.speech.recorded.store import VoiceStore
    from guided.timeline.plan import SPEECH

    if store is None and named:
        store = VoiceStore.find(script.voice)
    if store is None or report.timeline is None:
        return report
    level = ERROR if strict else WARNING
    by_audio: dict[str, list[str]] = {}
    for line in store.lines().values():
        by_audio.setdefault(line.sha256, []).append(line.text)
    extra, seen = [], set()
    for ev in report.timeline.events:
        if ev.kind != SPEECH or ev.text in seen:
            continue
        seen.add(ev.text)
        pos = ev.pos or Pos(str(report.path))
        line = store.line(ev.text)
        if line is None:
            extra.append(Problem(pos, f"no recording of \u201c{ev.text}\u201d in {store.name}'s "
                                      f"voice yet: the default voice speaks it "
                                      f"(guided record {ref} --as {store.name})", level))
        elif not store.take_path(line).is_file():
            extra.append(Problem(pos, f"the recording of \u201c{ev.text}\u201d in {store.name}'s "
                                      f"voice is missing ({store.take_path(line)}): the default voice "
                                      f"speaks it until you record it again (guided record {ref} "
                                      f"--as {store.name})", level))
        else:
            others = [text for text in by_audio.get(line.sha256, []) if text != line.text]
            if others:
                extra.append(Problem(pos, f"the recording of \u201c{ev.text}\u201d in "
                                          f"{store.name}'s voice is the same audio as the one of "
                                          f"\u201c{others[0]}\u201d, so one of them speaks the "
                                          "wrong line: listen, and record or import it again "
                                          "with --redo", level))
    return replace(report, problems=(*report.problems, *extra))


# -- recording -----------------------------------------------------------------------


def recording_estimate(lines: list[str]) -> str:
    """How long the speech is, and how long to allow: three times the speech, and about
    15 seconds a line to settle, listen back and perhaps redo it (two short lines
    were "about 8 minutes")."""
    import math

    speech = sum(len(text.split()) for text in lines) / WORDS_PER_MINUTE * 60
    allow = math.ceil((3 * speech + 15 * len(lines)) / 60)
    said = ("under a minute" if speech < 60 else
            f"about {round(speech / 60)} minute{'s' if round(speech / 60) != 1 else ''}")
    return (f"That is {said} of speech; allow about {allow} minute{'s' if allow != 1 else ''}, "
            "with time to listen back and redo a line.")


def record_takes(store, lines: list[str], device: str | None, redo: bool) -> None:
    from guided.outputs.player.keys import Keys
    from guided.speech.recorded.capture import Recorder, check_input

    todo = [(n, text) for n, text in enumerate(lines, 1) if redo or not store.has(text)]
    if not todo:
        click.echo(f"Every line of this practice is already recorded in {store.name}'s voice. "
                   "Add --redo to record them again.")
        return
    mic = Recorder(check_input(device))
    click.echo(f"Recording {len(todo)} of {len(lines)} lines into {store.name}'s voice, "
               f"from {mic.device.name}.")
    click.echo(recording_estimate([text for _, text in todo]))
    click.echo("Take your time. Each take you keep is saved at once; q or Ctrl-C stops "
               "and keeps them all.\n")
    kept = 0
    try:
        with mic, Keys() as keys:
            for position, (number, text) in enumerate(todo):
                following = todo[position + 1][1] if position + 1 < len(todo) else None
                outcome = _one_line(store, mic, keys, number, len(lines), text, following)
                kept += outcome == "kept"
                if outcome == "quit":
                    break
    except KeyboardInterrupt:
        click.echo("")
        click.echo(f"Stopped. {_takes(kept).capitalize()} kept in {store.name}'s voice; "
                   "run the same command to carry on.", err=True)
        sys.exit(130)
    missing = [f"{n:03d}" for n, text in enumerate(lines, 1) if not store.has(text)]
    click.echo(f"\n{_takes(kept).capitalize()} kept in {store.name}'s voice." if kept
               else "\nNothing new was kept this time, and that is fine.")
    click.echo(_still_missing(missing, store.name))


def _one_line(store, mic, keys, number: int, total: int, text: str, following: str | None) -> str:
    from guided.speech.recorded.takes import prepare

    click.echo(f"{number:03d}/{total:03d}  \u201c{text}\u201d")
    if following:
        click.echo(f"         next: \u201c{following}\u201d")
    while True:
        click.echo(f"  {KEYS_BEFORE}")
        key = _wait(keys, "\n\rsq")
        if key in "sq":
            return "quit" if key == "q" else "skipped"
        samples = _capture(mic, keys)
        try:
            take = prepare(samples, mic.rate)
        except GuidedError as exc:
            click.echo(f"  {exc.message[:1].upper()}{exc.message[1:]}; let's try that once more.")
            continue
        seconds = len(take.samples) / _session_rate()
        click.echo(f"  {seconds:.1f} s of speech.")
        for warning in take.warnings:
            click.echo(f"  Note: {warning}.")
        while True:
            click.echo(f"  {KEYS_AFTER}")
            key = _wait(keys, "\n\rklrsq")
            if key == "l":
                from guided.speech.recorded.capture import play_back
                from guided.speech.trim import trim

                problem = play_back(trim(take.samples), _session_rate())
                if problem:
                    click.echo(f"  {problem}")
                continue
            break
        if key == "r":
            continue
        if key in "\n\rk":
            store.keep(text, samples, mic.rate)
            click.echo("  Kept.\n")
            return "kept"
        return "quit" if key == "q" else "skipped"


def _capture(mic, keys) -> np.ndarray:
    from guided.speech.recorded.capture import meter

    mic.start()
    try:
        while True:
            key = keys.read(0.1)
            sys.stdout.write(f"\r\x1b[K  \u25cf recording {mic.seconds():5.1f} s  "
                             f"{meter(mic.level_db)}   Enter stops")
            sys.stdout.flush()
            if key in ("\n", "\r"):
                break
    finally:
        samples = mic.stop()
        sys.stdout.write("\r\x1b[K")
        sys.stdout.flush()
    return samples[: max(0, len(samples) - int(ENTER_SOUND_SECONDS * mic.rate))]


def _wait(keys, accepted: str) -> str:
    while True:
        key = keys.read(0.2)
        if key is not None and key in accepted:
            return key
        if keys.fd is None:  # not a terminal after all
            raise GuidedError("recording needs a terminal to press keys in; to use takes "
                              "made in another app, add --import DIR")


def _session_rate() -> int:
    from guided.samples import SAMPLE_RATE

    return SAMPLE_RATE
