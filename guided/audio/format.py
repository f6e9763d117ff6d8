"""Sound format shared by every part of the pipeline."""

SAMPLE_RATE = 22050  # Hz; espeak-ng and Piper's medium voices both speak at this rate
CHANNELS = 1
BLOCK_SIZE = 2048  # samples per rendered block (about 93 ms)
DTYPE = "float32"  # blocks are float32 in [-1, 1]


def seconds_to_samples(seconds: float, rate: int = SAMPLE_RATE) -> int:
    return int(round(seconds * rate))
