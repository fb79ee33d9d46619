"""In-memory lakeFS state: repositories, commits, branches (with staging), tags, objects.

Shapes follow graveler (pkg/graveler/graveler.go): a commit points at an immutable tree
(lakeFS: a meta-range), a branch is a head commit id plus a staging area of uncommitted
writes, a tag is a name for a commit id. Trees map path -> Entry and are never mutated
once a commit holds them, so readers can use them without copying.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from .protocol import ApiError

Tree = Mapping[str, "Entry"]
# A staged value of None is a tombstone: the path is deleted on this branch.
Staging = dict[str, "Entry | None"]


def _digest(*parts: object) -> str:
    """sha256 over a canonical JSON encoding, so equal content gives equal ids."""
    raw = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One object version. `identity` plays the role of graveler's Value.Identity.

    lakeFS derives it from size, checksum (ETag), user metadata and content type only
    (pkg/catalog/entry.go EntryToValue) - not from the physical address or mtime. So the
    same bytes+metadata uploaded twice are "the same change": no conflict when both
    sides of a merge did it, and "no changes" when a commit would only re-add it.
    Merges, diffs and commits compare identities, never Python object equality.
    """

    path: str
    data: bytes
    checksum: str
    physical_address: str
    mtime: int
    content_type: str
    metadata: Mapping[str, str]
    identity: str

    @classmethod
    def create(
        cls,
        path: str,
        data: bytes,
        physical_address: str,
        content_type: str,
        metadata: Mapping[str, str],
    ) -> Entry:
        checksum = hashlib.md5(data).hexdigest()  # noqa: S324 - lakeFS uses hex MD5 as checksum
        mtime = int(time.time())
        meta = dict(sorted(metadata.items()))
        identity = _digest(len(data), checksum, meta, content_type)
        return cls(path, data, checksum, physical_address, mtime, content_type, meta, identity)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Commit:
    id: str
    parents: tuple[str, ...]
    committer: str
    message: str
    creation_date: int
    meta_range_id: str
    metadata: Mapping[str, str]
    generation: int
    tree: Tree
    # Sub-second ordering key for the log: lakeFS keeps full timestamps internally and
    # only exposes epoch seconds, so commits made within one second still log in order.
    order: tuple[int, int]


def meta_range_id(tree: Tree) -> str:
    """Content address of a tree; equal trees (by identity) share an id, as in lakeFS."""
    return _digest("metarange", sorted((path, e.identity) for path, e in tree.items()))


def commit_id(
    committer: str,
    message: str,
    range_id: str,
    creation_date: int,
    metadata: Mapping[str, str],
    parents: tuple[str, ...],
) -> str:
    """64-hex sha256 over the same fields as graveler's Commit.Identity()."""
    return _digest("commit:v1", committer, message, range_id, creation_date, metadata, parents)


@dataclass
class Branch:
    name: str
    head: str
    staging: Staging = field(default_factory=dict)
    hidden: bool = False


@dataclass
class Repository:
    name: str
    storage_namespace: str
    default_branch: str
    creation_date: int
    read_only: bool = False
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, Branch] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def branch(self, name: str) -> Branch:
        try:
            return self.branches[name]
        except KeyError:
            raise ApiError(404, f"branch '{name}' not found") from None

    def commit(self, cid: str) -> Commit:
        try:
            return self.commits[cid]
        except KeyError:
            raise ApiError(404, "commit not found") from None

    def branch_view(self, branch: Branch) -> dict[str, Entry]:
        """What reading `branch` by name returns: committed tree overlaid with staging."""
        view = dict(self.commits[branch.head].tree)
        for path, entry in branch.staging.items():
            if entry is None:
                view.pop(path, None)
            else:
                view[path] = entry
        return view

    def is_dirty(self, branch: Branch) -> bool:
        """True if staging changes what the branch shows (lakeFS checkEmpty semantics:
        a tombstone for a never-committed path is not a change)."""
        committed = self.commits[branch.head].tree
        for path, entry in branch.staging.items():
            current = committed.get(path)
            if entry is None and current is not None:
                return True
            if entry is not None and (current is None or current.identity != entry.identity):
                return True
        return False

    def ensure_writable(self, force: bool = False) -> None:
        if self.read_only and not force:
            raise ApiError(403, "read-only repository")


class Store:
    """All emulator state behind one lock (an RLock so helpers can nest)."""

    def __init__(self, committer: str) -> None:
        self.lock = threading.RLock()
        self.committer = committer
        self.repositories: dict[str, Repository] = {}
        self._sequence = itertools.count(1)

    def next_order(self, seconds: int | None = None) -> tuple[int, int]:
        nanos = time.time_ns() if seconds is None else seconds * 1_000_000_000
        return (nanos, next(self._sequence))

    def repo(self, name: str) -> Repository:
        try:
            return self.repositories[name]
        except KeyError:
            raise ApiError(404, "repository not found") from None

    def new_physical_address(self, repo: Repository) -> str:
        # Mimics lakeFS' `<namespace>/data/<xid>/<xid>` layout; unique per upload.
        token = uuid.uuid4().hex
        return f"{repo.storage_namespace.rstrip('/')}/data/g{token[:20]}/{token[20:]}"

    def add_commit(
        self,
        repo: Repository,
        *,
        parents: tuple[str, ...],
        message: str,
        metadata: Mapping[str, str],
        tree: Tree,
        date: int | None = None,
        committer: str | None = None,
        empty_range: bool = False,
    ) -> Commit:
        """Create (or find, since ids are content addresses) a commit. Caller holds the lock."""
        order = self.next_order(date)
        creation_date = order[0] // 1_000_000_000
        who = self.committer if committer is None else committer
        # The "Repository created" commit has an empty meta-range id in lakeFS.
        range_id = "" if empty_range else meta_range_id(tree)
        meta = dict(metadata)
        cid = commit_id(who, message, range_id, creation_date, meta, parents)
        existing = repo.commits.get(cid)
        if existing is not None:
            return existing
        generation = 1 + max((repo.commits[p].generation for p in parents), default=0)
        commit = Commit(
            cid, parents, who, message, creation_date, range_id, meta, generation, tree, order
        )
        repo.commits[cid] = commit
        return commit
