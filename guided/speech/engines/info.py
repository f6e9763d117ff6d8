"""What an engine says about itself (``EngineInfo``), for the registry in this folder."""

from __future__ import annotations

from dataclasses import dataclass

OFFERED = "offered"  # chosen with --engine or the settings, tried by `auto`, listed by `guided voices`
OWN = "own"  # a recorded voice: chosen by naming the voice, never by `auto` or --engine
TEST_ONLY = "test"  # accepted by --engine for the test suite; never offered or picked


@dataclass(frozen=True)
class EngineInfo:
    name: str  # what --engine and the settings accept
    create: str  # "module:function" returning a ready Engine; imported only when used
    label: str = ""  # how messages name it ("espeak-ng"); the name when empty
    kind: str = OFFERED  # OFFERED, OWN or TEST_ONLY
    natural: int = 0  # > 0: `auto` tries it first for a language it speaks, lowest first
    preferred_voice: str | None = None  # its favourite when several of its voices fit
    order: int = 100  # where it is listed (lower first)
    about: str = ""  # a few words for --engine's help ("natural, English")

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.name)
