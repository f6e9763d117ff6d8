"""A therapist's own takes (guided record), chosen by naming the voice, never by auto;
code in guided/speech/recorded/."""

from guided.speech.engines.info import OWN, EngineInfo

ENGINE = EngineInfo("recorded", "guided.speech.recorded:create", kind=OWN, order=90)
