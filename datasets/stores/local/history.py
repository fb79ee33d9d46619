"""Commits, merges and diffs of the local store.

A commit or merge builds its tree first (immutable, content-addressed rows that nobody
references yet), inserts its commit row, and only then moves the branch with a
compare-and-swap: `UPDATE branch SET head = new WHERE head = expected`. A crash at any
point leaves the branch where it was; a lost race rebuilds against the new head.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from django.db import transaction

from datasets.models import LocalBranch, LocalCommit, LocalRepository

from ..base import (
    MERGE_STRATEGY_KEY,
    Change,
    DirtyBranch,
    InvalidRequest,
    MergeConflict,
    MergeStrategy,
    NoChanges,
    StoreUnavailable,
)
from . import graph, staging
from .treedb import TreeDB
from .trees import Change as TreeChange
from .trees import DiffRow, Entry, Seeker, TreeReader, diff_trees, identity, overlay

CAS_TRIES = 10  # like lakeFS' BranchUpdateMaxTries
CONFLICTS_SHOWN = 1000


def _swap_head(branch: LocalBranch, expected: str, new: str, consumed_seq: int | None) -> bool:
    with transaction.atomic():
        moved = LocalBranch.objects.filter(pk=branch.pk, head=expected).update(head=new)
        if moved and consumed_seq is not None:
            staging.clear(branch.pk, consumed_seq)
        return bool(moved)


def commit(
    repo: LocalRepository,
    trees: TreeDB,
    branch_name: str,
    message: str,
    metadata: Mapping[str, str],
) -> str:
    for _ in range(CAS_TRIES):
        branch = graph.get_branch(repo, branch_name)
        head = graph.get_commit(repo, branch.head)
        sealed = branch.stage_seq
        changes = staging.staged(branch.pk, max_seq=sealed)
        tree, changed = overlay(trees.reader(head.tree), changes, trees.builder())
        if not changed:
            raise NoChanges(f"commit: no changes on {branch_name}")
        trees.save_tree(tree)
        new = graph.insert_commit(repo, [head.digest], tree.digest, message, metadata)
        if _swap_head(branch, head.digest, new.digest, sealed):
            return new.digest
    raise StoreUnavailable(f"branch {branch_name} kept moving; commit not applied")


def staged_changes(
    repo: LocalRepository, trees: TreeDB, branch: LocalBranch, *, prefix: str = ""
) -> Iterator[Change]:
    """A branch's uncommitted changes; deleting or rewriting to the same thing is no change."""
    head = graph.get_commit(repo, branch.head)
    seeker = trees.reader(head.tree).seeker()
    for path, new in staging.staged(branch.pk, prefix=prefix):
        old = seeker.get(path)
        if identity(old) != identity(new):
            yield _change(path, old, new)


def _change(path: str, old: Entry | None, new: Entry | None) -> Change:
    if old is None:
        return Change("added", path, new[3] if new else None)
    if new is None:
        return Change("removed", path, old[3])
    return Change("changed", path, new[3])


def diff(
    repo: LocalRepository, trees: TreeDB, left: LocalCommit, right: LocalCommit, prefix: str
) -> Iterator[Change]:
    for path, old, new in diff_trees(
        trees.reader(left.tree), trees.reader(right.tree), prefix=prefix
    ):
        yield _change(path, old, new)


def diff_three_dot(
    repo: LocalRepository, trees: TreeDB, dest: LocalCommit, source: LocalCommit, prefix: str
) -> Iterator[Change]:
    """What merging `source` into `dest` would apply since their base, conflicts marked."""
    base = _base(repo, source, dest)
    rows = diff_trees(trees.reader(base.tree), trees.reader(source.tree), prefix=prefix)
    seeker = trees.reader(dest.tree).seeker()
    for path, in_base, in_source in rows:
        in_dest = seeker.get(path)
        if identity(in_dest) == identity(in_source):
            continue
        if identity(in_dest) == identity(in_base):
            yield _change(path, in_base, in_source)
        else:
            either = in_source or in_base
            yield Change("conflict", path, either[3] if either else None)


def _base(repo: LocalRepository, source: LocalCommit, dest: LocalCommit) -> LocalCommit:
    base = graph.merge_base(repo, source.digest, dest.digest)
    if base is None:
        raise InvalidRequest("no merge base")
    return graph.get_commit(repo, base)


def _merge_ops(
    rows: Iterator[DiffRow], dest: Seeker, strategy: MergeStrategy | None
) -> Iterator[TreeChange]:
    """Source-side changes that the destination must take; conflicts per the strategy."""
    for path, in_base, in_source in rows:
        in_dest = dest.get(path)
        if identity(in_dest) == identity(in_source):
            continue  # unchanged on the source side, or the same change on both sides
        if identity(in_dest) == identity(in_base) or strategy == "source-wins":
            yield path, in_source
        elif strategy is None:
            raise MergeConflict(f"conflict at {path}", [path])
        # dest-wins: keep the destination's version


def _conflicts(rows: Iterator[DiffRow], dest: Seeker) -> tuple[list[str], bool]:
    found: list[str] = []
    for path, in_base, in_source in rows:
        in_dest = dest.get(path)
        if identity(in_dest) not in (identity(in_source), identity(in_base)):
            if len(found) == CONFLICTS_SHOWN:
                return found, True
            found.append(path)
    return found, False


def merge(
    repo: LocalRepository,
    trees: TreeDB,
    source_ref: str,
    dest_name: str,
    strategy: MergeStrategy | None,
    message: str | None,
    metadata: Mapping[str, str],
) -> str:
    for _ in range(CAS_TRIES):
        dest = graph.get_branch(repo, dest_name)
        if next(staged_changes(repo, trees, dest), None) is not None:
            raise DirtyBranch(f"{dest_name}: uncommitted changes (dirty branch)")
        source = graph.resolve(repo, source_ref).commit
        head = graph.get_commit(repo, dest.head)
        base = _base(repo, source, head)
        reader = {c.tree: trees.reader(c.tree) for c in (base, source, head)}
        if next(diff_trees(reader[base.tree], reader[source.tree]), None) is None:
            raise NoChanges(f"merge {source_ref} into {dest_name}: no changes")
        # An unmoved destination cannot conflict: its tree is the base's (the usual case for
        # a snapshot's job branch), so the merged tree is the source's, read nowhere.
        if strategy is None and head.tree != base.tree:
            paths, more = _conflicts(
                diff_trees(reader[base.tree], reader[source.tree]), reader[head.tree].seeker()
            )
            if paths:
                raise MergeConflict(f"{len(paths)} conflicts", paths, truncated=more)
        tree = _merged_tree(
            trees, reader[base.tree], reader[source.tree], reader[head.tree], strategy
        )
        meta = {**metadata, MERGE_STRATEGY_KEY: strategy or "default"}
        text = message or f"Merge '{source_ref}' into '{dest_name}'"
        new = graph.insert_commit(repo, [head.digest, source.digest], tree, text, meta)
        if _swap_head(dest, head.digest, new.digest, None):
            return new.digest
    raise StoreUnavailable(f"branch {dest_name} kept moving; merge not applied")


def _merged_tree(
    trees: TreeDB,
    base: TreeReader,
    source: TreeReader,
    dest: TreeReader,
    strategy: MergeStrategy | None,
) -> str:
    if dest.tree.digest == base.tree.digest:
        return source.tree.digest  # only the source side changed
    ops = _merge_ops(diff_trees(base, source), dest.seeker(), strategy)
    tree, _ = overlay(dest, ops, trees.builder())
    trees.save_tree(tree)
    return tree.digest
