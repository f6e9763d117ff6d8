"""``guided timer``: quiet time with a soft bell to begin, bells at intervals if you
like, and a bell as the time is up; played like a practice, or kept as audio with -o.
``play_made`` also plays what ``guided now`` offers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.commands.common import listener_language, plain_text, preference_default
from guided.commands.sounds import sound_options
from guided.outputs.formats import AUDIO_FORMATS

if TYPE_CHECKING:
    from guided.commands.play import Asked
    from guided.practice.chosen import Chosen
    from guided.script.model import Script
    from guided.timeline.sounds import SoundChoice


@click.command()
@click.argument("length")
@click.option("--bell-every", default=None, metavar="TIME",
              help="A soft bell at each interval, e.g. 2m (at least 10s; within the timer).")
@sound_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Keep the timer as an audio file instead of playing it (as `guided export`).")
@click.option("--format", "fmt", type=click.Choice(AUDIO_FORMATS), default=None,
              help="Audio format for -o; by default taken from the file name.")
@click.option("--force", is_flag=True, help="With -o: replace a file that already exists.")
@click.option("--device", default=preference_default("device"), metavar="D",
              help="Output device number or name (see `guided devices`).")
@click.option("--no-prompt", is_flag=True, help="Never ask for ratings or a reflection.")
@click.option("--before", type=click.IntRange(0, 10), default=None, metavar="N",
              help="Distress before, 0-10, without being asked.")
@click.option("--after", type=click.IntRange(0, 10), default=None, metavar="N",
              help="Distress after, 0-10, without being asked.")
@click.option("--note", default=None, metavar="TEXT", callback=plain_text,
              help="A one-line note to keep with this session.")
@listener_language("The questions and every line shown in this language (de, es, fr, it; "
                   "default English, or `guided settings set language de`).")
def timer(length: str, bell_every: str | None, sounds: SoundChoice, output: str | None,
          fmt: str | None, force: bool, device: str | None, no_prompt: bool,
          before: int | None, after: int | None, note: str | None,
          language: str | None) -> None:
    """Quiet time: a soft bell, silence, and a bell as the time is up.

    LENGTH is how long, e.g. 10m, 1m30s or 90s (a plain number is minutes), up to
    4 hours. The last bell ends exactly when the time is up.

    \b
    guided timer 10m
    guided timer 20m --bell-every 5m --ambience rain-like
    guided timer 10m -o quiet-ten.mp3
    guided timer 10m --language fr       the questions and the screen in French

    The same keys, questions and log as a practice (see `guided play --help`).
    """
    from guided.timeline.timer import parse_length, timer_script

    seconds = parse_length(length, "LENGTH")
    every = parse_length(bell_every, "--bell-every") if bell_every is not None else None
    script = sounds.for_script(timer_script(seconds, every, language))
    if output is not None:
        export_made(script, Path(output).expanduser(), fmt, force, sounds)
        return
    from guided.commands.play import Asked

    play_made(script, "timer", saved_choices(sounds, device), Asked(no_prompt, before, after, note))


def saved_choices(sounds: SoundChoice, device: str | None) -> Chosen:
    """What `guided timer` and `guided now` play with: your settings' pace and rate,
    ``GUIDED_ENGINE`` or your settings' voice, the default clip cache, and the sounds and
    device chosen on the command line."""
    from guided.commands.chosen import choose
    from guided.commands.common import env_engine, voice_choice
    from guided.paths import cache_dir
    from guided.preferences import load_preferences

    saved = load_preferences()
    return choose(cache_dir=cache_dir(), voice=voice_choice(env_engine(), None, saved.rate),
                  pace=saved.pace, sounds=sounds, device=device)


def export_made(script: Script, out: Path, fmt: str | None, force: bool,
                sounds: SoundChoice) -> None:
    """Write a script made here (not read from a file) as `guided export` writes one."""
    from guided.commands.chosen import choose
    from guided.commands.export import ExportOptions, _export_one
    from guided.outputs.writer import stop_on_signals
    from guided.paths import cache_dir

    opts = ExportOptions(choose(cache_dir=cache_dir(), sounds=sounds), fmt=fmt, transcript=None,
                         force=force)  # no speech
    with stop_on_signals():
        _export_one(script, out, opts)  # type: ignore[arg-type]


def play_made(script: Script, origin: str, chosen: Chosen, asked: Asked) -> int | None:
    """Play ``script`` as `guided play` does (device, questions, log), the session
    marked with ``origin``; returns the rating after, when one was given."""
    from guided.audio.device import NO_DEVICE_HINT
    from guided.commands.play import _play_prepared
    from guided.errors import AudioDeviceError
    from guided.i18n import texts
    from guided.outputs import quiet
    from guided.outputs.player.play import PlayOptions, prepare

    options = PlayOptions(chosen, origin=origin)
    try:
        with quiet.captured(show=quiet.debug_requested()):
            prepared = prepare(script, options)
            try:
                return _play_prepared(script, options, prepared, 0.0, False, asked)
            finally:
                prepared.close()
    except AudioDeviceError as exc:  # no device: said in the listener's own words
        if str(exc) != NO_DEVICE_HINT:
            raise
        raise AudioDeviceError(texts(script.language)(NO_DEVICE_HINT)) from None
