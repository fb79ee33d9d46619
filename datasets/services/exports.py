"""Exports of a version: built once per (commit, format, options), then served from storage.

Commits are immutable, so an export is a pure function of its commit id and options: it is
written to a temporary file, moved into storage under a key made of those (so no reader
ever sees half a file), and every later request — any ref that resolves to the same
commit — is served from there with a strong ETag.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.core.files import File
from django.core.files.storage import default_storage

from core.errors import NotFound, ValidationFailed
from datasets.exporters import UnknownFormat, get_exporter
from datasets.exporters.splits import split_of
from datasets.layout import CARD_PATH
from datasets.models import Dataset
from datasets.stores import get_version_store
from datasets.stores.base import InvalidRequest
from datasets.stores.base import NotFound as StoreNotFound

SPLITS = ("train", "val", "test")
DEFAULT_RATIOS = {"train": 0.8, "val": 0.1, "test": 0.1}


@dataclass(frozen=True)
class ExportRequest:
    commit: str
    fmt: str
    split: str | None
    media: bool

    @property
    def etag(self) -> str:
        return f'"{self.commit}.{self.fmt}.{self.split or "all"}.{int(self.media)}"'

    def key(self, extension: str) -> str:
        parts = [self.fmt, self.split or "all", "media" if self.media else "labels"]
        return f"exports/{self.commit[:2]}/{self.commit}/{'-'.join(parts)}.{extension}"


def export_request(
    *, dataset: Dataset, ref: str, fmt: str, split: str | None, media: bool
) -> ExportRequest:
    """Check the options and resolve ``ref`` (tag, commit id or branch) to a commit now."""
    try:
        get_exporter(fmt)
    except UnknownFormat as exc:
        raise ValidationFailed(str(exc.args[0]), field="format") from exc
    if split is not None and split not in SPLITS:
        raise ValidationFailed("must be train, val or test", field="split")
    try:
        commit = get_version_store().resolve(dataset.repository, ref)
    except (StoreNotFound, InvalidRequest) as exc:
        raise NotFound(f"No version {ref!r} in this dataset.", field="ref") from exc
    return ExportRequest(commit=commit, fmt=fmt, split=split, media=media)


def _read(repo: str, commit: str, path: str) -> Any:
    with get_version_store().open(repo, commit, path) as f:
        return json.loads(f.read())


def export_build(*, dataset: Dataset, request: ExportRequest) -> str:
    """The storage key of the export, writing it first if this is its first request."""
    exporter = get_exporter(request.fmt)
    key = request.key(exporter.extension_for(with_media=request.media))
    if default_storage.exists(key):
        return key
    store, repo, commit = get_version_store(), dataset.repository, request.commit
    card = _read(repo, commit, CARD_PATH)
    ratios = dataset.split_ratios or DEFAULT_RATIOS

    def items() -> Iterator[dict[str, Any]]:
        for info in store.list_objects(repo, commit, prefix="items/"):
            document = _read(repo, commit, info.path)
            stable_id = f"{document['project']}/{document['id']}"
            if request.split is None or split_of(stable_id, ratios) == request.split:
                yield document

    def media(path: str) -> BinaryIO:
        return store.open(repo, commit, path)

    fd, tmp_path = tempfile.mkstemp(prefix="annolake-export-")
    try:
        with os.fdopen(fd, "wb") as out:
            exporter.write(card, items, out, media=media if request.media else None)
        with open(tmp_path, "rb") as built:
            default_storage.save(key, File(built))
    finally:
        os.unlink(tmp_path)
    return key
