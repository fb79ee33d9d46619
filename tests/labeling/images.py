"""Small images made on the fly for tests."""

from __future__ import annotations

import io
import random

from PIL import Image


def image_bytes(
    fmt: str = "JPEG",
    *,
    size: tuple[int, int] = (64, 48),
    seed: int = 0,
    exif_orientation: int | None = None,
) -> bytes:
    rng = random.Random(seed)
    im = Image.new("RGB", size, tuple(rng.randint(0, 255) for _ in range(3)))
    im.putpixel((0, 0), (seed % 256, 0, 0))
    buffer = io.BytesIO()
    kwargs = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif.tobytes()
    im.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def jpeg_bytes(*, seed: int = 0, size: tuple[int, int] = (64, 48)) -> bytes:
    return image_bytes("JPEG", size=size, seed=seed)
