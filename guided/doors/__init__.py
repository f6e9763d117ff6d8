"""The doors: the only ways data from outside guided's own code comes in.

- ``guided.doors.keptfile``: files guided keeps for itself (a recorded voice's
  ``voice.json``, the journey progress, ``sessions-pending.jsonl``, ``settings.yaml``,
  an engine's kept start-up files). A regular file inside its own folder, size and
  nesting capped, and one line saying "damaged" for anything else.
- ``guided.doors.audio``: audio from outside (own-voice takes, imports), decoded with
  bounds (sample-rate range, length cap) block by block.

Ground layer: these modules import nothing of guided above ``errors``, ``paths`` and
``portable``. ``tests/test_doors_only.py`` fails when product code opens such a file
any other way.
"""
