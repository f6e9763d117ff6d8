"""What a command chose, resolved once from Click's parameters into one ``Chosen``
(``guided.practice.chosen``) that the command passes whole to prepare, the player,
export, bundles, previews and journeys."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guided.practice.chosen import Chosen
    from guided.speech.choice import VoiceChoice
    from guided.timeline.sounds import SoundChoice


def choose(*, cache_dir: Path, voice: VoiceChoice | None = None,
           variables: tuple[str, ...] = (), vars_file: str | None = None,
           pace: float | None = None, sounds: SoundChoice | None = None,
           device: str | None = None) -> Chosen:
    """The command's choices as one value: ``--var``/``--vars-file`` read (a mistake is a
    one-line error), the ``VoiceChoice`` of ``--engine``/``--voice``/``--rate`` (which
    owns the rate), ``--cache-dir`` as ``cache_option`` resolved it, the sounds and the
    device."""
    from guided.commands.common import collect_vars
    from guided.practice.chosen import Chosen
    from guided.speech.choice import VoiceChoice
    from guided.timeline.sounds import SoundChoice

    return Chosen(cache=cache_dir, voice=voice or VoiceChoice(),
                  variables=collect_vars(variables, vars_file), pace=pace,
                  sounds=sounds or SoundChoice(), device=device)
