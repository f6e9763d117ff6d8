"""``--ambience``, ``--ambience-volume``, ``--bells`` and ``--breath-tones``: the
listener's say over the sounds, for play, export, timer and now. An option wins over
the setting of the same name (``guided settings set bells off``), which wins over the
script's own choice."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from guided.commands.common import FiniteFloatRange

if TYPE_CHECKING:
    from guided.timeline.sounds import SoundChoice

_ON_OFF = click.Choice(["on", "off"], case_sensitive=False)


def sound_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the four options; the command receives ``sounds``: one ``SoundChoice`` made
    of them and the settings file."""
    from guided.timeline.sounds import AMBIENCE_CHOICES, VOLUME_RANGE

    @functools.wraps(f)
    def command(*args: Any, ambience: str | None, ambience_volume: float | None,
                bells: str | None, breath_tones: str | None, **kwargs: Any) -> Any:
        return f(*args, sounds=sound_choice(ambience, ambience_volume, bells, breath_tones),
                 **kwargs)

    command = click.option(
        "--breath-tones", type=_ON_OFF, default=None,
        help="off: the tones that pace a breath become silence of the same length "
             "(default: your settings', else on).")(command)
    command = click.option(
        "--bells", type=_ON_OFF, default=None,
        help="off: the start, end and section bells become silence of the same length, so "
             "nothing else moves (default: your settings', else on).")(command)
    command = click.option(
        "--ambience-volume", type=FiniteFloatRange(*VOLUME_RANGE), default=None, metavar="0-1",
        help="How loud the background is: 1 its usual quiet level, 0 silent "
             "(default: your settings', else 1).")(command)
    return click.option(
        "--ambience", type=click.Choice(AMBIENCE_CHOICES, case_sensitive=False), default=None,
        help="The background under the voice, in place of the script's: off for none "
             "(default: your settings', else the script's).")(command)


def sound_choice(ambience: str | None, volume: float | None, bells: str | None,
                 breath_tones: str | None) -> SoundChoice:
    """The options over the settings file (read here, once)."""
    from guided.preferences import load_preferences
    from guided.timeline.sounds import SoundChoice

    saved = load_preferences()
    return SoundChoice(
        ambience=ambience.lower() if ambience else saved.ambience,
        volume=volume if volume is not None else saved.ambience_volume,
        bells=bells.lower() == "on" if bells else saved.bells,
        breath_tones=breath_tones.lower() == "on" if breath_tones else saved.breath_tones,
    )
