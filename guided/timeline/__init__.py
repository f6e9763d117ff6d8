"""Time: the one place where it is decided.

``plan`` turns a Script into a Timeline of events with exact sample offsets; every
output (player, export, captions, chapters, transcripts, previews) reads that.
``estimate`` measures a script before planning (lengths shown in lists, the 4-hour
and step limits), ``lazy`` plans as the player needs it, and ``ambience`` says when
the ambience bed fades in and out.
"""
