"""Playing a practice through PortAudio (sounddevice), as it is being planned and rendered.

Nothing waits for the whole practice: the timeline is planned lazily, speech is
prefetched in order in the background, and a render thread keeps a short queue of
blocks ahead of the device. The parts:

- ``play``: ``play_script``, ``PlayOptions``, ``PlayResult``, ``Performance`` (one
  playing), ``Rounds`` for --loop; the command hands in a ``Recorder``
  (``guided.practice.recorder``);
  Ctrl-C and SIGTERM while playing are noted (``guided.interrupts``), not raised;
- ``renderer``: the render thread, and ``Playable``: what it and the playback loop
  need of a ``Performance``;
- ``playback``: the loop on the main thread (device, keys, screen);
- ``screen``: captions, progress line, countdown; ``keys``: single key presses.

Devices live in ``guided.audio.device``, the lazy plan in ``guided.timeline.lazy``,
outcomes in ``guided.outcomes``.
"""

from guided.outputs.player.play import PlayOptions, PlayResult, Rounds, play_script

__all__ = ["PlayOptions", "PlayResult", "Rounds", "play_script"]
