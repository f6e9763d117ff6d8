"""guided: an offline, audio-guided practice player."""

__version__ = "0.1.0"
