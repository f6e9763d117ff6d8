"""hibari: the default natural voice (a core dependency); code in guided/speech/hibari_engine.py."""

from guided.speech.engines.info import EngineInfo

ENGINE = EngineInfo("hibari", "guided.speech.hibari_engine:create", natural=1,
                    preferred_voice="heart", order=10, about="natural, English")
