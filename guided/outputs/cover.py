"""Cover art for a bundle, made from its title: a soft, calm gradient (no words, no faces).

The title chooses the colours (the same title always gives the same picture), so each
client's bundle looks its own in a music app, while every cover stays quiet: muted
greens, blues and violets, a low glow like early light, a gentle horizon. Drawn with
numpy and written as a PNG with a few lines of zlib (no imaging library needed).

The MP3s of a bundle get their track number ("2/5"), the bundle's title as the album
and this cover (an ID3 APIC frame), so music apps show them together, in order.
"""

from __future__ import annotations

import colorsys
import hashlib
import struct
import zlib
from pathlib import Path

import numpy as np

SIZE = 600
COVER_NAME = "cover.png"


def _palette(title: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sky, ground and glow colours (0..1 RGB) chosen by the title, always muted."""
    digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).digest()
    hue = 0.28 + (digest[0] / 255) * 0.5  # green through blue to violet: calm hues
    shift = (digest[1] / 255 - 0.5) * 0.12

    def rgb(h: float, light: float, sat: float) -> np.ndarray:
        return np.array(colorsys.hls_to_rgb(h % 1.0, light, sat))

    return (rgb(hue, 0.80, 0.30), rgb(hue + shift, 0.45, 0.25),
            rgb(0.09 + digest[2] / 255 * 0.04, 0.86, 0.55))


def cover_pixels(title: str, size: int = SIZE) -> np.ndarray:
    """The picture as a ``size`` x ``size`` x 3 array of bytes."""
    sky, ground, glow = _palette(title)
    digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).digest()
    y, x = np.mgrid[0:size, 0:size] / (size - 1)
    phase = digest[3] / 255 * 2 * np.pi
    horizon = 0.68 + 0.035 * np.sin(2 * np.pi * x * 1.3 + phase)
    t = np.clip((y - 0.1) / 0.9, 0, 1)[..., None]
    image = sky * (1 - t) + ground * t
    below = (y > horizon)[..., None]
    image = np.where(below, image * 0.86 + ground * 0.14, image)
    cx, cy = 0.3 + digest[4] / 255 * 0.4, 0.5
    distance = np.hypot(x - cx, (y - cy) * 1.1)
    light = np.exp(-(distance / 0.22) ** 2)[..., None] * (~below)
    image = image * (1 - 0.55 * light) + glow * 0.55 * light
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)


def png_bytes(pixels: np.ndarray) -> bytes:
    """An 8-bit RGB PNG of ``pixels`` (height x width x 3)."""
    height, width, _ = pixels.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, -1)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)) + chunk(b"IEND", b""))


def cover_png(title: str) -> bytes:
    return png_bytes(cover_pixels(title))


def tag_track(path: Path, album: str, track: int, total: int, cover: bytes) -> None:
    """Add the bundle's album name, the track number and the cover to an exported MP3."""
    from mutagen.id3 import APIC, ID3, TALB, TPOS, TRCK

    tags = ID3(path)
    tags.setall("TALB", [TALB(encoding=3, text=[album])])
    tags.setall("TRCK", [TRCK(encoding=3, text=[f"{track}/{total}"])])
    tags.setall("TPOS", [TPOS(encoding=3, text=["1/1"])])
    tags.setall("APIC", [APIC(encoding=3, mime="image/png", type=3, desc="Cover", data=cover)])
    tags.save(path, v2_version=4)
