"""The version store interface: what datasets need from lakeFS or from the embedded store.

One small abstract class, two implementations (`LakeFSStore`, `LocalStore`) chosen by the
`VERSION_STORE` setting. Semantics follow lakeFS, so the app behaves the same on both:

* Reading a branch by name includes its uncommitted (staged) objects; reading a commit id or
  a tag never does. Readers that need a stable version resolve a ref to a commit id first.
* Commits and merges are all-or-nothing. A retried commit or merge is recognised by the
  caller's idempotency key, which the store writes into the commit metadata: a retry returns
  the commit the first attempt made instead of failing with "no changes" or committing twice.
* Merges are three-way, by whole object: a path changed differently on both sides since the
  merge base is a conflict; identical changes are not; a strategy resolves every conflict.
* Iterators page lazily, so listing, log and diff never hold a whole tree in memory.

Nothing here imports Django or an HTTP library: stores translate their own failures into the
`StoreError` family below, and the API layer translates those for clients.
"""

from __future__ import annotations

import hashlib
import mimetypes
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Literal

MergeStrategy = Literal["source-wins", "dest-wins"]
ChangeKind = Literal["added", "removed", "changed", "conflict"]
ByteRange = tuple[int, int | None]  # first and last byte, inclusive, like HTTP Range

IDEMPOTENCY_KEY = "annolake.idempotency-key"  # commit metadata: the caller's job id / key
OPERATION_KEY = "annolake.operation"  # "commit" or "merge": one job key serves both steps
MERGE_STRATEGY_KEY = ".lakefs.merge.strategy"  # what lakeFS writes on every merge commit
MAX_PATH_BYTES = 1024  # lakeFS pkg/catalog/validate.go MaxPathLength
DELETE_BATCH = 1000  # lakeFS' limit on one bulk delete
DEFAULT_CONTENT_TYPE = "application/octet-stream"
KEYED_COMMIT_DEPTH = 20  # how far down a branch's log a retry looks for its own commit
READ_WORKERS = 8  # concurrent object reads of `read_objects`
READ_AHEAD = 64  # objects read ahead of the consumer (bounds its memory)

mimetypes.init()  # before any upload thread guesses a type: init is not thread-safe


# -- errors ----------------------------------------------------------------------------------


