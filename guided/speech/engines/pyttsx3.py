"""espeak-ng through pyttsx3: many languages, the fallback; code in guided/speech/pyttsx3_engine.py."""

from guided.speech.engines.info import EngineInfo

ENGINE = EngineInfo("pyttsx3", "guided.speech.pyttsx3_engine:create", label="espeak-ng", order=30,
                    about="espeak-ng, many languages")
