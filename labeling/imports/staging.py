"""Uploads parked in default storage under ``imports/`` until a job imports them.

The keys are random; the client's file name never becomes part of a storage key (only its
extension, from a short allowlist, so a staged zip still looks like one).
"""

from __future__ import annotations

import uuid
from typing import IO, Any, cast

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage

from labeling.imports.problems import ImportTooLarge
from labeling.imports.streams import LimitedReader, Readable

_EXTENSIONS = frozenset({"zip", "jpg", "jpeg", "png", "webp", "json", "jsonl", "csv"})


def staged_ext(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ext if ext in _EXTENSIONS else "bin"


def stage_upload(stream: Readable, ext: str) -> str:
    """Copy a body or file to default storage for a job; the key never uses the client's name."""
    reader = LimitedReader(stream, settings.IMPORT_MAX_BYTES)
    key = f"imports/{uuid.uuid4().hex}.{ext}"
    try:
        return default_storage.save(key, File(cast(IO[bytes], reader), name=key))
    except ImportTooLarge:
        default_storage.delete(key)
        raise


def open_staged(key: str) -> IO[bytes]:
    return default_storage.open(key, "rb")


def staged_keys(params: dict[str, Any]) -> list[str]:
    """The staged files of an import job's params."""
    if "key" in params:
        return [params["key"]]
    return [part["key"] for part in params.get("parts", [])]


def delete_staged(params: dict[str, Any]) -> None:
    for key in staged_keys(params):
        default_storage.delete(key)
