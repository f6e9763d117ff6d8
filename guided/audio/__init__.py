"""Sound: the sample format, the non-speech sounds, rendering events into PCM blocks,
and loudness."""
