"""The files ``guided export`` and ``guided bundle`` can write: one list for the
command-line choices, the encoders and the docs."""

from __future__ import annotations

AUDIO_FORMATS = ("mp3", "ogg", "flac", "wav")
DEFAULT_AUDIO_FORMAT = "mp3"
TRANSCRIPT_FORMATS = ("vtt", "srt", "lrc")
