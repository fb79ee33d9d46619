"""Fixtures and builders shared by the import tests (imported by the test_import_* modules)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from labeling.models import Project, Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

IMAGE_SCHEMA = {
    "controls": [
        {
            "name": "objects",
            "type": "bbox",
            "labels": [{"name": "car"}, {"name": "person"}, {"name": "bike"}],
        },
        {"name": "outline", "type": "polygon", "labels": [{"name": "car"}, {"name": "road"}]},
        # Required: pre-annotations may still leave it out.
        {"name": "time", "type": "class", "required": True, "labels": [{"name": "day"}]},
    ]
}


def make_image_project() -> Project:
    return ProjectFactory(kind=Project.Kind.IMAGE, label_schema=IMAGE_SCHEMA)


def make_manager(project: Project):
    user = UserFactory()
    MembershipFactory(project=project, user=user, role=Role.MANAGER)
    return user


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def zip_bytes(entries: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (0o120777) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def media_files(root) -> list[str]:
    media = root / "media" / "media"
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []
