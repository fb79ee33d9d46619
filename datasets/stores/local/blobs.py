"""Object bytes for the local store, content-addressed by sha256 and stored once.

Objects up to `inline_max` bytes (16 KiB by default: item JSON, labels) are rows of
`LocalBlob`, inserted in the same transaction as the staged write that uses them. Larger
objects (media) are files in a Django storage under `versions/objects/<sha[:2]>/<sha>`.

Why not a file each: creating a small file costs 100-250 us on this machine's ext4 (create,
journal, dirty-page throttling), so the 100k items of one snapshot would spend 10-25 s on
file creation alone - most of the 30 s budget; and on S3 it would be 100k PUTs. As rows they
cost ~10 us. Set VERSION_STORE_INLINE_MAX_BYTES=0 to keep every object in storage.

A file is written completely before any row refers to it: on a FileSystemStorage through a
temp file and a rename (a crash never leaves a partial file at a content address), on other
storages (S3) with one PUT.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import IO, BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from datasets.models import LocalBlob

OBJECTS_PREFIX = "versions/objects"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Blob:
    sha256: str
    md5: str
    size: int
    inline: bytes | None = None  # small objects: stored as a LocalBlob row by staging.stage


def blob_key(sha256: str) -> str:
    return f"{OBJECTS_PREFIX}/{sha256[:2]}/{sha256}"


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


class BlobStore:
    def __init__(self, storage: Storage, inline_max: int = 16 * 1024) -> None:
        self.storage = storage
        self.inline_max = inline_max
        self._root = str(storage.location) if isinstance(storage, FileSystemStorage) else None
        self._made_dirs: set[str] = set()

    def write_bytes(self, data: bytes) -> Blob:
        sha = hashlib.sha256(data).hexdigest()
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        if len(data) <= self.inline_max:
            return Blob(sha, md5, len(data), data)
        if self._root is not None:
            self._write_file(self._root, (data,))
        elif not self.storage.exists(blob_key(sha)):
            self._save(sha, ContentFile(data))
        return Blob(sha, md5, len(data))

    def write_stream(self, stream: IO[bytes]) -> Blob:
        """Hash and store a file object; large files stream to disk in one pass."""
        head = stream.read(self.inline_max + 1)
        if len(head) <= self.inline_max or self._root is None:
            return self.write_bytes(head + stream.read())  # small, or one PUT anyway
        return self._write_file(self._root, chain((head,), _chunks(stream)))

    def open(self, sha256: str) -> BinaryIO:
        inline = LocalBlob.objects.filter(sha256=sha256).values_list("data", flat=True).first()
        if inline is not None:
            return io.BytesIO(bytes(inline))
        return self.storage.open(blob_key(sha256), "rb")  # type: ignore[return-value]

    def read_many(self, digests: list[str]) -> dict[str, bytes]:
        """The contents of ``digests``: the database-held ones in one query, files one by one."""
        found = {
            sha: bytes(data)
            for sha, data in LocalBlob.objects.filter(sha256__in=set(digests)).values_list(
                "sha256", "data"
            )
        }
        for sha in digests:
            if sha not in found:
                with self.storage.open(blob_key(sha), "rb") as f:
                    found[sha] = f.read()
        return found

    @property
    def presigns(self) -> bool:
        """Whether the storage signs URLs (S3 with query-string auth); a filesystem does not."""
        return self._root is None and bool(getattr(self.storage, "querystring_auth", False))

    def url(self, sha256: str, expires: int) -> str | None:
        """A presigned URL where the storage signs URLs (S3) and the object is a file."""
        return self.urls([sha256], expires)[sha256]

    def urls(self, digests: Iterable[str], expires: int) -> dict[str, str | None]:
        """`url` of many blobs: one query tells the database-held ones (no URL) apart."""
        wanted = set(digests)
        if not self.presigns or not wanted:
            return dict.fromkeys(wanted)
        inline = set(LocalBlob.objects.filter(sha256__in=wanted).values_list("sha256", flat=True))
        return {sha: None if sha in inline else self._signed(sha, expires) for sha in wanted}

    def _signed(self, sha256: str, expires: int) -> str:
        return str(self.storage.url(blob_key(sha256), expire=expires))  # type: ignore[call-arg]

    def _save(self, sha256: str, content: ContentFile[bytes]) -> None:
        saved = self.storage.save(blob_key(sha256), content)
        if saved != blob_key(sha256):  # the storage renamed it: it must allow overwrites
            self.storage.delete(saved)
            raise RuntimeError(f"storage saved {blob_key(sha256)} as {saved}: allow overwrites")

    def _write_file(self, root: str, chunks: Iterator[bytes] | tuple[bytes, ...]) -> Blob:
        sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
        tmp_dir = os.path.join(root, OBJECTS_PREFIX, "tmp")
        self._ensure_dir(tmp_dir)
        tmp = os.path.join(tmp_dir, uuid.uuid4().hex)
        try:
            with open(tmp, "xb") as out:
                for chunk in chunks:
                    sha.update(chunk)
                    md5.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            final = os.path.join(root, blob_key(sha.hexdigest()))
            if not os.path.exists(final):
                self._ensure_dir(os.path.dirname(final))
                if self.storage.file_permissions_mode is not None:  # type: ignore[attr-defined]
                    os.chmod(tmp, self.storage.file_permissions_mode)  # type: ignore[attr-defined]
                os.replace(tmp, final)  # atomic: never a partial file at a content address
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return Blob(sha.hexdigest(), md5.hexdigest(), size)

    def _ensure_dir(self, path: str) -> None:
        if path not in self._made_dirs:
            os.makedirs(path, exist_ok=True)
            self._made_dirs.add(path)
