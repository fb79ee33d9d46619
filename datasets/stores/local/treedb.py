"""Ranges and trees of one repository in the database, behind a small decoded-range cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from core.bulk import Target, insert_many
from datasets.models import LocalRange, LocalTree

from ..base import NotFound
from .trees import (
    EMPTY_TREE,
    Chunking,
    Entry,
    RangeRow,
    Tree,
    TreeBuilder,
    TreeReader,
    decode_range,
)


class _LRU:
    """Decoded ranges and trees by digest. Content-addressed, so entries never go stale."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


# ~48 ranges of ~1k entries: tens of MB at most, whatever the tree sizes.
_ranges = _LRU(48)
_trees = _LRU(64)
_RANGE_COLUMNS: Target = (
    LocalRange,
    ("repository_id", "digest", "entries", "payload"),
    ("bigint", "text", "bigint", "bytea"),
)


def _range_conflict(quote: Callable[[str], str]) -> str:
    return f"ON CONFLICT ({quote('repository_id')}, {quote('digest')}) DO NOTHING"


class TreeDB:
    def __init__(self, repository_id: int, chunking: Chunking) -> None:
        self.repository_id = repository_id
        self.chunking = chunking

    def load(self, digest: str) -> Sequence[Entry]:
        cached = _ranges.get(digest)
        if cached is not None:
            return cached  # type: ignore[return-value]
        self.prefetch([digest])
        entries = _ranges.get(digest)
        if entries is None:
            raise NotFound(f"range {digest} is missing")
        return entries  # type: ignore[return-value]

    def prefetch(self, digests: Sequence[str]) -> None:
        """Load the ranges not cached yet in one query (a commit rewriting a large tree reads
        a hundred of them; one query each was a fifth of its time)."""
        missing = [digest for digest in digests if _ranges.get(digest) is None]
        if not missing:
            return
        rows = LocalRange.objects.filter(
            repository_id=self.repository_id, digest__in=missing
        ).values_list("digest", "payload")
        for digest, payload in rows:
            _ranges.put(digest, decode_range(bytes(payload)))

    def save(self, rows: list[RangeRow]) -> None:
        """Insert ranges not stored yet (a concurrent writer may insert the same ones)."""
        insert_many(
            _RANGE_COLUMNS,
            [(self.repository_id, digest, count, payload) for digest, payload, count in rows],
            _range_conflict,
        )

    def tree(self, digest: str) -> Tree:
        if digest == EMPTY_TREE.digest:
            return EMPTY_TREE
        cached = _trees.get(digest)
        if cached is not None:
            return cached  # type: ignore[return-value]
        rows = (
            LocalTree.objects.filter(repository_id=self.repository_id, digest=digest)
            .values_list("ranges", flat=True)
            .first()
        )
        if rows is None:
            raise NotFound(f"tree {digest} is missing")
        tree = Tree.from_json(digest, rows)
        _trees.put(digest, tree)
        return tree

    def save_tree(self, tree: Tree) -> None:
        LocalTree.objects.bulk_create(
            [
                LocalTree(
                    repository_id=self.repository_id,
                    digest=tree.digest,
                    ranges=tree.to_json(),
                    entries=tree.count,
                )
            ],
            ignore_conflicts=True,
        )

    def reader(self, digest: str) -> TreeReader:
        return TreeReader(self.tree(digest), self.load, self.prefetch)

    def builder(self) -> TreeBuilder:
        return TreeBuilder(self.chunking, self.load, self.save)
