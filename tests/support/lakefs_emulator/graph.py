"""Commit-graph and tree algorithms: merge base, log order, diffs and three-way merge.

All comparisons use entry identities (see model.Entry), like graveler's iterators.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .model import Commit, Entry, Repository, Tree


class ConflictError(Exception):
    """A three-way merge found paths changed differently on both sides."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(f"conflict found: {', '.join(paths[:5])}")
        self.paths = paths


@dataclass(frozen=True)
class Change:
    type: str  # added | removed | changed | conflict
    path: str
    entry: Entry | None  # the side lakeFS reports (right when present, else left)


def _ident(tree: Mapping[str, Entry], path: str) -> str | None:
    entry = tree.get(path)
    return None if entry is None else entry.identity


def walk_log(repo: Repository, start: str, first_parent: bool = False) -> Iterator[Commit]:
    """Commits reachable from `start`, newest first (lakeFS commit iterator: creation time
    descending, ties by id); with `first_parent`, only first parents are followed."""
    seen = {start}
    heap: list[tuple[tuple[int, int], str]] = []
    first = repo.commit(start)
    heapq.heappush(heap, ((-first.order[0], -first.order[1]), start))
    while heap:
        _, cid = heapq.heappop(heap)
        commit = repo.commits[cid]
        yield commit
        parents = commit.parents[:1] if first_parent else commit.parents
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                p = repo.commits[parent]
                heapq.heappush(heap, ((-p.order[0], -p.order[1]), parent))


def merge_base(repo: Repository, source: str, dest: str) -> str | None:
    """Best common ancestor: the newest commit reachable from both sides."""
    from_source = {c.id for c in walk_log(repo, source)}
    for commit in walk_log(repo, dest):
        if commit.id in from_source:
            return commit.id
    return None


def diff_trees(left: Tree, right: Tree) -> list[Change]:
    """Two-dot diff: what changes `left` into `right` (sorted by path).

    One pass over each side and a sort of the changes only, not of every path."""
    changes: list[Change] = []
    if left is right:
        return changes
    for path, old in left.items():
        new = right.get(path)
        if new is None:
            changes.append(Change("removed", path, old))
        elif old.identity != new.identity:
            changes.append(Change("changed", path, new))
    for path, new in right.items():
        if path not in left:
            changes.append(Change("added", path, new))
    changes.sort(key=lambda change: change.path)
    return changes


def compare_trees(dest: Tree, source: Tree, base: Tree) -> list[Change]:
    """Three-dot diff (graveler committed/compare_iterator.go): the changes a merge of
    `source` into `dest` would apply relative to `base`, with `conflict` entries."""
    changes: list[Change] = []
    for change in diff_trees(dest, source):
        path = change.path
        b, d, s = _ident(base, path), _ident(dest, path), _ident(source, path)
        if change.type == "added":  # on source, not on dest
            if b is None:
                changes.append(change)
            elif b != s:  # removed on dest, changed on source
                changes.append(Change("conflict", path, change.entry))
        elif change.type == "changed":
            if b is None or (b != d and b != s):  # added on both, or changed on both
                changes.append(Change("conflict", path, change.entry))
            elif b == d:  # changed only on source
                changes.append(change)
        elif b is not None:  # removed on source; skip when it was added on dest only
            changes.append(change if b == d else Change("conflict", path, change.entry))
    return changes


def three_way_merge(dest: Tree, source: Tree, base: Tree, strategy: str | None) -> Tree:
    """Whole-object merge as graveler does it; raises ConflictError without a strategy."""
    result = dict(dest)
    conflicts: list[str] = []
    # Only paths where the source differs from the base can change the result.
    touched = [p for p, e in source.items() if _ident(base, p) != e.identity]
    touched.extend(p for p in base if p not in source)
    for path in sorted(touched):
        b, d, s = _ident(base, path), _ident(dest, path), _ident(source, path)
        if s == b or d == s:
            continue  # source did not change it, or both made the same change
        if d == b or strategy == "source-wins":
            if path in source:
                result[path] = source[path]
            else:
                result.pop(path, None)
        elif strategy is None:
            conflicts.append(path)
        # dest-wins: keep the destination's version
    if conflicts:
        raise ConflictError(conflicts)
    return result


def apply_staging(tree: Tree, staging: Mapping[str, Entry | None]) -> dict[str, Entry]:
    result = dict(tree)
    for path, entry in staging.items():
        if entry is None:
            result.pop(path, None)
        else:
            result[path] = entry
    return result


def same_tree(a: Tree, b: Tree) -> bool:
    return a.keys() == b.keys() and all(a[k].identity == b[k].identity for k in a)
