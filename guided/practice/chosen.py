"""``Chosen``: what one command chose, resolved once at the command line and passed
whole to prepare, the player, export, bundles, previews and journeys.

The command line (``guided.commands.chosen.choose``) builds it from Click's
parameters: the variables (``--var``, ``--vars-file``), the pace, who speaks (a
``VoiceChoice`` that owns the rate and says where warnings go), the clip cache as a
real folder (``guided.paths.cache_dir`` decides the default, once), the sounds and
the output device. Nothing below the command line decides any of these again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from guided.speech.choice import VoiceChoice
from guided.timeline.sounds import SoundChoice


@dataclass(frozen=True)
class Chosen:
    """One command's choices, as one immutable value."""

    cache: Path  # the clip cache folder, already resolved (never None)
    voice: VoiceChoice = field(default_factory=VoiceChoice)  # engine, voice, rate, warnings
    variables: Mapping[str, str] = field(default_factory=dict)  # --var and --vars-file
    pace: float | None = None  # --pace (None: the script's)
    sounds: SoundChoice = field(default_factory=SoundChoice)  # --ambience, --bells, ...
    device: str | None = None  # --device (None: the system's)

    @property
    def rate(self) -> int | None:
        """``--rate``: the voice choice owns it (words per minute; None: the script's)."""
        return self.voice.rate

    @property
    def warn(self) -> Callable[[str], None] | None:
        """Where a warning goes (said once, on standard error, at the command line)."""
        return self.voice.warn
