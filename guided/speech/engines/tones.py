"""Tones, not speech: the test suite's deterministic engine; code in guided/speech/tone_engine.py."""

from guided.speech.engines.info import TEST_ONLY, EngineInfo

ENGINE = EngineInfo("test", "guided.speech.tone_engine:create", label="the test engine",
                    kind=TEST_ONLY, order=99)
