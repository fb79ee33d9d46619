"""Image intake: verify with Pillow, measure, store under the content hash, thumbnail.

Decoders are the attack surface here (decompression bombs, polyglots), so the format
allowlist is passed to Pillow itself, the pixel count is checked before any decoding,
and the stored key comes from the bytes' hash and the detected format, never the name.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ValidationFailed
from labeling.models import media_key, thumbnail_key

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that swap width and height


@dataclass(frozen=True)
class ImageInfo:
    sha256: str
    ext: str
    width: int
    height: int


def image_inspect(data: bytes, *, field: str = "file") -> ImageInfo:
    """Check that ``data`` is a sound JPEG/PNG/WebP within the limits, and measure it."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            f"image is {len(data)} bytes; the limit is {settings.MAX_UPLOAD_BYTES}", field=field
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS)) as im:
                fmt = im.format or ""
                width, height = im.size
                if width * height > settings.MAX_IMAGE_PIXELS:
                    raise ValidationFailed(
                        f"image is {width}x{height} pixels; the limit is "
                        f"{settings.MAX_IMAGE_PIXELS} pixels",
                        field=field,
                    )
                im.verify()
            # verify() leaves the image unusable and skips pixel data; decode once to catch
            # truncated files.
            with Image.open(io.BytesIO(data), formats=[fmt]) as im:
                orientation = im.getexif().get(0x0112, 1)
                im.load()
    except UnidentifiedImageError as exc:
        raise ValidationFailed(
            "not an image in an allowed format (JPEG, PNG, WebP)", field=field
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationFailed(
            f"image has too many pixels; the limit is {settings.MAX_IMAGE_PIXELS} pixels",
            field=field,
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationFailed(f"broken image: {exc}", field=field) from exc
    if orientation in _ROTATED_ORIENTATIONS:
        width, height = height, width
    return ImageInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        ext=ALLOWED_FORMATS[fmt],
        width=width,
        height=height,
    )


def image_store(data: bytes, info: ImageInfo) -> str:
    """Store the bytes under their content key; an existing key already holds these bytes."""
    key = media_key(info.sha256, info.ext)
    if not default_storage.exists(key):
        default_storage.save(key, ContentFile(data))
    return key


def thumbnail_create(*, sha256: str, ext: str) -> str:
    """Write a WebP thumbnail, upright (EXIF applied), no larger than THUMBNAIL_SIZE."""
    key = thumbnail_key(sha256)
    size = (settings.THUMBNAIL_SIZE, settings.THUMBNAIL_SIZE)
    with (
        default_storage.open(media_key(sha256, ext), "rb") as source,
        Image.open(source, formats=list(ALLOWED_FORMATS)) as im,
    ):
        im.draft("RGB", size)
        upright = ImageOps.exif_transpose(im)
        upright.thumbnail(size)
        buffer = io.BytesIO()
        upright.convert("RGB").save(buffer, format="WEBP", quality=80)
    default_storage.save(key, ContentFile(buffer.getvalue()))
    return key
