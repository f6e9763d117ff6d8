"""``guided play`` and ``guided devices``: listening now, on this computer's speakers."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

import click

from guided.commands.common import (
    cache_option,
    collect_vars,
    pace_option,
    var_option,
    voice_options,
)
from guided.errors import GuidedError
from guided.script.durations import format_clock

if TYPE_CHECKING:
    from guided.speech.choice import VoiceChoice

MAX_DELAY_SECONDS = 3600  # --delay: a quiet hour at most


@click.command()
@click.argument("script")
@var_option
@voice_options
@pace_option
@click.option("--device", default=None, metavar="D",
              help="Output device number or name (see `guided devices`; default: the system's).")
@click.option("--delay", default=None, metavar="TIME",
              help="A quiet countdown before starting, e.g. 10s, to settle in first (up to an hour).")
@click.option("--loop", is_flag=True, help="Play again and again until you press q or Ctrl-C.")
@click.option("--from", "start_section", default=None, metavar="SECTION",
              help="Start at a section: its number or title (see `guided preview`).")
@click.option("--no-prompt", is_flag=True, help="Never ask for ratings or a reflection.")
@click.option("--before", type=click.IntRange(0, 10), default=None, metavar="N",
              help="Distress before, 0-10, without being asked.")
@click.option("--after", type=click.IntRange(0, 10), default=None, metavar="N",
              help="Distress after, 0-10, without being asked.")
@click.option("--note", default=None, metavar="TEXT", help="A one-line note to keep with this session.")
@cache_option
def play(script: str, variables: tuple[str, ...], vars_file: str | None, voice: VoiceChoice,
         rate: int | None, pace: float | None, device: str | None, delay: str | None, loop: bool,
         start_section: str | None, no_prompt: bool, before: int | None, after: int | None,
         note: str | None, cache_dir: str | None) -> None:
    """Play a practice now, with captions and keys on a terminal.

    \b
    Keys: space pause/resume · n next section · b back to the section start
          (twice quickly: the section before) · q quit · Ctrl-C stop
    On a terminal you are asked how you feel (0-10) before and after; Enter skips.
    Piped or in scripts it plays quietly, asks nothing, and reads no keys.
    Each session is kept in your log on this computer (see `guided log`).
    """
    warming = _warm_up_audio()
    _warm_up_voice(voice, cache_dir)
    from guided.audio.device import check_output
    from guided.commands.ask import ask_line, ask_rating
    from guided.outcomes import COMPLETED, INTERRUPTED
    from guided.outputs.player import PlayOptions, play_script
    from guided.outputs.player.screen import countdown, is_interactive
    from guided.practice import sessionlog
    from guided.practice.practicelog import open_for_practice
    from guided.practice.recorder import SessionRecorder
    from guided.script.checks import require_known_variables
    from guided.script.library import load

    try:
        delay_seconds = _parse_delay(delay)
        values = collect_vars(variables, vars_file)
        loaded = load(script)
        require_known_variables(values, [loaded])  # a mistyped name: before any device or speech
    finally:
        # sounddevice silences fd 2 while PortAudio starts: nothing may be printed
        # (an error about the script above, say) until it has finished
        warming.join(5.0)
    found = check_output(device)  # before asking anything: no device, no questions
    interactive = is_interactive()
    ask = interactive and not no_prompt

    log = None
    if sessionlog.logging_enabled():  # never stops the practice (guided.practice.practicelog)
        log = open_for_practice(warn=lambda message: click.echo(message, err=True))
    else:
        click.echo("Session logging is off, so this session will not be saved "
                   "(`guided log on` turns it back on).", err=True)
    try:
        if before is None and ask:
            explain = log is None or not log.has_ratings()
            before = ask_rating("How much distress do you feel right now?", explain)
        options = PlayOptions(
            device=found.index, variables=values, pace=pace, rate=rate, voice=voice,
            start_section=start_section, cache_dir=cache_dir, interactive=interactive)
        recorder = SessionRecorder(log, distress_before=before) if log is not None else None
        while True:
            if delay_seconds:
                countdown(delay_seconds, interactive=interactive)
            result = play_script(loaded, options, recorder)
            if result.outcome == INTERRUPTED:
                click.echo(f"\nStopped after {format_clock(result.listened_seconds)}."
                           + (" The session is in your log." if log else ""), err=True)
                sys.exit(130)
            if not loop or result.outcome != COMPLETED:
                break
            if recorder is not None:
                recorder.distress_before = None  # the rating belonged to the first round
        if ask and after is None:
            after = ask_rating("And now, how much distress do you feel?")
        if ask and note is None:
            note = ask_line("Anything you noticed, in one line?")
        if log is not None and recorder is not None and recorder.session_id is not None:
            log.rate_after(recorder.session_id, distress_after=after, note=note or None)
        if interactive:
            click.echo("Thank you for taking this time." if result.outcome == COMPLETED
                       else f"Stopped after {format_clock(result.listened_seconds)}. That counts too.")
    finally:
        if log is not None:
            log.close()


@click.command()
def devices() -> None:
    """List the audio outputs `guided play --device` can use."""
    from guided.audio.device import list_output_devices

    found = list_output_devices()
    if not found:
        from guided.audio.device import NO_DEVICE_HINT
        from guided.errors import AudioDeviceError

        raise AudioDeviceError(NO_DEVICE_HINT)
    width = max(len(d.name) for d in found)
    for d in found:
        marker = "*" if d.default else " "
        click.echo(f"{marker} {d.index:>3}  {d.name.ljust(width)}  {d.hostapi}")
    click.echo("(* = default; pass the number or name to `guided play --device`)")


def _warm_up_audio() -> threading.Thread:
    """Start PortAudio (its device scan takes ~0.1 s) while the script loads."""
    import contextlib

    def warm() -> None:
        # a missing PortAudio is reported properly by check_output
        with contextlib.suppress(Exception):
            import sounddevice  # noqa: F401

    thread = threading.Thread(target=warm, name="guided-audio-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up_voice(voice: VoiceChoice, cache_dir: str | None) -> None:
    """Start loading the default natural voice while the script loads (issue 13: first
    sound); a no-op when another engine or voice was asked for."""
    from guided.speech.hibari_engine import preload

    preload(voice.engine, (voice.voice, voice.settings_voice), cache_dir)


def _parse_delay(delay: str | None) -> float:
    if not delay:
        return 0.0
    from guided.script.durations import parse_duration

    try:
        seconds = parse_duration(delay)
    except ValueError as exc:
        raise GuidedError(f"--delay: {exc}") from None
    if seconds > MAX_DELAY_SECONDS:
        raise GuidedError(f"--delay: a countdown of at most {MAX_DELAY_SECONDS // 60} minutes "
                          f"is plenty (got {delay})")
    return seconds


