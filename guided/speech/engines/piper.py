"""Piper: neural voices, the optional extra guided[neural]; code in guided/speech/piper/."""

from guided.speech.engines.info import EngineInfo

ENGINE = EngineInfo("piper", "guided.speech.piper:create", label="Piper", natural=2,
                    preferred_voice="en_US-joe-medium", order=20,
                    about="natural, needs guided[neural]")
