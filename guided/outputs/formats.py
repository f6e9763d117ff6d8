"""The files ``guided export``, ``guided bundle``, ``guided say -o`` and ``guided log
export`` can write: one list for the command-line choices, the encoders and the docs."""

from __future__ import annotations

AUDIO_FORMATS = ("mp3", "ogg", "flac", "wav")
DEFAULT_AUDIO_FORMAT = "mp3"
TRANSCRIPT_FORMATS = ("vtt", "srt", "lrc")
LOG_FORMATS = ("csv", "json")  # guided log export
