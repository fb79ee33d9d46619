"""Immutable trees: sorted entries chunked into content-addressed ranges, like lakeFS.

Why ranges: a commit of 100k objects must not write 100k rows, and a commit that changes a
few paths must not rewrite the rest. A tree is a short list of range references (digest,
first and last path, count); a range is ~1k entries stored once, as compact JSON, under the
sha256 of that JSON. Chunk boundaries are content-defined - a range ends after an
entry whose path hashes to 0 mod `target` (or at `limit` entries) - so the same entries
always chunk the same way whatever the history: unchanged ranges are reused by reference,
equal trees have equal digests, and a diff skips every range the two sides share without
decoding it. Everything streams one range at a time: memory stays flat at any tree size.

This module is pure (no ORM): ranges are loaded and saved through callables.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter

import orjson

# path, sha256 (the blob's address), md5 (the reported checksum), size, content type; read
# from a range it is the JSON array itself (decode_range), which indexes the same way.
Entry = tuple[str, str, str, int, str]
RangeRow = tuple[str, bytes, int]  # digest, payload, entry count: what `save` receives
Loader = Callable[[str], Sequence[Entry]]
# A commit reads ahead this many changes to load the ranges they fall into together, at
# most this many ranges at once (the range cache holds 48).
PREFETCH_CHANGES = 4096
PREFETCH_RANGES = 16
_path = itemgetter(0)


def identity(entry: Entry | None) -> tuple[str, str] | None:
    """What makes two versions of a path "the same change" (lakeFS: checksum + type)."""
    return None if entry is None else (entry[1], entry[4])


@dataclass(frozen=True)
class Chunking:
    target: int = 1024  # mean entries per range; a power of two
    limit: int = 4096  # hard cap, for unlucky runs of paths

    def cuts_after(self, path: str, count: int) -> bool:
        return count >= self.limit or zlib.crc32(path.encode()) & (self.target - 1) == 0


@dataclass(frozen=True)
class RangeRef:
    digest: str
    first: str
    last: str
    count: int


@dataclass(frozen=True)
class Tree:
    digest: str
    ranges: tuple[RangeRef, ...]
    count: int

    def to_json(self) -> list[list[object]]:
        return [[r.digest, r.first, r.last, r.count] for r in self.ranges]

    @classmethod
    def from_json(cls, digest: str, rows: Sequence[Sequence[object]]) -> Tree:
        ranges = tuple(RangeRef(str(d), str(f), str(la), int(str(c))) for d, f, la, c in rows)
        return cls(digest, ranges, sum(r.count for r in ranges))


def tree_digest(ranges: Sequence[RangeRef]) -> str:
    raw = json.dumps(["tree", [r.digest for r in ranges]], separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


EMPTY_TREE = Tree(tree_digest(()), (), 0)


def encode_range(entries: Sequence[Entry]) -> tuple[str, bytes]:
    """The range's digest and payload: its compact JSON, stored as it is.

    Not compressed here: on every commit that rewrites a large tree zlib was the largest
    cost. PostgreSQL compresses the column with lz4 instead (migration 0006).
    """
    raw = orjson.dumps(entries)
    return hashlib.sha256(raw).hexdigest(), raw


def decode_range(payload: bytes) -> list[Entry]:
    """Entries of a payload; ranges written before 0006 are zlib-compressed.

    The JSON arrays serve as entries as they are (nothing mutates them): turning 100k of
    them into tuples took longer than parsing them.
    """
    raw = payload if payload[:1] == b"[" else zlib.decompress(payload)
    return orjson.loads(raw)


class TreeBuilder:
    """Accumulate entries (or whole unchanged ranges) in path order into a new tree."""

    def __init__(
        self,
        chunking: Chunking,
        load: Loader,
        save: Callable[[list[RangeRow]], None],
        *,
        flush_every: int = 32,
    ) -> None:
        self._chunking, self._load, self._save = chunking, load, save
        self._flush_every = flush_every
        self._buffer: list[Entry] = []
        self._ranges: list[RangeRef] = []
        self._unsaved: list[RangeRow] = []

    def add(self, entry: Entry) -> None:
        self._buffer.append(entry)
        if self._chunking.cuts_after(entry[0], len(self._buffer)):
            self._cut()

    def add_range(self, ref: RangeRef) -> None:
        """Reuse `ref` by reference when chunking would reproduce it exactly, else expand."""
        if not self._buffer and self._chunking.cuts_after(ref.last, ref.count):
            self._ranges.append(ref)
            return
        for entry in self._load(ref.digest):
            self.add(entry)

    def finish(self) -> Tree:
        if self._buffer:
            self._cut()
        if self._unsaved:
            self._save(self._unsaved)
            self._unsaved = []
        ranges = tuple(self._ranges)
        return Tree(tree_digest(ranges), ranges, sum(r.count for r in ranges))

    def _cut(self) -> None:
        digest, payload = encode_range(self._buffer)
        count = len(self._buffer)
        self._ranges.append(RangeRef(digest, self._buffer[0][0], self._buffer[-1][0], count))
        self._unsaved.append((digest, payload, count))
        self._buffer = []
        if len(self._unsaved) >= self._flush_every:
            self._save(self._unsaved)
            self._unsaved = []


class TreeReader:
    """Random and sequential access to a tree, loading one range at a time (or a few ranges
    known to be needed next, in one go, through ``prefetch``)."""

    def __init__(
        self, tree: Tree, load: Loader, prefetch: Callable[[Sequence[str]], None] | None = None
    ) -> None:
        self.tree, self.load = tree, load
        self.prefetch = prefetch or (lambda digests: None)
        self.ranges = tree.ranges
        self._lasts = [r.last for r in tree.ranges]
        self._firsts = [r.first for r in tree.ranges]

    def range_index(self, path: str) -> int:
        """Index of the first range that may hold `path` or anything after it."""
        return bisect_left(self._lasts, path)

    def get(self, path: str) -> Entry | None:
        index = self.range_index(path)
        if index == len(self.ranges) or path < self.ranges[index].first:
            return None
        entries = self.load(self.ranges[index].digest)
        pos = bisect_left(entries, path, key=_path)
        return entries[pos] if pos < len(entries) and entries[pos][0] == path else None

    def entries(self, *, start: str = "", prefix: str = "") -> Iterator[Entry]:
        """Entries with path >= start under prefix, in order."""
        start = max(start, prefix)
        for ref in self.ranges[self.range_index(start) :]:
            if prefix and ref.first > prefix and not ref.first.startswith(prefix):
                return
            entries = self.load(ref.digest)
            for entry in entries[bisect_left(entries, start, key=_path) :]:
                if not entry[0].startswith(prefix):
                    return
                yield entry

    def seeker(self) -> Seeker:
        return Seeker(self)


class Seeker:
    """Look up paths in non-decreasing order, moving forward through the ranges."""

    def __init__(self, reader: TreeReader) -> None:
        self._reader = reader
        self._index = 0
        self._entries: Sequence[Entry] | None = None
        self._pos = 0

    def get(self, path: str) -> Entry | None:
        reader = self._reader
        index = bisect_left(reader._lasts, path, lo=self._index)
        if index != self._index:
            self._index, self._entries, self._pos = index, None, 0
        if index == len(reader.ranges) or path < reader.ranges[index].first:
            return None
        if self._entries is None:
            self._entries = reader.load(reader.ranges[index].digest)
        entries = self._entries
        self._pos = bisect_left(entries, path, lo=self._pos, key=_path)
        if self._pos < len(entries) and entries[self._pos][0] == path:
            return entries[self._pos]
        return None


class _Cursor:
    """A position in a tree that can step over a whole range while it is at its start."""

    def __init__(self, reader: TreeReader, start: str) -> None:
        self._ranges, self._load = reader.ranges, reader.load
        self._index = reader.range_index(start)
        self._entries: Sequence[Entry] | None = None
        self._pos = 0
        if self._index < len(self._ranges) and self._ranges[self._index].first < start:
            self._entries = self._load(self._ranges[self._index].digest)
            self._pos = bisect_left(self._entries, start, key=_path)

    def whole_range(self) -> RangeRef | None:
        """The current range if nothing of it was consumed yet (moving past a used-up one)."""
        if self._entries is not None and self._pos >= len(self._entries):
            self.skip_range()
        if self._pos == 0 and self._index < len(self._ranges):
            return self._ranges[self._index]
        return None

    def skip_range(self) -> None:
        self._index, self._entries, self._pos = self._index + 1, None, 0

    def peek(self) -> Entry | None:
        while self._index < len(self._ranges):
            if self._entries is None:
                self._entries = self._load(self._ranges[self._index].digest)
            if self._pos < len(self._entries):
                return self._entries[self._pos]
            self.skip_range()
        return None

    def advance(self) -> None:
        self._pos += 1


DiffRow = tuple[str, Entry | None, Entry | None]  # path, left entry, right entry


def diff_trees(left: TreeReader, right: TreeReader, *, prefix: str = "") -> Iterator[DiffRow]:
    """Paths whose entries differ between two trees, in order; shared ranges are skipped."""
    a, b = _Cursor(left, prefix), _Cursor(right, prefix)
    while True:
        ra, rb = a.whole_range(), b.whole_range()
        if ra is not None and rb is not None and ra.digest == rb.digest:
            a.skip_range()
            b.skip_range()
            continue
        ea, eb = a.peek(), b.peek()
        if ea is None and eb is None:
            return
        path = min(e[0] for e in (ea, eb) if e is not None)
        if not path.startswith(prefix):
            return  # both cursors started at `prefix`: everything after is outside it
        old = ea if ea is not None and ea[0] == path else None
        new = eb if eb is not None and eb[0] == path else None
        if old is not None:
            a.advance()
        if new is not None:
            b.advance()
        if identity(old) != identity(new):
            yield path, old, new


Change = tuple[str, Entry | None]  # path, new entry (None: delete)


class _Pending:
    """Sorted changes, consumed span by span without ever being held whole."""

    def __init__(self, changes: Iterable[Change]) -> None:
        self._rest = iter(changes)
        self._ahead: deque[Change] = deque()
        self.head: Change | None = next(self._rest, None)

    def _next(self) -> Change | None:
        return self._ahead.popleft() if self._ahead else next(self._rest, None)

    def below(self, upper: str | None) -> Iterator[Change]:
        while self.head is not None and (upper is None or self.head[0] < upper):
            change, self.head = self.head, self._next()
            yield change

    def paths_ahead(self, count: int) -> Iterator[str]:
        """The paths of the next ``count`` changes, read ahead but not consumed."""
        for change in islice(self._rest, count - len(self._ahead) - 1):
            self._ahead.append(change)
        if self.head is not None:
            yield self.head[0]
        for path, _ in self._ahead:
            yield path


def overlay(
    reader: TreeReader, changes: Iterable[Change], builder: TreeBuilder
) -> tuple[Tree, bool]:
    """Apply sorted `changes` to a tree; return the new tree and whether anything changed.

    Ranges whose key span no change falls into are passed to the builder by reference.
    """
    pending = _Pending(changes)
    changed = False
    ranges = reader.ranges or (None,)
    fetched = 0  # ranges before this index were prefetched (or are not needed)
    for index, ref in enumerate(ranges):
        upper = reader.ranges[index + 1].first if index + 1 < len(reader.ranges) else None
        head = pending.head
        if ref is not None and (head is None or (upper is not None and head[0] >= upper)):
            builder.add_range(ref)
            continue
        if ref is not None and index >= fetched:
            fetched = _prefetch(reader, index, pending)
        entries = reader.load(ref.digest) if ref is not None else ()
        changed |= _merge_span(entries, pending.below(upper), builder)
    return builder.finish(), changed


def _prefetch(reader: TreeReader, index: int, pending: _Pending) -> int:
    """Load in one go range ``index`` and the next ranges the coming changes fall into (up
    to PREFETCH_RANGES); return the index after the last one loaded.

    Every range up to that one which the overlay will open holds one of the changes looked
    at (they are sorted), so it was loaded here too.
    """
    firsts, wanted = reader._firsts, [index]
    for path in pending.paths_ahead(PREFETCH_CHANGES):
        # Range i takes the paths in [first_i, first_i+1), as in `overlay`.
        position = max(bisect_right(firsts, path, lo=wanted[-1]) - 1, wanted[-1])
        if position != wanted[-1]:
            if len(wanted) == PREFETCH_RANGES:
                break
            wanted.append(position)
    reader.prefetch([reader.ranges[i].digest for i in wanted])
    return wanted[-1] + 1


def _merge_span(entries: Sequence[Entry], span: Iterator[Change], builder: TreeBuilder) -> bool:
    changed = False
    i = 0
    for path, new in span:
        while i < len(entries) and entries[i][0] < path:
            builder.add(entries[i])
            i += 1
        old = entries[i] if i < len(entries) and entries[i][0] == path else None
        if old is not None:
            i += 1
        if new is not None:
            builder.add(new)
        changed |= identity(old) != identity(new)
    for entry in entries[i:]:
        builder.add(entry)
    return changed
