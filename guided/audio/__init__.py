"""Sound: the sample format, the non-speech sounds, rendering events into PCM blocks,
loudness, and the output device."""
