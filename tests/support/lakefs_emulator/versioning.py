"""Branch-moving operations (commit, merge, revert) with optimistic concurrency.

lakeFS moves a branch head with a compare-and-swap on the branch record and retries up
to graveler.BranchUpdateMaxTries (10) times; when every attempt loses it answers 429
"Too many attempts" (423 on older servers, lakeFS #9364). The emulator plans the new
commit under the lock, releases it, then re-takes it to swap the head only if it still
is the head it planned against - so real races between threads behave the same way,
and the "contention" fault can make a given number of swaps fail on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .graph import (
    ConflictError,
    apply_staging,
    merge_base,
    same_tree,
    three_way_merge,
)
from .model import Branch, Commit, Repository, Staging, Store, Tree
from .protocol import ApiError
from .refs import commit_of

BRANCH_UPDATE_MAX_TRIES = 10
MERGE_STRATEGY_KEY = ".lakefs.merge.strategy"
_STRATEGIES = {"": "default", "dest-wins": "dest-wins", "source-wins": "source-wins"}


@dataclass
class Plan:
    head: str  # the head the plan was computed against (the CAS "expected" value)
    parents: tuple[str, ...]
    message: str
    metadata: dict[str, str]
    tree: Tree
    date: int | None = None
    sealed: Staging = field(default_factory=dict)  # staged entries this commit consumes


def update_branch(
    store: Store,
    repo_name: str,
    branch_name: str,
    planner: Callable[[Repository, Branch], Plan],
    *,
    cas_failures: int = 0,
    busy_status: int = 429,
) -> Commit:
    failures = cas_failures
    for _ in range(BRANCH_UPDATE_MAX_TRIES):
        with store.lock:
            repo = store.repo(repo_name)
            plan = planner(repo, repo.branch(branch_name))
        with store.lock:
            if failures > 0:  # injected: a concurrent writer won this compare-and-swap
                failures -= 1
                continue
            repo = store.repo(repo_name)
            branch = repo.branch(branch_name)
            if branch.head != plan.head:
                continue
            commit = store.add_commit(
                repo,
                parents=plan.parents,
                message=plan.message,
                metadata=plan.metadata,
                tree=plan.tree,
                date=plan.date,
            )
            branch.head = commit.id
            # Like sealed staging tokens: writes that landed after planning stay staged.
            for path, entry in plan.sealed.items():
                if path in branch.staging and branch.staging[path] is entry:
                    del branch.staging[path]
            return commit
    raise ApiError(busy_status, "Too many attempts, try again later")


def commit_planner(
    message: str,
    metadata: Mapping[str, str],
    *,
    date: int | None = None,
    allow_empty: bool = False,
    force: bool = False,
) -> Callable[[Repository, Branch], Plan]:
    def plan(repo: Repository, branch: Branch) -> Plan:
        repo.ensure_writable(force)
        sealed = dict(branch.staging)
        base = repo.commit(branch.head).tree
        tree = apply_staging(base, sealed)
        if not allow_empty and same_tree(tree, base):
            raise ApiError(400, "commit: no changes")
        return Plan(branch.head, (branch.head,), message, dict(metadata), tree, date, sealed)

    return plan


def merge_planner(
    source_ref: str,
    message: str,
    metadata: Mapping[str, str],
    strategy: str,
    *,
    squash: bool = False,
    allow_empty: bool = False,
    force: bool = False,
) -> Callable[[Repository, Branch], Plan]:
    if strategy not in _STRATEGIES:
        raise ApiError(400, "invalid merge strategy")

    def plan(repo: Repository, dest: Branch) -> Plan:
        repo.ensure_writable(force)
        prefix = f"update branch {dest.name}"
        if repo.is_dirty(dest):
            raise ApiError(400, f"{prefix}: {dest.name}: uncommitted changes (dirty branch)")
        source = repo.commit(commit_of(repo, source_ref))
        target = repo.commit(dest.head)
        base_id = merge_base(repo, source.id, target.id)
        if base_id is None:
            raise ApiError(400, f"{prefix}: no merge base")
        base = repo.commit(base_id)
        if source.meta_range_id == base.meta_range_id and not (allow_empty or force):
            raise ApiError(400, f"{prefix}: no changes")
        if target.meta_range_id == base.meta_range_id:
            tree = source.tree  # changes only on the source side
        else:
            chosen = None if strategy == "" else strategy
            try:
                tree = three_way_merge(target.tree, source.tree, base.tree, chosen)
            except ConflictError:
                # lakeFS v1.8x answers 409 with a MergeResult body; keep `message` too.
                raise ApiError(409, f"{prefix}: conflict found", reference="") from None
        meta = dict(metadata)
        meta[MERGE_STRATEGY_KEY] = _STRATEGIES[strategy]
        parents = (target.id,) if squash else (target.id, source.id)
        text = message or f"Merge '{source_ref}' into '{dest.name}'"
        return Plan(dest.head, parents, text, meta, tree)

    return plan


def revert_planner(
    ref: str, parent_number: int, *, allow_empty: bool = False, force: bool = False
) -> Callable[[Repository, Branch], Plan]:
    def plan(repo: Repository, branch: Branch) -> Plan:
        repo.ensure_writable(force)
        if repo.is_dirty(branch):
            raise ApiError(400, f"{branch.name}: uncommitted changes (dirty branch)")
        reverted = repo.commit(commit_of(repo, ref))
        parents = reverted.parents
        if len(parents) > 1 and parent_number < 1:
            raise ApiError(409, "must specify 1-based parent number for reverting merge commit")
        index = max(parent_number, 1) - 1
        if index >= len(parents):
            raise ApiError(400, "given commit does not have the given parent number")
        head = repo.commit(branch.head).tree
        parent_tree = repo.commit(parents[index]).tree
        try:
            tree = three_way_merge(head, parent_tree, reverted.tree, None)
        except ConflictError:
            raise ApiError(409, "conflict found") from None
        if not allow_empty and same_tree(tree, head):
            raise ApiError(400, "no changes")
        return Plan(branch.head, (branch.head,), f"Revert {ref}", {}, tree)

    return plan
