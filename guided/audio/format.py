"""Sound format shared by every part of the pipeline."""

# Hz. hibari, the default voice, speaks at 24 kHz, so its clips need no resampling,
# and bells and breath tones keep their partials up to 12 kHz (22,050 Hz stopped at
# 11 kHz). espeak-ng and Piper (22,050 Hz) are resampled band-limited on the way into
# the cache (guided.speech.resample). See docs/speech-and-cache.md.
SAMPLE_RATE = 24000
CHANNELS = 1
BLOCK_SIZE = 2048  # samples per rendered block (about 93 ms)
DTYPE = "float32"  # blocks are float32 in [-1, 1]


def seconds_to_samples(seconds: float, rate: int = SAMPLE_RATE) -> int:
    return int(round(seconds * rate))
