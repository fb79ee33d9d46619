from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from core.errors import ValidationFailed
from labeling.media import image_inspect, image_store, thumbnail_create
from tests.labeling.images import image_bytes


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_allowed_formats_are_measured_and_keyed_by_content(fmt, ext):
    data = image_bytes(fmt, size=(40, 30))
    info = image_inspect(data)
    assert (info.ext, info.width, info.height) == (ext, 40, 30)
    assert len(info.sha256) == 64


@pytest.mark.parametrize("orientation", [6, 8])
def test_exif_rotation_swaps_recorded_width_and_height(orientation):
    info = image_inspect(image_bytes("JPEG", size=(40, 30), exif_orientation=orientation))
    assert (info.width, info.height) == (30, 40)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_formats_outside_the_allowlist_are_refused(fmt):
    with pytest.raises(ValidationFailed) as err:
        image_inspect(image_bytes(fmt))
    assert err.value.field == "file"
    assert "JPEG, PNG, WebP" in err.value.message


def test_html_and_svg_are_not_images():
    for data in [
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ]:
        with pytest.raises(ValidationFailed):
            image_inspect(data)


def test_truncated_jpeg_is_refused():
    data = image_bytes("JPEG", size=(200, 200))
    with pytest.raises(ValidationFailed, match="broken image"):
        image_inspect(data[: len(data) // 2])


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge size: a decompression bomb caught before decoding."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused_before_decoding(settings):
    with pytest.raises(ValidationFailed) as err:
        image_inspect(_png_header_only(30000, 30000))
    assert "the limit is" in err.value.message
    assert err.value.field == "file"


def test_oversize_bytes_are_refused(settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationFailed, match="the limit is 100"):
        image_inspect(image_bytes("PNG", size=(64, 64)))


def test_stored_key_comes_from_the_hash_and_thumbnail_is_upright():
    data = image_bytes("JPEG", size=(400, 300), exif_orientation=6)
    info = image_inspect(data)
    key = image_store(data, info)
    assert key == f"media/{info.sha256[:2]}/{info.sha256}.jpg"
    assert image_store(data, info) == key  # storing again rewrites nothing new
    thumb = thumbnail_create(sha256=info.sha256, ext=info.ext)
    with default_storage.open(thumb, "rb") as f, Image.open(io.BytesIO(f.read())) as im:
        assert im.format == "WEBP"
        assert im.size[0] < im.size[1]  # rotated portrait, as the annotator will see it
        assert max(im.size) <= settings_thumbnail_size()


def settings_thumbnail_size() -> int:
    from django.conf import settings

    return settings.THUMBNAIL_SIZE
