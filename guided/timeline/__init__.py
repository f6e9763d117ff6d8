"""Time: the one place where it is decided.

``plan`` turns a Script into a Timeline of events with exact sample offsets; every
output (player, export, captions, chapters, transcripts, previews) reads that.
"""
