"""``guided play`` and ``guided devices``: listening now, on this computer's speakers."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.commands.chosen import choose
from guided.commands.common import (
    cache_option,
    language_option,
    pace_option,
    plain_text,
    preference_default,
    var_option,
    voice_options,
    warm_up_audio,
)
from guided.commands.sounds import sound_options
from guided.errors import GuidedError
from guided.script.durations import format_clock

if TYPE_CHECKING:
    from guided.outputs.player.play import PlayOptions, Prepared, Rounds
    from guided.practice.chosen import Chosen
    from guided.script.model import Script
    from guided.speech.choice import VoiceChoice
    from guided.timeline.sounds import SoundChoice

MAX_DELAY_SECONDS = 3600  # --delay: a quiet hour at most


@click.command()
@click.argument("script", required=False)
@language_option("script")
@var_option
@voice_options
@pace_option
@sound_options
@click.option("--device", default=preference_default("device"), metavar="D",
              help="Output device number or name (see `guided devices`; default: your settings', "
                   "else the system's).")
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
@click.option("--note", default=None, metavar="TEXT", callback=plain_text, help="A one-line note to keep with this session.")
@cache_option
def play(script: str | None, variables: tuple[str, ...], vars_file: str | None, voice: VoiceChoice,
         pace: float | None, sounds: SoundChoice, device: str | None,
         delay: str | None, loop: bool, start_section: str | None, no_prompt: bool,
         before: int | None, after: int | None, note: str | None, cache_dir: Path) -> None:
    """Play a practice now, with captions and keys on a terminal.

    SCRIPT is a practice's name or title (any case), a .yaml file in this folder by
    its name, or a path. Without it, `guided play` lists what you can play.

    \b
    Keys: space pause/resume · n next section · b back to the section start
          (twice quickly: the section before) · q quit · Ctrl-C stop
    On a terminal you are asked how you feel (0-10) before and after; Enter skips.
    Piped or in scripts it plays quietly, asks nothing, and reads no keys.
    Each session is kept in your log on this computer (see `guided log`).
    """
    if script is None:
        _list_playable()
        return
    from guided.outputs import quiet

    # PortAudio's and ALSA's own C messages stay off the screen (GUIDED_DEBUG=1 shows them after)
    with quiet.captured(show=quiet.debug_requested()):
        chosen = choose(cache_dir=cache_dir, voice=voice, variables=variables, vars_file=vars_file,
                        pace=pace, sounds=sounds, device=device)
        _play(script, chosen, delay, loop, start_section, Asked(no_prompt, before, after, note))


@dataclass(frozen=True)
class Asked:
    """What ``play`` asks before and after, or was told instead."""

    no_prompt: bool = False  # --no-prompt: never ask
    before: int | None = None  # --before
    after: int | None = None  # --after
    note: str | None = None  # --note


def _play(script: str, chosen: Chosen, delay: str | None, loop: bool, start_section: str | None,
          asked: Asked) -> None:
    warm = warm_up_audio()  # PortAudio starts while the script loads
    from guided.practice.checks import require_known_variables
    from guided.script.library import load

    prepared: Prepared | None = None
    try:
        try:
            delay_seconds = _parse_delay(delay)
            loaded = chosen.sounds.for_script(load(script))  # --ambience, --ambience-volume
            require_known_variables(chosen.variables, [loaded])  # a mistyped name: before any device or speech
            from guided.outputs.player.play import PlayOptions, prepare

            options = PlayOptions(chosen, start_section=start_section)
            # The first clip is made while the device, the log and the questions are seen
            # to (issue 13: first sound); nothing is said of the voice until playing is sure.
            prepared = prepare(loaded, options)
        finally:
            warm.join(timeout=5)  # PortAudio's start-up messages land in the capture, not after it
        _play_prepared(loaded, options, prepared, delay_seconds, loop, asked)
    finally:
        if prepared is not None:
            prepared.close()  # when play_script did not (no device, Ctrl-C at a question)


def _play_prepared(loaded: Script, options: PlayOptions, prepared: Prepared,
                   delay_seconds: float, loop: bool, asked: Asked) -> int | None:
    """Play what was prepared on the device the command chose, with the questions and
    the log; returns the rating after."""
    from guided.audio.device import check_output
    from guided.commands.ask import AFTER, BEFORE, NOTICED, ask_line, ask_rating
    from guided.i18n import texts
    from guided.outcomes import COMPLETED, INTERRUPTED, REACHED_END, SKIPPED
    from guided.outputs import liveline  # a warning while playing goes above the progress line
    from guided.outputs.player import PlayResult, Rounds, play_script
    from guided.outputs.player.screen import countdown, is_interactive
    from guided.practice import sessionlog
    from guided.practice.practicelog import open_for_practice
    from guided.practice.recorder import SessionRecorder
    from guided.preferences import load_preferences

    found = check_output(options.chosen.device)  # before asking anything: no device, no questions
    interactive = is_interactive()
    before, after, note = asked.before, asked.after, asked.note
    ask = interactive and not asked.no_prompt
    ask_ratings = ask and load_preferences().ratings  # `guided settings set ratings off`

    log = None
    if sessionlog.logging_enabled():  # never stops the practice (guided.practice.practicelog)
        log = open_for_practice(warn=lambda message: liveline.echo(message, err=True))
    else:
        click.echo("Session logging is off, so this session will not be saved "
                   "(`guided log on` turns it back on).", err=True)
    try:
        if before is None and ask_ratings:
            explain = log is None or not log.has_ratings()
            before = ask_rating(BEFORE, explain, loaded.language)
        options = replace(options, device=found.index, interactive=interactive)
        recorder = SessionRecorder(log, distress_before=before) if log is not None else None
        heard = Rounds()  # every round of --loop together, counted by the player
        first: Prepared | None = prepared  # the first round plays what was prepared
        while True:
            try:
                if delay_seconds:
                    countdown(delay_seconds, interactive=interactive, language=loaded.language)
                result = play_script(loaded, options, recorder, prepared=first, rounds=heard)
                first = None
                stop = result.stop_wanted
            except KeyboardInterrupt:  # before or between rounds (while playing, the player notes it)
                if not heard.count:
                    raise  # nothing heard yet
                result, stop = PlayResult(INTERRUPTED, 0.0, 0.0), True
            if stop:  # Ctrl-C: the log already has how each round ended
                kept = {0: "", 1: " The session is in your log."}.get(heard.count,
                                                                      " Each round is in your log.")
                click.echo(f"\nStopped after {_listened(heard)}." + (kept if log else ""), err=True)
                sys.exit(130)
            if not loop or result.outcome not in REACHED_END:
                break
            if recorder is not None:
                recorder.distress_before = None  # the rating belonged to the first round
        answering = False
        try:  # Ctrl-C at a question keeps what was answered before it
            if ask_ratings and after is None:
                after = ask_rating(AFTER, language=loaded.language)
            if ask and note is None:
                note = ask_line(NOTICED, loaded.language)
        except KeyboardInterrupt:
            answering = True
        if log is not None and recorder is not None and recorder.session_id is not None:
            log.rate_after(recorder.session_id, distress_after=after, note=note or None)
        if answering:
            click.echo("\nStopped." + (" Your rating is kept." if log is not None and after is not None else ""),
                       err=True)
            sys.exit(130)
        if interactive:  # the listener's last line, in the practice's language
            _ = texts(loaded.language)
            if result.outcome == COMPLETED:
                click.echo(_("Thank you for taking this time."))
            elif result.outcome == SKIPPED:
                click.echo(_("You skipped to the end after listening {time}. Thank you for "
                             "taking this time.").format(time=_listened(heard)))
            else:
                click.echo(_("Stopped after {time}. That counts too.").format(time=_listened(heard)))
    finally:
        if log is not None:
            log.close()
    return after


@click.command()
def devices() -> None:
    """List the audio outputs `guided play --device` can use."""
    from guided.audio.device import list_output_devices
    from guided.outputs import quiet

    with quiet.captured(show=quiet.debug_requested()):
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


def _listened(heard: Rounds) -> str:
    """``4:10``, or with --loop ``16:40 in all, over 4 rounds``."""
    clock = format_clock(heard.listened_seconds)
    return clock if heard.count <= 1 else f"{clock} in all, over {heard.count} rounds"


def _list_playable() -> None:
    """What `guided play` can play: the library, then the scripts in this folder. A script
    that cannot be read is listed too, marked as `guided list` marks it, with its error
    after the list (a journey or a variables file in the folder is not a practice)."""
    from guided.commands.lengths import ESTIMATED_NOTE, listing_lengths, shown_length
    from guided.outputs.safetext import printable
    from guided.script.library import current_folder_scripts, iter_library, listed
    from guided.script.loader import load_script

    broken = "(cannot be read: see below)"
    errors: list[GuidedError] = []
    rows = []
    lengths = listing_lengths()  # real once heard or exported, else estimated (~)
    for e in listed(iter_library(), None):  # as `guided list`: in English, and yours
        if e.script is not None:
            rows.append((e.name, e.script.title, shown_length(lengths, e.script)))
        elif e.error is not None:
            rows.append((e.name, broken, "-"))
            errors.append(e.error)
    library = {name for name, _, _ in rows}
    here = []
    for path in current_folder_scripts():
        name = path.name if path.stem in library else path.stem
        try:  # by the name you would type here, so an error names `bad.yaml`, not a long path
            found = load_script(Path(path.name), name=path.stem)
        except GuidedError as exc:
            if not _not_a_practice(path):
                here.append((name, broken, "-"))
                errors.append(exc)
            continue
        here.append((name, found.title, shown_length(lengths, found)))
    if not rows and not here:
        click.echo("There are no practices to play yet; `guided new NAME` starts one.")
        return
    width = max(len(r[0]) for r in rows + here)
    title_width = max(len(r[1]) for r in rows + here)
    click.echo("Which practice would you like? Play one with: guided play NAME")
    for heading, group in (("", rows), ("In this folder:", here)):
        if not group:
            continue
        click.echo(f"\n{heading}" if heading else "")
        for name, title, length in group:
            click.echo(printable(f"  {name.ljust(width)}  {title.ljust(title_width)}  {length}"))
    if any(length.startswith("~") for _, _, length in rows + here):
        click.echo(f"\n{ESTIMATED_NOTE}")
    for error in errors:  # one line each, after the list, as `guided list` shows them
        click.echo(printable(str(error)), err=True)


def _not_a_practice(path: Path) -> bool:
    """A journey or a variables file beside the scripts in a folder (not a broken script)."""
    from guided.practice.journeys import is_journey_file
    from guided.script.varsfile import variable_names

    return is_journey_file(path) or variable_names(path) is not None


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


