"""In-memory lakeFS state: repositories, commits, branches (with staging), tags, objects.

Shapes follow graveler (pkg/graveler/graveler.go): a commit points at an immutable tree
(lakeFS: a meta-range), a branch is a head commit id plus a staging area of uncommitted
writes, a tag is a name for a commit id. Trees map path -> Entry and are never mutated
once a commit holds them, so readers can use them without copying.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import threading
import time
import uuid
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .protocol import ApiError

Tree = Mapping[str, "Entry"]
T = TypeVar("T")
# Sorted path lists of committed trees kept per repository (trees never change once held by
# a commit): listing a page is then a bisect and a short walk, not a sort of the whole tree.
SORTED_TREES_KEPT = 8


class Staging(dict[str, "Entry | None"]):
    """A branch's uncommitted writes; a staged value of None is a tombstone (path deleted).

    A plain dict that counts its mutations, so the sorted list of its paths (for listings)
    is only rebuilt after a change.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = 0
        self._sorted: tuple[int, list[str]] | None = None

    def __setitem__(self, key: str, value: Entry | None) -> None:
        self.version += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.version += 1
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        self.version += 1
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Entry | None]:
        self.version += 1
        return super().popitem()

    def clear(self) -> None:
        self.version += 1
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.version += 1
        super().update(*args, **kwargs)

    def setdefault(self, key: str, default: Entry | None = None) -> Entry | None:
        self.version += 1
        return super().setdefault(key, default)

    def sorted_paths(self) -> list[str]:
        if self._sorted is None or self._sorted[0] != self.version:
            self._sorted = (self.version, sorted(self))
        return self._sorted[1]


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
    staging: Staging = field(default_factory=Staging)
    hidden: bool = False


class View(Mapping[str, Entry]):
    """What a ref shows: a committed tree, overlaid with a branch's staging when reading a
    branch by name. Nothing is copied: lookups are O(1) and ``sorted_from`` walks the
    paths in order from any point (the committed tree's sorted paths are cached)."""

    def __init__(self, repo: Repository, cid: str, staging: Staging | None = None) -> None:
        self._repo, self._cid = repo, cid
        self._tree = repo.commits[cid].tree
        self._staging: Staging = staging if staging is not None else Staging()

    def __getitem__(self, path: str) -> Entry:
        if path in self._staging:
            entry = self._staging[path]
            if entry is None:
                raise KeyError(path)
            return entry
        return self._tree[path]

    def get(self, path: str, default: Any = None) -> Any:
        staging = self._staging
        if path in staging:
            entry = staging[path]
            return default if entry is None else entry
        return self._tree.get(path, default)

    def __contains__(self, path: object) -> bool:
        staging = self._staging
        if path in staging:
            return staging[path] is not None  # type: ignore[index]
        return path in self._tree

    def __iter__(self) -> Iterator[str]:
        staging = self._staging
        yield from (path for path in self._tree if path not in staging)
        yield from (path for path, entry in staging.items() if entry is not None)

    def __len__(self) -> int:
        staging = self._staging
        if not staging:
            return len(self._tree)
        return sum(1 for _ in self)

    def sorted_from(self, start: str = "", *, inclusive: bool = True) -> Iterator[str]:
        """Visible paths in order, from ``start`` (inclusive, or strictly after it)."""
        cut = bisect_left if inclusive else bisect_right
        committed = self._repo.sorted_paths(self._cid)
        first = cut(committed, start)
        staging = self._staging
        if not staging:
            yield from itertools.islice(committed, first, None)
            return
        staged = staging.sorted_paths()
        base = (p for p in itertools.islice(committed, first, None) if p not in staging)
        overlay = (
            p for p in itertools.islice(staged, cut(staged, start), None) if staging[p] is not None
        )
        yield from heapq.merge(base, overlay)


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
    _sorted_trees: OrderedDict[str, list[str]] = field(
        default_factory=OrderedDict, repr=False, compare=False
    )
    _diffs: OrderedDict[tuple[str, ...], Any] = field(
        default_factory=OrderedDict, repr=False, compare=False
    )

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

    def sorted_paths(self, cid: str) -> list[str]:
        """The paths of a commit's tree, sorted (cached for the last few trees used)."""
        cached = self._sorted_trees.get(cid)
        if cached is None:
            cached = sorted(self.commits[cid].tree)
            self._sorted_trees[cid] = cached
            while len(self._sorted_trees) > SORTED_TREES_KEPT:
                self._sorted_trees.popitem(last=False)
        else:
            self._sorted_trees.move_to_end(cid)
        return cached

    def cached_diff(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        """A diff between commits (immutable, so paging through it computes it once)."""
        if key in self._diffs:
            self._diffs.move_to_end(key)
            return self._diffs[key]  # type: ignore[no-any-return]
        value = compute()
        self._diffs[key] = value
        while len(self._diffs) > SORTED_TREES_KEPT:
            self._diffs.popitem(last=False)
        return value

    def commit_view(self, cid: str) -> View:
        """A commit's tree as a View (no staging)."""
        return View(self, self.commit(cid).id)

    def branch_view(self, branch: Branch) -> View:
        """What reading `branch` by name returns: committed tree overlaid with staging.
        A live view (no copy): it follows later writes to the branch's staging."""
        return View(self, branch.head, branch.staging)

    def branch_get(self, branch: Branch, path: str) -> Entry | None:
        """The entry `path` shows on `branch` (staging included), in O(1)."""
        if path in branch.staging:
            return branch.staging[path]
        return self.commits[branch.head].tree.get(path)

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
