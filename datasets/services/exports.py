"""Exports of a version: built once per (commit, format, options), then served from storage.

Commits are immutable, so an export is a pure function of its commit id and options: it is
written to a temporary file, moved into storage under a key made of those (so no reader
ever sees half a file), and every later request — any ref that resolves to the same
commit — is served from there with a strong ETag.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any, BinaryIO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.errors import NotFound, ValidationFailed
from core.streams import CHUNK, Caller, pump
from datasets.exporters import UnknownFormat, get_exporter, jsonl
from datasets.exporters.splits import split_of
from datasets.layout import CARD_PATH, item_id_from_path
from datasets.models import Dataset
from datasets.stores import get_version_store
from datasets.stores.base import InvalidRequest
from datasets.stores.base import NotFound as StoreNotFound

EXPORTS_PREFIX = "exports"
SPLITS = ("train", "val", "test")
READ_BATCH = 500  # item documents handed from the store to a writer at a time
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

    @property
    def filename(self) -> str:
        """``jsonl-all-labels.jsonl``, ``yolo-train-media.zip``, ..."""
        extension = get_exporter(self.fmt).extension_for(with_media=self.media)
        parts = [self.fmt, self.split or "all", "media" if self.media else "labels"]
        return f"{'-'.join(parts)}.{extension}"

    @property
    def key(self) -> str:
        return f"{EXPORTS_PREFIX}/{self.commit[:2]}/{self.commit}/{self.filename}"


@dataclass(frozen=True)
class BuiltExport:
    """An export in storage: where, how big, and its sha256 (what the manifest lists)."""

    key: str
    size: int
    sha256: str


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
    return ExportRequest(commit=version_commit(dataset, ref), fmt=fmt, split=split, media=media)


def version_commit(dataset: Dataset, ref: str) -> str:
    """The commit ``ref`` (a tag, a commit id, or a branch now) names; 404 naming ``ref``."""
    try:
        return get_version_store().resolve(dataset.repository, ref)
    except (StoreNotFound, InvalidRequest) as exc:
        raise NotFound(f"No version {ref!r} in this dataset.", field="ref") from exc


def _meta_key(key: str) -> str:
    return f"{key}.meta.json"


def export_cached(request: ExportRequest) -> BuiltExport | None:
    """The built export, if it is complete (its metadata is written last)."""
    meta = _meta_key(request.key)
    if not default_storage.exists(meta):
        return None
    with default_storage.open(meta, "rb") as f:
        values = json.loads(f.read())
    return BuiltExport(request.key, int(values["size"]), str(values["sha256"]))


class _Recorder(io.RawIOBase):
    """Writes through to ``out`` while keeping a copy on disk and its size and sha256."""

    def __init__(self, out: IO[bytes], copy: IO[bytes]) -> None:
        super().__init__()
        self.out, self.copy = out, copy
        self.sha256, self.size = hashlib.sha256(), 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.out.write(data)
        self.copy.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        if not self.closed:
            self.out.flush()

    def close(self) -> None:
        self.out = io.BytesIO()  # closing (also by the collector) must not write through
        super().close()


def _keep(request: ExportRequest, path: str, recorder: _Recorder) -> BuiltExport:
    """Move a finished build into storage: the file, then the metadata that marks it done.

    Two first requests may build the same export at once; they produce the same bytes, so
    whichever stores first wins and the other's copy is dropped.
    """
    if not default_storage.exists(request.key):
        with open(path, "rb") as built:
            default_storage.save(request.key, File(built))
    built_export = BuiltExport(request.key, recorder.size, recorder.sha256.hexdigest())
    meta = json.dumps({"size": built_export.size, "sha256": built_export.sha256}).encode()
    if not default_storage.exists(_meta_key(request.key)):
        default_storage.save(_meta_key(request.key), ContentFile(meta))
    return built_export


def _writer(dataset: Dataset, request: ExportRequest) -> Callable[[IO[bytes], Caller[Any]], None]:
    """``write(out, call)`` for the export; every store read goes through ``call``."""
    exporter = get_exporter(request.fmt)
    store, repo, commit = get_version_store(), dataset.repository, request.commit
    ratios = dataset.split_ratios or DEFAULT_RATIOS

    def wanted(path: str) -> bool:
        ids = item_id_from_path(path)
        if request.split is None or ids is None:
            return ids is not None
        return split_of(f"{ids[0]}/{ids[1]}", ratios) == request.split

    def write(out: IO[bytes], call: Caller[Any]) -> None:
        card = json.loads(call(lambda: store.read(repo, commit, CARD_PATH)))

        def documents() -> Iterator[bytes]:
            objects = call(lambda: store.read_objects(repo, commit, prefix="items/"))
            while batch := call(lambda: list(islice(objects, READ_BATCH))):
                yield from (data for info, data in batch if wanted(info.path))

        if request.fmt == "jsonl":
            # Item objects are canonical JSON already (layout.canonical_bytes is the writers'
            # canonical_json), so the native format is their bytes: no parse, no dump.
            jsonl.write_canonical(documents(), out)  # type: ignore[arg-type]
            return

        def items() -> Iterator[dict[str, Any]]:
            return (json.loads(data) for data in documents())

        def media(path: str) -> BinaryIO:
            return io.BytesIO(call(lambda: store.read(repo, commit, path)))

        exporter.write(card, items, out, media=media if request.media else None)  # type: ignore[arg-type]

    return write


def _recorded(
    dataset: Dataset, request: ExportRequest, path: str
) -> Callable[[IO[bytes], Caller[Any]], None]:
    """The export's writer, also recording it into ``path`` and then into storage."""
    write = _writer(dataset, request)

    def record(out: IO[bytes], call: Caller[Any]) -> None:
        with open(path, "wb") as copy:
            recorder = _Recorder(out, copy)
            write(recorder, call)  # type: ignore[arg-type]
        call(lambda: _keep(request, path, recorder))

    return record


def export_stream(
    *, dataset: Dataset, request: ExportRequest, chunk: int = CHUNK
) -> Iterator[bytes]:
    """The export's bytes as they are written, stored for later requests once complete.

    The first request of an export does not wait for the whole build: it gets the first
    bytes at once. An interrupted stream (the client left) stores nothing.
    """
    fd, path = tempfile.mkstemp(prefix="annolake-export-")
    os.close(fd)
    try:
        yield from pump(_recorded(dataset, request, path), chunk=chunk)
    finally:
        os.unlink(path)


def export_build(*, dataset: Dataset, request: ExportRequest) -> BuiltExport:
    """The built export, writing it first if this is its first request (jobs, manifests)."""
    cached = export_cached(request)
    if cached is not None:
        return cached
    deque(export_stream(dataset=dataset, request=request), maxlen=0)  # stores it as it ends
    built = export_cached(request)
    assert built is not None  # export_stream stored it before it ended
    return built
