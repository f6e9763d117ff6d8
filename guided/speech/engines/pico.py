"""Pico (py-nanotts): de, es, fr, it, en-GB, en-US, far clearer than espeak-ng; code in
guided/speech/pico/."""

from guided.speech.engines.info import EngineInfo

ENGINE = EngineInfo("pico", "guided.speech.pico:create", label="Pico", order=25,
                    about="German, Spanish, French, Italian, British English")