class StoreError(Exception):
    """Base of every version store failure; `status` is the HTTP status lakeFS answered."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class NotFound(StoreError):
    """The repository, branch, tag, commit or object does not exist."""


class AlreadyExists(StoreError):
    """Creating something that exists (tags are immutable: delete and recreate to move one)."""


class InvalidRequest(StoreError):
    """A malformed name, path, ref, range or argument; retrying cannot help."""


class Forbidden(StoreError):
    """Credentials refused, or the operation is not allowed (e.g. deleting the default branch)."""


class NoChanges(StoreError):
    """A commit with nothing staged, or a merge with nothing to merge."""


class DirtyBranch(StoreError):
    """A merge into a branch that has uncommitted changes."""


class PreconditionFailed(StoreError):
    """A pre-commit or pre-merge hook refused (lakeFS 412). Never retried."""


class MergeConflict(StoreError):
    """Paths changed differently on both sides; nothing was written.

    `paths` holds the first conflicting paths (`truncated` says whether there are more);
    `diff(..., three_dot=True)` streams all of them as `conflict` changes.
    """

    def __init__(self, message: str, paths: Iterable[str], *, truncated: bool = False) -> None:
        super().__init__(message, status=409)
        self.paths = tuple(paths)
        self.truncated = truncated


class StoreUnavailable(StoreError):
    """Transient: the store was busy, unreachable or slow after bounded retries.

    The one error a Celery task should retry on (the operation did not complete, or its
    outcome is unknown and an idempotent retry will settle it).
    """


# -- values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepositoryInfo:
    name: str
    default_branch: str


@dataclass(frozen=True)
class Ref:
    """A branch or tag and the commit it points at."""

    name: str
    commit_id: str


@dataclass(frozen=True)
class ObjectInfo:
    """One object as listed or stat'ed. `checksum` is the hex MD5 of the content in both
    stores (lakeFS' own checksum), so a snapshot can skip unchanged objects by comparing a
    listing with `content_checksum(data)` without reading anything back.

    `url` is set only by `list_objects(..., presign=True)` on a store that presigns: a URL
    that fetches the object without credentials until it expires."""

    path: str
    checksum: str
    size: int
    content_type: str
    url: str | None = None


@dataclass(frozen=True)
class CommitInfo:
    id: str
    parents: tuple[str, ...]
    message: str
    metadata: Mapping[str, str]
    created_at: datetime


@dataclass(frozen=True)
class Change:
    """One path of a diff. `size` is the new size (for `removed`, the old one where the
    store reports it)."""

    kind: ChangeKind
    path: str
    size: int | None = None


@dataclass(frozen=True)
class PutSummary:
    objects: int
    bytes: int


# -- helpers shared by the implementations ---------------------------------------------------


def content_checksum(data: bytes) -> str:
    """The checksum both stores report for `data` (hex MD5, as lakeFS computes it)."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def content_type_for(path: str, content_type: str | None = None) -> str:
    """The given type, else one guessed from the extension (`.json`, `.png`, ...).

    Deterministic per path, because lakeFS counts the content type in an object's identity:
    re-uploading the same bytes must not look like a change.
    """
    if content_type:
        return content_type
    return mimetypes.guess_type(path, strict=False)[0] or DEFAULT_CONTENT_TYPE


# -- the interface ---------------------------------------------------------------------------


class VersionStore(ABC):
    """Repositories of versioned objects: branches, commits, diffs, merges and tags.

    Deletes are idempotent (deleting what is not there succeeds); creates are not
    (`AlreadyExists`), except `ensure_repository`.
    """

    @classmethod
    def from_settings(cls) -> VersionStore:
        """Build the store from Django settings (the implementations read their own)."""
        return cls()

    def check(self) -> str:
        """Probe reachability for /healthz; return a short description or raise."""
        return type(self).__name__

    # repositories
    @abstractmethod
    def ensure_repository(self, repo: str, *, default_branch: str = "main") -> RepositoryInfo:
        """Create the repository unless it exists (idempotent)."""

    @abstractmethod
    def delete_repository(self, repo: str) -> None: ...

    # branches
    @abstractmethod
    def create_branch(self, repo: str, branch: str, *, source: str) -> str:
        """Create `branch` at the committed state of `source`; return its head commit id."""

    @abstractmethod
    def delete_branch(self, repo: str, branch: str) -> None: ...

    @abstractmethod
    def list_branches(self, repo: str, *, prefix: str = "") -> Iterator[Ref]: ...

    @abstractmethod
    def branch_head(self, repo: str, branch: str) -> str: ...

    # objects on a branch
    @abstractmethod
    def put(
        self,
        repo: str,
        branch: str,
        path: str,
        data: bytes | BinaryIO,
        *,
        content_type: str | None = None,
    ) -> ObjectInfo:
        """Stage one object (bytes or a binary file object) on `branch`."""

    @abstractmethod
    def put_many(
        self,
        repo: str,
        branch: str,
        objects: Iterable[tuple[str, bytes]],
        *,
        workers: int | None = None,
    ) -> PutSummary:
        """Stage many (path, bytes) objects in parallel on a bounded thread pool.

        `objects` is consumed lazily, so a generator of 100k serialised items is never held
        whole; its paths should be distinct (uploads complete in any order). Content types
        are guessed from the paths. On error, what was already staged stays staged (it is in
        no commit); retrying is safe.
        """

    @abstractmethod
    def delete(self, repo: str, branch: str, path: str) -> None: ...

    @abstractmethod
    def delete_many(self, repo: str, branch: str, paths: Iterable[str]) -> None:
        """Stage deletions, sent in batches of at most 1000 paths."""

    # reading, by any ref: branch (with its staged objects), tag or commit id
    @abstractmethod
    def stat(self, repo: str, ref: str, path: str) -> ObjectInfo: ...

    @abstractmethod
    def list_objects(
        self, repo: str, ref: str, *, prefix: str = "", after: str = "", presign: bool = False
    ) -> Iterator[ObjectInfo]:
        """Objects under `prefix`, in path order, strictly after `after`, fetched page by page.

        With `presign`, each object's `url` is what `presigned_url` would give (None where the
        store cannot presign), signed a page at a time: the way to hand out many URLs.
        """

    @abstractmethod
    def open(
        self, repo: str, ref: str, path: str, *, byte_range: ByteRange | None = None
    ) -> BinaryIO:
        """A streaming reader of the object (or of bytes first..last inclusive); close it."""

    def read(self, repo: str, ref: str, path: str, *, byte_range: ByteRange | None = None) -> bytes:
        with self.open(repo, ref, path, byte_range=byte_range) as reader:
            return reader.read()

    def read_objects(
        self, repo: str, ref: str, *, prefix: str = "", workers: int = READ_WORKERS
    ) -> Iterator[tuple[ObjectInfo, bytes]]:
        """Every object under `prefix` with its content, in path order.

        For readers of a whole version (exports, manifests): one object at a time through
        `open` pays a round trip each, so this reads ahead on a bounded thread pool, keeping
        at most `READ_AHEAD` objects in memory. Stores that can read in bulk override it.
        """
        infos = self.list_objects(repo, ref, prefix=prefix)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="store-read") as pool:
            window: deque[tuple[ObjectInfo, Future[bytes]]] = deque()
            for info in infos:
                window.append((info, pool.submit(self.read, repo, ref, info.path)))
                if len(window) >= READ_AHEAD:
                    first, future = window.popleft()
                    yield first, future.result()
            while window:
                first, future = window.popleft()
                yield first, future.result()

    @abstractmethod
    def presigned_url(self, repo: str, ref: str, path: str, *, expires: int = 3600) -> str | None:
        """A URL to fetch the object without credentials, or None where unsupported."""

    # history
    @abstractmethod
    def commit(
        self,
        repo: str,
        branch: str,
        message: str,
        *,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        """Commit the branch's staged changes; return the commit id.

        Raises `NoChanges` when nothing is staged - unless the branch's recent history
        already holds a commit made with `idempotency_key`, which is returned instead.
        """

    @abstractmethod
    def get_commit(self, repo: str, ref: str) -> CommitInfo: ...

    @abstractmethod
    def log(self, repo: str, ref: str) -> Iterator[CommitInfo]:
        """Commits reachable from `ref`, newest first, fetched page by page."""

    @abstractmethod
    def resolve(self, repo: str, ref: str) -> str:
        """The commit id a branch, tag or commit id denotes (a branch's committed head)."""

    @abstractmethod
    def diff(
        self, repo: str, left: str, right: str, *, prefix: str = "", three_dot: bool = False
    ) -> Iterator[Change]:
        """Committed differences from `left` to `right`, in path order.

        Two-dot (default) compares the two commits directly. Three-dot gives what merging
        `right` into `left` would apply since their merge base, with `conflict` entries.
        """

    @abstractmethod
    def diff_uncommitted(self, repo: str, branch: str, *, prefix: str = "") -> Iterator[Change]:
        """The branch's staged changes against its head commit."""

    @abstractmethod
    def merge_base(self, repo: str, source: str, dest: str) -> str: ...

    @abstractmethod
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
        """Merge `source` (any ref) into branch `dest`: a commit with parents (dest, source).

        Raises `MergeConflict` (strategy None), `DirtyBranch` (dest has staged changes) or
        `NoChanges` (nothing to merge, unless `idempotency_key` finds the earlier merge).
        """

    # tags
    @abstractmethod
    def create_tag(self, repo: str, tag: str, ref: str) -> str:
        """Tag the commit `ref` denotes; return its id. Tags are immutable (`AlreadyExists`)."""

    @abstractmethod
    def get_tag(self, repo: str, tag: str) -> str: ...

    @abstractmethod
    def list_tags(self, repo: str, *, prefix: str = "") -> Iterator[Ref]: ...

    @abstractmethod
    def delete_tag(self, repo: str, tag: str) -> None: ...

    # shared behaviour
    def find_keyed_commit(
        self, repo: str, branch: str, key: str, operation: Literal["commit", "merge"]
    ) -> str | None:
        """The commit `operation` with idempotency `key` made on `branch`, if it is recent.

        A retry only has to look near the head: the commit it looks for was made moments
        ago, possibly followed by a few commits of concurrent jobs.
        """
        for index, commit in enumerate(self.log(repo, branch)):
            if index >= KEYED_COMMIT_DEPTH:
                return None
            meta = commit.metadata
            if meta.get(IDEMPOTENCY_KEY) == key and meta.get(OPERATION_KEY) == operation:
                return commit.id
        return None
