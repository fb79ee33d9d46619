"""The local store's trees (pure: ranges live in a dict here)."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence

from datasets.stores.local.trees import (
    EMPTY_TREE,
    Chunking,
    Entry,
    RangeRow,
    Tree,
    TreeBuilder,
    TreeReader,
    decode_range,
    diff_trees,
    encode_range,
    overlay,
)

SMALL = Chunking(target=8, limit=32)


class Ranges:
    """A dict of ranges that counts loads and saves."""

    def __init__(self) -> None:
        self.payloads: dict[str, bytes] = {}
        self.loads = 0
        self.saved = 0

    def load(self, digest: str) -> Sequence[Entry]:
        self.loads += 1
        return decode_range(self.payloads[digest])

    def save(self, rows: list[RangeRow]) -> None:
        for digest, payload, _ in rows:
            self.saved += digest not in self.payloads
            self.payloads[digest] = payload

    def builder(self, chunking: Chunking = SMALL) -> TreeBuilder:
        return TreeBuilder(chunking, self.load, self.save)

    def reader(self, tree: Tree, *, prefetch: list[list[str]] | None = None) -> TreeReader:
        """With ``prefetch``, record each batch the reader asks for (and load nothing)."""
        return TreeReader(tree, self.load, None if prefetch is None else prefetch.append)


def entry(path: str, content: str = "x") -> Entry:
    data = content.encode()
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return (path, hashlib.sha256(data).hexdigest(), md5, len(data), "text/plain")


def build(ranges: Ranges, entries: list[Entry], chunking: Chunking = SMALL) -> Tree:
    builder = ranges.builder(chunking)
    for item in sorted(entries):
        builder.add(item)
    return builder.finish()


def apply(ranges: Ranges, tree: Tree, changes: dict[str, Entry | None]) -> tuple[Tree, bool]:
    return overlay(ranges.reader(tree), sorted(changes.items()), ranges.builder())


def test_equal_contents_give_equal_trees_whatever_the_history() -> None:
    ranges = Ranges()
    everything = [entry(f"items/{i:04d}.json", str(i)) for i in range(400)]
    at_once = build(ranges, everything)
    half = build(ranges, everything[::2])
    stepwise, changed = apply(ranges, half, {e[0]: e for e in everything[1::2]})
    assert changed
    assert stepwise == at_once
    assert len(at_once.ranges) > 10


def test_a_one_path_change_rewrites_only_its_range() -> None:
    ranges = Ranges()
    tree = build(ranges, [entry(f"k/{i:05d}") for i in range(3000)])
    ranges.loads = ranges.saved = 0
    new, changed = apply(ranges, tree, {"k/01500": entry("k/01500", "changed")})
    assert changed
    # The changed range is rewritten; the last one is re-chunked (it ends the tree, not at
    # a cut point) but comes out identical.
    assert (ranges.loads, ranges.saved) == (2, 1)
    assert sum(a != b for a, b in zip(tree.ranges, new.ranges, strict=True)) == 1


def test_writing_the_same_bytes_or_deleting_nothing_is_no_change() -> None:
    ranges = Ranges()
    tree = build(ranges, [entry("a"), entry("b")])
    same, changed = apply(ranges, tree, {"a": entry("a"), "zzz": None})
    assert (same, changed) == (tree, False)
    empty, changed = apply(ranges, tree, {"a": None, "b": None})
    assert (empty, changed) == (EMPTY_TREE, True)


def test_diff_skips_the_ranges_both_trees_share() -> None:
    ranges = Ranges()
    old = build(ranges, [entry(f"k/{i:05d}") for i in range(3000)])
    new, _ = apply(ranges, old, {"k/00100": None, "k/02000": entry("k/02000", "v2")})
    ranges.loads = 0
    rows = list(diff_trees(ranges.reader(old), ranges.reader(new)))
    assert [(path, a is None, b is None) for path, a, b in rows] == [
        ("k/00100", False, True),
        ("k/02000", False, False),
    ]
    assert ranges.loads <= 4


def test_diff_with_prefix_stops_at_the_end_of_the_prefix() -> None:
    ranges = Ranges()
    old = build(ranges, [entry(p) for p in ("a/1", "b/1", "b/2", "c/1")])
    new = build(ranges, [entry(p, "2") for p in ("a/1", "b/1", "b/3", "c/1")])
    rows = diff_trees(ranges.reader(old), ranges.reader(new), prefix="b/")
    assert [path for path, _, _ in rows] == ["b/1", "b/2", "b/3"]


def test_reader_finds_lists_and_seeks() -> None:
    ranges = Ranges()
    paths = [f"{p}/{i:03d}" for p in ("a", "b", "c") for i in range(50)]
    reader = ranges.reader(build(ranges, [entry(p) for p in paths]))
    assert tuple(reader.get("b/017") or ()) == entry("b/017")
    assert reader.get("b/999") is None
    assert reader.get("0") is None
    assert [e[0] for e in reader.entries(prefix="b/")] == paths[50:100]
    assert [e[0] for e in reader.entries(start="c/048")] == ["c/048", "c/049"]
    seeker = reader.seeker()
    found = [seeker.get(p) for p in ("a/000", "a/049x", "b/025", "c/049", "d")]
    assert [e[0] if e else None for e in found] == ["a/000", None, "b/025", "c/049", None]


def test_ranges_never_exceed_the_limit() -> None:
    ranges = Ranges()
    tree = build(ranges, [entry(f"p{i:04d}") for i in range(95)], Chunking(target=2**30, limit=10))
    assert [r.count for r in tree.ranges] == [10] * 9 + [5]


def test_a_commit_loads_the_ranges_its_changes_fall_into_together() -> None:
    ranges = Ranges()
    tree = build(ranges, [entry(f"k/{i:05d}") for i in range(3000)])
    changes = {f"k/{i:05d}": entry(f"k/{i:05d}", "v2") for i in range(0, 3000, 50)}
    batches: list[list[str]] = []
    new, changed = overlay(
        ranges.reader(tree, prefetch=batches), sorted(changes.items()), ranges.builder()
    )
    assert changed
    touched = {r.digest for r in tree.ranges} - {r.digest for r in new.ranges}
    asked = [digest for batch in batches for digest in batch]
    assert len(asked) == len(set(asked))  # no range asked for twice
    assert touched <= set(asked)
    assert len(batches) < len(touched) / 4  # up to 16 a batch
    assert new == build(
        ranges, [changes.get(f"k/{i:05d}") or entry(f"k/{i:05d}") for i in range(3000)]
    )


def test_ranges_are_compact_json_and_older_zlib_payloads_still_read() -> None:
    entries = [entry(f"items/{i}.json", "é" * i) for i in range(5)]
    digest, payload = encode_range(entries)
    compact = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()
    assert payload == compact
    assert digest == hashlib.sha256(compact).hexdigest()
    for stored in (payload, zlib.compress(compact, 1)):
        assert [tuple(e) for e in decode_range(stored)] == entries
