"""Ranges and trees of one repository in the database, behind a small decoded-range cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

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


class TreeDB:
    def __init__(self, repository_id: int, chunking: Chunking) -> None:
        self.repository_id = repository_id
        self.chunking = chunking

    def load(self, digest: str) -> Sequence[Entry]:
        cached = _ranges.get(digest)
        if cached is not None:
            return cached  # type: ignore[return-value]
        payload = (
            LocalRange.objects.filter(repository_id=self.repository_id, digest=digest)
            .values_list("payload", flat=True)
            .first()
        )
        if payload is None:
            raise NotFound(f"range {digest} is missing")
        entries = decode_range(bytes(payload))
        _ranges.put(digest, entries)
        return entries

    def save(self, rows: list[RangeRow]) -> None:
        """Insert ranges not stored yet (a concurrent writer may insert the same ones)."""
        digests = [digest for digest, _, _ in rows]
        existing = set(
            LocalRange.objects.filter(
                repository_id=self.repository_id, digest__in=digests
            ).values_list("digest", flat=True)
        )
        new = {
            digest: LocalRange(
                repository_id=self.repository_id, digest=digest, entries=count, payload=payload
            )
            for digest, payload, count in rows
            if digest not in existing
        }
        LocalRange.objects.bulk_create(new.values(), ignore_conflicts=True)

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
        return TreeReader(self.tree(digest), self.load)

    def builder(self) -> TreeBuilder:
        return TreeBuilder(self.chunking, self.load, self.save)
