"""Joining two MP3 streams that LAME encoded from overlapping stretches of the same audio
into one stream, as if one encoder had made it (guided.outputs.mp3 encodes a long practice
in segments, two at once).

The segments' frames share one grid: a segment starts a whole number of frames after the
audio does, and LAME always puts ``ENCODER_DELAY`` samples in front, so frame ``j`` of a
segment starting ``s`` frames in covers what frame ``s + j`` of the whole would cover. The
later segment starts ``PRE`` frames before its share, so by then its encoder has heard
what came before (psychoacoustic model, filter bank, bit reservoir) and quantizes as the
earlier one does; the earlier segment goes on ``POST`` frames past its share. The join is
made at the first frame ``m`` in that overlap where both streams use long blocks (so the
windows overlap-add as they do anywhere else) and the earlier stream's last kept frame
leaves room for what the later stream's frame ``m`` takes from its bit reservoir (its
``main_data_begin``): those bytes are copied into that room. When there is not quite
enough room (LAME keeps its reservoir nearly full, a few bytes' difference is usual),
that frame is given the next bitrate up, which only adds bytes. Decoded, the joined
stream has every sample at its place and differs from one encoding of the whole by less
than one 16-bit step (tests/test_mp3_segments.py).

Only MPEG-2 and 2.5 mono without CRC (one granule per frame, 9 bytes of side
information) are joined: what guided writes at its session rate. ``joinable`` says
whether LAME writes that at a sample rate.
"""

from __future__ import annotations

from dataclasses import dataclass

