"""Manifests: the files of a version with size and sha256, for clients that fetch in parallel,
resume and verify.

A commit never changes, so its file list is computed once (reading and hashing the card and
the item documents; media objects are named by their sha256 already) and kept in storage
beside its exports. URLs are not part of what is kept: presigned ones expire.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage

from datasets.layout import CARD_PATH
from datasets.models import Dataset
from datasets.services.exports import EXPORTS_PREFIX, ExportRequest, export_build
from datasets.stores import get_version_store

MEDIA_PREFIX = "media/"
_MEDIA_NAME = re.compile(r"^media/[0-9a-f]{2}/([0-9a-f]{64})\.[A-Za-z0-9]+$")


@dataclass(frozen=True)
class ManifestFile:
    path: str
    size: int
    sha256: str


def _key(commit: str) -> str:
    return f"{EXPORTS_PREFIX}/{commit[:2]}/{commit}/manifest.jsonl"


def _hashed(dataset: Dataset, commit: str) -> Iterator[ManifestFile]:
    """Every object of the canonical layout (card, items, media) in path order."""
    store, repo = get_version_store(), dataset.repository
    for prefix in (CARD_PATH, "items/"):
        for info, data in store.read_objects(repo, commit, prefix=prefix):
            yield ManifestFile(info.path, info.size, hashlib.sha256(data).hexdigest())
    for info in store.list_objects(repo, commit, prefix=MEDIA_PREFIX):
        named = _MEDIA_NAME.match(info.path)
        if named:
            digest = named.group(1)
        else:  # not written by a snapshot: hash it like the rest
            digest = hashlib.sha256(store.read(repo, commit, info.path)).hexdigest()
        yield ManifestFile(info.path, info.size, digest)


def version_files(*, dataset: Dataset, commit: str) -> Iterator[ManifestFile]:
    """The version's files, from the kept list (written on first use)."""
    key = _key(commit)
    if not default_storage.exists(key):
        fd, path = tempfile.mkstemp(prefix="annolake-manifest-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                for entry in _hashed(dataset, commit):
                    out.write(json.dumps([entry.path, entry.size, entry.sha256]) + "\n")
            if not default_storage.exists(key):
                with open(path, "rb") as built:
                    default_storage.save(key, File(built))
        finally:
            os.unlink(path)
    with default_storage.open(key, "rb") as lines:
        for line in lines:
            path, size, digest = json.loads(line)
            yield ManifestFile(path, size, digest)


def export_files(*, dataset: Dataset, request: ExportRequest) -> list[ManifestFile]:
    """What a client pulls for one export: the built file and the dataset card."""
    built = export_build(dataset=dataset, request=request)
    card = get_version_store().read(dataset.repository, request.commit, CARD_PATH)
    return [
        ManifestFile(CARD_PATH, len(card), hashlib.sha256(card).hexdigest()),
        ManifestFile(request.filename, built.size, built.sha256),
    ]
