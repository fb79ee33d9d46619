"""`LocalStore`: the embedded version store (database + Django storage), lakeFS semantics."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import BinaryIO

from django.conf import settings
from django.core.files.storage import storages
from django.db import IntegrityError, transaction

from core.streams import Slice
from datasets.models import LocalBranch, LocalRepository, LocalTag

from .. import base, validation
from ..base import (
    AlreadyExists,
    ByteRange,
    Change,
    CommitInfo,
    Forbidden,
    InvalidRequest,
    MergeStrategy,
    NoChanges,
    NotFound,
    ObjectInfo,
    PutSummary,
    Ref,
    RepositoryInfo,
)
from ..concurrency import branch_lock, run_bounded
from . import graph, history, staging
from .blobs import BlobStore
from .treedb import TreeDB
from .trees import EMPTY_TREE, Chunking, Entry

_STRATEGIES = (None, "source-wins", "dest-wins")
_WRITE_CHUNK = 200  # objects per upload task
_STAGE_BATCH = 5000  # staged rows per transaction
_READ_BATCH = 500  # objects whose contents one query fetches
PRESIGN_EXPIRES = 3600  # seconds, as `presigned_url`'s default


class LocalStore(base.VersionStore):
    def __init__(
        self,
        *,
        storage_alias: str = "default",
        inline_max: int = 16 * 1024,
        workers: int = 8,
        page_size: int = 1000,
        chunking: Chunking | None = None,
    ) -> None:
        self.storage_alias = storage_alias
        self.inline_max = inline_max
        self.workers = workers
        self.page_size = page_size
        self.chunking = chunking or Chunking()
        self._blob_store: BlobStore | None = None

    @classmethod
    def from_settings(cls) -> LocalStore:
        return cls(
            storage_alias=settings.VERSION_STORE_STORAGE,
            inline_max=settings.VERSION_STORE_INLINE_MAX_BYTES,
            workers=settings.VERSION_STORE_UPLOAD_WORKERS,
        )

    def check(self) -> str:
        LocalRepository.objects.exists()
        return "local"

    # -- plumbing ------------------------------------------------------------------------

    def _repo(self, name: str) -> LocalRepository:
        try:
            return LocalRepository.objects.get(name=name)
        except LocalRepository.DoesNotExist:
            raise NotFound(f"repository {name!r} not found") from None

    def _trees(self, repo: LocalRepository) -> TreeDB:
        return TreeDB(repo.pk, self.chunking)

    def _blobs(self) -> BlobStore:
        """The blob store of the current storage (tests swap STORAGES per test)."""
        storage = storages[self.storage_alias]
        if self._blob_store is None or self._blob_store.storage is not storage:
            self._blob_store = BlobStore(storage, self.inline_max)
        return self._blob_store

    def _lookup(self, repo: LocalRepository, ref: str, path: str) -> Entry:
        validation.validate_path(path)
        resolved = graph.resolve(repo, ref)
        if resolved.branch is not None:
            found, staged = staging.staged_one(resolved.branch.pk, path)
            if found and staged is None:
                raise NotFound(f"{path} not found at {ref}")
            if staged is not None:
                return staged
        entry = self._trees(repo).reader(resolved.commit.tree).get(path)
        if entry is None:
            raise NotFound(f"{path} not found at {ref}")
        return entry

    # -- repositories and branches -------------------------------------------------------

    def ensure_repository(self, repo: str, *, default_branch: str = "main") -> RepositoryInfo:
        validation.validate_repository(repo)
        validation.validate_branch(default_branch)
        found = LocalRepository.objects.filter(name=repo).first()
        if found is None:
            try:
                with transaction.atomic():
                    found = LocalRepository.objects.create(name=repo, default_branch=default_branch)
                    first = graph.insert_commit(
                        found, [], EMPTY_TREE.digest, "Repository created", {}
                    )
                    LocalBranch.objects.create(
                        repository=found, name=default_branch, head=first.digest
                    )
            except IntegrityError:  # created concurrently
                found = self._repo(repo)
        return RepositoryInfo(found.name, found.default_branch)

    def delete_repository(self, repo: str) -> None:
        LocalRepository.objects.filter(name=repo).delete()

    def create_branch(self, repo: str, branch: str, *, source: str) -> str:
        validation.validate_branch(branch)
        row = self._repo(repo)
        head = graph.resolve(row, source).commit.digest
        try:
            with transaction.atomic():
                LocalBranch.objects.create(repository=row, name=branch, head=head)
        except IntegrityError:
            raise AlreadyExists(f"branch {branch!r} already exists") from None
        return head

    def delete_branch(self, repo: str, branch: str) -> None:
        row = self._repo(repo)
        if branch == row.default_branch:
            raise Forbidden("cannot delete repository default branch")
        LocalBranch.objects.filter(repository=row, name=branch).delete()

    def list_branches(self, repo: str, *, prefix: str = "") -> Iterator[Ref]:
        rows = LocalBranch.objects.filter(repository=self._repo(repo), name__startswith=prefix)
        return (Ref(name, head) for name, head in rows.order_by("name").values_list("name", "head"))

    def branch_head(self, repo: str, branch: str) -> str:
        return graph.get_branch(self._repo(repo), branch).head

    # -- objects -------------------------------------------------------------------------

    def put(
        self,
        repo: str,
        branch: str,
        path: str,
        data: bytes | BinaryIO,
        *,
        content_type: str | None = None,
    ) -> ObjectInfo:
        validation.validate_path(path)
        row = graph.get_branch(self._repo(repo), branch)
        blobs = self._blobs()
        blob = blobs.write_bytes(data) if isinstance(data, bytes) else blobs.write_stream(data)
        kind = base.content_type_for(path, content_type)
        staging.stage(row.pk, [(path, blob, kind)])
        return ObjectInfo(path, blob.md5, blob.size, kind)

    def put_many(
        self,
        repo: str,
        branch: str,
        objects: Iterable[tuple[str, bytes]],
        *,
        workers: int | None = None,
    ) -> PutSummary:
        row = graph.get_branch(self._repo(repo), branch)
        blobs = self._blobs()

        def write(chunk: list[tuple[str, bytes]]) -> list[staging.StagedWrite]:
            # One task per chunk: per-object futures would cost more than the writes.
            return [
                (
                    validation.validate_path(path),
                    blobs.write_bytes(data),
                    base.content_type_for(path),
                )
                for path, data in chunk
            ]

        pending = iter(objects)
        chunks = iter(lambda: list(islice(pending, _WRITE_CHUNK)), [])
        batch: list[staging.StagedWrite] = []
        count = size = 0
        for writes in run_bounded(write, chunks, workers=workers or self.workers):
            batch.extend(writes)
            count, size = count + len(writes), size + sum(w[1].size for w in writes if w[1])
            if len(batch) >= _STAGE_BATCH:
                staging.stage(row.pk, batch)
                batch = []
        staging.stage(row.pk, batch)
        return PutSummary(count, size)

    def delete(self, repo: str, branch: str, path: str) -> None:
        self.delete_many(repo, branch, [path])

    def delete_many(self, repo: str, branch: str, paths: Iterable[str]) -> None:
        row = graph.get_branch(self._repo(repo), branch)
        pending = iter(paths)
        while chunk := list(islice(pending, base.DELETE_BATCH)):
            staging.stage(row.pk, [(validation.validate_path(p), None, "") for p in chunk])

    def stat(self, repo: str, ref: str, path: str) -> ObjectInfo:
        entry = self._lookup(self._repo(repo), ref, path)
        return ObjectInfo(entry[0], entry[2], entry[3], entry[4])

    def list_objects(
        self, repo: str, ref: str, *, prefix: str = "", after: str = "", presign: bool = False
    ) -> Iterator[ObjectInfo]:
        entries = self._entries(repo, ref, prefix, after)
        blobs = self._blobs()
        if not (presign and blobs.presigns):
            return (ObjectInfo(e[0], e[2], e[3], e[4]) for e in entries)
        return self._signed_objects(blobs, entries)

    def _signed_objects(self, blobs: BlobStore, entries: Iterator[Entry]) -> Iterator[ObjectInfo]:
        """Objects with their presigned URLs, a page at a time (one blob query a page)."""
        while page := list(islice(entries, self.page_size)):
            urls = blobs.urls((e[1] for e in page), PRESIGN_EXPIRES)
            for e in page:
                yield ObjectInfo(e[0], e[2], e[3], e[4], urls[e[1]])

    def _entries(self, repo: str, ref: str, prefix: str, after: str = "") -> Iterator[Entry]:
        row = self._repo(repo)
        resolved = graph.resolve(row, ref)
        start = after + "\x00" if after else ""
        entries = self._trees(row).reader(resolved.commit.tree).entries(start=start, prefix=prefix)
        if resolved.branch is not None:
            changes = staging.staged(
                resolved.branch.pk, start=start, prefix=prefix, chunk=self.page_size
            )
            entries = staging.overlay_staged(entries, changes)
        return entries

    def read_objects(
        self, repo: str, ref: str, *, prefix: str = "", workers: int = 0
    ) -> Iterator[tuple[ObjectInfo, bytes]]:
        """One tree walk, and the small (database-held) contents fetched a batch at a time."""
        blobs = self._blobs()
        entries = self._entries(repo, ref, prefix)
        while batch := list(islice(entries, _READ_BATCH)):
            contents = blobs.read_many([entry[1] for entry in batch])
            for entry in batch:
                yield ObjectInfo(entry[0], entry[2], entry[3], entry[4]), contents[entry[1]]

    def open(
        self, repo: str, ref: str, path: str, *, byte_range: ByteRange | None = None
    ) -> BinaryIO:
        entry = self._lookup(self._repo(repo), ref, path)
        first, last = validation.validate_range(byte_range) or (0, None)
        size = entry[3]
        if byte_range is not None and first >= size:
            raise InvalidRequest(f"range {byte_range!r} not satisfiable: {size} bytes")
        end = size if last is None else min(last + 1, size)
        raw = self._blobs().open(entry[1])
        if first:
            raw.seek(first)
        return io.BufferedReader(Slice(raw, end - first))

    def presigned_url(self, repo: str, ref: str, path: str, *, expires: int = 3600) -> str | None:
        return self._blobs().url(self._lookup(self._repo(repo), ref, path)[1], expires)

    # -- history -------------------------------------------------------------------------

    def commit(
        self,
        repo: str,
        branch: str,
        message: str,
        *,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        row = self._repo(repo)
        key = idempotency_key or uuid.uuid4().hex
        meta = validation.keyed_metadata(metadata, key, "commit")
        with branch_lock("local", repo, branch):
            try:
                return history.commit(row, self._trees(row), branch, message, meta)
            except NoChanges:
                found = self.find_keyed_commit(repo, branch, key, "commit")
                if found is None:
                    raise
                return found

    def get_commit(self, repo: str, ref: str) -> CommitInfo:
        return graph.commit_info(graph.resolve(self._repo(repo), ref).commit)

    def log(self, repo: str, ref: str) -> Iterator[CommitInfo]:
        row = self._repo(repo)
        return graph.log(row, graph.resolve(row, ref).commit.digest, self.page_size)

    def resolve(self, repo: str, ref: str) -> str:
        return graph.resolve(self._repo(repo), ref).commit.digest

    def diff(
        self, repo: str, left: str, right: str, *, prefix: str = "", three_dot: bool = False
    ) -> Iterator[Change]:
        row = self._repo(repo)
        old, new = graph.resolve(row, left).commit, graph.resolve(row, right).commit
        compare = history.diff_three_dot if three_dot else history.diff
        return compare(row, self._trees(row), old, new, prefix)

    def diff_uncommitted(self, repo: str, branch: str, *, prefix: str = "") -> Iterator[Change]:
        row = self._repo(repo)
        branch_row = graph.get_branch(row, branch)
        return history.staged_changes(row, self._trees(row), branch_row, prefix=prefix)

    def merge_base(self, repo: str, source: str, dest: str) -> str:
        row = self._repo(repo)
        found = graph.merge_base(row, self.resolve(repo, source), self.resolve(repo, dest))
        if found is None:
            raise NotFound(f"no merge base for {source} and {dest}")
        return found

    def merge(
        self,
        repo: str,
        source: str,
        dest: str,
        *,
        strategy: MergeStrategy | None = None,
        message: str | None = None,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        if strategy not in _STRATEGIES:
            raise InvalidRequest(f"invalid merge strategy {strategy!r}")
        row = self._repo(repo)
        key = idempotency_key or uuid.uuid4().hex
        meta = validation.keyed_metadata(metadata, key, "merge")
        with branch_lock("local", repo, dest):
            try:
                return history.merge(row, self._trees(row), source, dest, strategy, message, meta)
            except NoChanges:
                found = self.find_keyed_commit(repo, dest, key, "merge")
                if found is None:
                    raise
                return found

    # -- tags ----------------------------------------------------------------------------

    def create_tag(self, repo: str, tag: str, ref: str) -> str:
        validation.validate_tag(tag)
        row = self._repo(repo)
        target = graph.resolve(row, ref).commit.digest
        try:
            with transaction.atomic():
                LocalTag.objects.create(repository=row, name=tag, target=target)
        except IntegrityError:
            raise AlreadyExists(f"tag {tag!r} already exists") from None
        return target

    def get_tag(self, repo: str, tag: str) -> str:
        found = LocalTag.objects.filter(repository=self._repo(repo), name=tag).first()
        if found is None:
            raise NotFound(f"tag {tag!r} not found")
        return found.target

    def list_tags(self, repo: str, *, prefix: str = "") -> Iterator[Ref]:
        rows = LocalTag.objects.filter(repository=self._repo(repo), name__startswith=prefix)
        return (
            Ref(name, target)
            for name, target in rows.order_by("name").values_list("name", "target")
        )

    def delete_tag(self, repo: str, tag: str) -> None:
        LocalTag.objects.filter(repository=self._repo(repo), name=tag).delete()