ENCODER_DELAY = 576  # samples LAME adds in front (LAME 3.100, as its own header states)
PRE = 8  # frames a segment starts before its share
POST = 16  # frames a segment goes on after its share
SETTLE = 3  # frames at the end of a segment that the encoder's flush may touch
_HEAD = 4  # frame header bytes
_SIDE = 9  # side information bytes, MPEG-2 mono
SAMPLES_PER_FRAME = {1: 1152, 2: 576, 3: 576}  # Layer III, by MPEG version (1, 2, 2.5)
BITRATES = {  # kb/s by bitrate index, Layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 3: (11025, 12000, 8000)}
FRAME = SAMPLES_PER_FRAME[2]  # samples per frame of what is joined (MPEG-2 and 2.5)
_KBPS = BITRATES[2]


class Unjoinable(Exception):
    """No frame in the overlap of two segments where they can be joined: the caller
    encodes the audio again in one piece."""


@dataclass(frozen=True)
class _Side:
    size: int  # the frame's bytes
    reservoir: int  # main_data_begin: bytes of its data in the frames before it
    data: int  # bytes of its own main data
    long: bool  # a long block (no window switching)


def header(b: bytes | bytearray) -> tuple[int, int, int]:
    """(MPEG version 1/2/3, frame size in bytes, sample rate) of the frame header ``b``."""
    if len(b) < _HEAD or b[0] != 0xFF or (b[1] & 0xE0) != 0xE0 or (b[1] & 0x06) != 0x02 \
            or (b[2] >> 4) in (0, 15) or (b[2] >> 2) & 3 == 3 or (b[1] >> 3) & 3 == 1:
        raise ValueError("the MP3 encoder wrote something that is not a Layer III frame")
    version = {3: 1, 2: 2, 0: 3}[(b[1] >> 3) & 3]
    kbps = BITRATES[min(version, 2)][b[2] >> 4]
    rate = RATES[version][(b[2] >> 2) & 3]
    per_frame = SAMPLES_PER_FRAME[version]
    return version, per_frame * kbps * 125 // rate + ((b[2] >> 1) & 1), rate


def frame_size(b: bytes | bytearray) -> int:
    """Bytes of the Layer III frame with the 4-byte header ``b``."""
    return header(b)[1]


def joinable(first: bytes, rate: int) -> bool:
    """Whether the stream whose first frame header is ``first`` can be joined here:
    MPEG-2 or 2.5 at ``rate``, mono, without CRC."""
    try:
        version, _, frame_rate = header(first)
    except ValueError:
        return False
    return version != 1 and frame_rate == rate and first[1] & 1 == 1 and first[3] >> 6 == 3


def starts(data: bytes | bytearray, count: int) -> list[int]:
    """Where each of the first ``count`` frames of ``data`` starts (and where the next would)."""
    at, pos = [0], 0
    for _ in range(count):
        pos += frame_size(data[pos:pos + _HEAD])
        at.append(pos)
    return at


def _side(data: bytes | bytearray, pos: int) -> _Side:
    bits = int.from_bytes(data[pos + _HEAD:pos + _HEAD + _SIDE], "big")
    part2_3 = (bits >> 51) & 0xFFF  # after main_data_begin (8) and private (1) bits
    switching = (bits >> 24) & 1  # after big_values (9), global_gain (8), scalefac_compress (9)
    return _Side(frame_size(data[pos:pos + _HEAD]), bits >> 64, (part2_3 + 7) // 8, not switching)


def join(earlier: bytes, earlier_at: int, later: bytes, later_at: int,
         first: int, last: int) -> tuple[bytearray, bytes, int]:
    """Join ``earlier`` (frames from ``earlier_at`` on) and ``later`` (from ``later_at``)
    at the first frame in ``first`` .. ``last`` (frame numbers of the whole) where it can
    be done. Returns the earlier stream's frames before the join (their last bytes
    completed), the later stream from the join on, and the frame of the join."""
    a_at = starts(earlier, last - earlier_at)
    b_at = starts(later, last - later_at + 1)
    for m in range(first, last):
        a_pos, b_pos = a_at[m - 1 - earlier_at], b_at[m - later_at]
        a, b = _side(earlier, a_pos), _side(later, b_pos)
        if not (a.long and b.long):
            continue
        room = a.size - _HEAD - _SIDE + a.reservoir - a.data  # free after its own data
        header = _roomier(earlier[a_pos:a_pos + _HEAD], b.reservoir - room)
        if header is None:
            continue
        kept = bytearray(earlier[:a_pos + a.size])
        kept[a_pos:a_pos + _HEAD] = header
        kept += bytes(frame_size(header) - a.size)
        if b.reservoir:
            _put_payload(kept, a_at[:m - earlier_at] + [len(kept)], b.reservoir,
                         _payload_tail(later, b_at[:m - later_at + 1], b.reservoir))
        return kept, later[b_pos:], m
    raise Unjoinable(f"no frame from {first} to {last} to join two segments at")


def _roomier(header: bytes, deficit: int) -> bytes | None:
    """The frame header, at the lowest bitrate that gives the frame ``deficit`` more bytes
    of room (``header`` itself if it has room already), or None if no bitrate does."""
    if deficit <= 0:
        return header
    size = frame_size(header)
    for index in range((header[2] >> 4) + 1, len(_KBPS)):
        bigger = bytes([header[0], header[1], (index << 4) | (header[2] & 0x0F), header[3]])
        if frame_size(bigger) - size >= deficit:
            return bigger
    return None


def _growth(header: bytes, deficit: int) -> int | None:
    """Bytes the frame must grow by (a higher bitrate) to have ``deficit`` more room:
    0 if it has room already, None if no bitrate gives it."""
    roomier = _roomier(header, deficit)
    return None if roomier is None else frame_size(roomier) - frame_size(header)


def _tail_spans(at: list[int], count: int, short: str) -> list[tuple[int, int]]:
    """Where the last ``count`` main-data bytes (headers and side information left out) of
    the frames starting at ``at[:-1]`` lie (``at[-1]``: where the last one ends), the last
    span first; ``Unjoinable(short)`` if the frames hold fewer."""
    spans = []
    need = count
    for i in range(len(at) - 2, -1, -1):
        lo, hi = at[i] + _HEAD + _SIDE, at[i + 1]
        take = min(need, hi - lo)
        spans.append((hi - take, hi))
        need -= take
        if not need:
            return spans
    raise Unjoinable(short)


def _payload_tail(data: bytes, at: list[int], count: int) -> bytes:
    """The last ``count`` main-data bytes of the frames starting at ``at[:-1]``."""
    spans = _tail_spans(at, count, "a bit reservoir reaching back before the segment began")
    return b"".join(bytes(data[lo:hi]) for lo, hi in reversed(spans))


def _put_payload(data: bytearray, at: list[int], count: int, tail: bytes) -> None:
    """Write ``tail`` over the last ``count`` main-data bytes of the frames at ``at``."""
    end = count
    for lo, hi in _tail_spans(at, count, "no room for the joined frame's bit reservoir"):
        data[lo:hi] = tail[end - (hi - lo):end]
        end -= hi - lo
