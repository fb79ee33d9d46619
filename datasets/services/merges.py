"""Merging a round into its target, and resolving conflicts item by item.

The store merges; nothing here re-implements merging. On a conflict the data lead picks,
per item or for all, the source's or the target's version; the picks are written and
committed on the source branch, then the store merges with ``source-wins`` so its history
records a real merge (DESIGN.md "Versioned datasets"). The dataset card is derived data:
it is never offered as a conflict but recounted after any merge that combined both sides.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import User

from core.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from datasets.layout import item_id_from_path
from datasets.models import Dataset, Merge
from datasets.services.cards import card_refresh
from datasets.services.diff import read_document
from datasets.stores import get_version_store
from datasets.stores.base import MergeConflict, MergeStrategy, NoChanges, StoreUnavailable
from datasets.stores.base import NotFound as StoreNotFound

P = ParamSpec("P")
R = TypeVar("R")
SHOWN_CONFLICTS = 100
CHOICES = ("source", "target")


def conflicts(
    dataset: Dataset, source: str, target: str, *, limit: int = SHOWN_CONFLICTS
) -> list[dict[str, Any]]:
    """The conflicting items with their base, source and target versions."""
    store, repo = get_version_store(), dataset.repository
    base = store.merge_base(repo, source, target)
    rows = []
    for change in store.diff(repo, target, source, three_dot=True):
        ids = item_id_from_path(change.path)
        if change.kind != "conflict" or ids is None:
            continue
        rows.append(
            {
                "path": change.path,
                "project": ids[0],
                "item": ids[1],
                "base": read_document(store, repo, base, change.path),
                "source": read_document(store, repo, source, change.path),
                "target": read_document(store, repo, target, change.path),
            }
        )
        if len(rows) >= limit:
            break
    return rows


def _merge_and_recount(
    merge: Merge, user: User, *, strategy: MergeStrategy | None, key: str
) -> str:
    """Merge, then recount the card if the target had moved on since the branches parted."""
    store, repo = get_version_store(), merge.dataset.repository
    base = store.merge_base(repo, merge.source, merge.target)
    target_moved = base != store.resolve(repo, merge.target)
    commit = store.merge(
        repo,
        merge.source,
        merge.target,
        strategy=strategy,
        message=merge.message or None,
        metadata={"annolake.by": user.username},
        idempotency_key=key,
    )
    if target_moved:
        recounted = card_refresh(
            store=store, dataset=merge.dataset, branch=merge.target, by=user.username
        )
        commit = recounted or commit
    return commit


def merge_create(*, dataset: Dataset, source: str, target: str, message: str, user: User) -> Merge:
    """Merge ``source`` into ``target``; on item conflicts record the merge and answer 409."""
    if source == target:
        raise ValidationFailed("source and target must differ", field="target")
    merge = Merge.objects.create(
        dataset=dataset, source=source, target=target, message=message, created_by=user,
        status=Merge.Status.CONFLICT,
    )  # fmt: skip
    try:
        merge.commit = _merge_or_record_conflicts(merge, user)
    except StoreUnavailable as exc:
        # Not a conflict for a lead to resolve: the store is down. Record nothing (a merge
        # that did land is found by the retry: "nothing to merge") and answer 503.
        merge.delete()
        raise ServiceUnavailable(f"The version store is unavailable, retry shortly: {exc}") from exc
    merge.status = Merge.Status.MERGED
    merge.save(update_fields=["commit", "status"])
    return merge


def _merge_or_record_conflicts(merge: Merge, user: User) -> str:
    dataset, source, target = merge.dataset, merge.source, merge.target
    try:
        return _merge_and_recount(merge, user, strategy=None, key=f"merge-{merge.pk}")
    except MergeConflict as exc:
        shown = conflicts(dataset, source, target)
        if shown:
            merge.conflicts = len(shown)
            merge.save(update_fields=["conflicts"])
            raise Conflict(
                f"{len(shown)}{'+' if exc.truncated else ''} items changed differently on both"
                " sides.",
                code="merge_conflict",
                details={"merge": merge.pk, "count": len(shown), "conflicts": shown},
            ) from exc
        # Only derived data (the card) conflicts: take the source's, then recount it.
        return _merge_and_recount(merge, user, strategy="source-wins", key=f"merge-{merge.pk}-card")
    except NoChanges as exc:
        merge.delete()
        raise Conflict("Nothing to merge: the target has everything.", code="no_changes") from exc
    except StoreNotFound as exc:
        merge.delete()
        raise ValidationFailed(f"no such branch: {exc}", field="source") from exc


def _unavailable_is_503(fn: Callable[P, R]) -> Callable[P, R]:
    """Answer a store outage (after the store's bounded retries) with 503: retry later."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except StoreUnavailable as exc:
            raise ServiceUnavailable(
                f"The version store is unavailable, retry shortly: {exc}"
            ) from exc

    return wrapper


@_unavailable_is_503  # the merge stays a conflict to resolve
def merge_resolve(
    *, merge: Merge, user: User, choice: str | None = None, items: dict[str, str] | None = None
) -> Merge:
    """Apply the lead's picks on the source branch, commit them, then merge source-wins."""
    if merge.status != Merge.Status.CONFLICT:
        raise Conflict("This merge has no conflicts to resolve.", code="not_conflicted")
    items = items or {}
    for path, side in items.items():
        if side not in CHOICES:
            raise ValidationFailed("must be 'source' or 'target'", field=f"items.{path}")
    if choice is not None and choice not in CHOICES:
        raise ValidationFailed("must be 'source' or 'target'", field="choice")
    store, repo = get_version_store(), merge.dataset.repository
    try:
        conflicted = [
            change.path
            for change in store.diff(repo, merge.target, merge.source, three_dot=True)
            if change.kind == "conflict" and item_id_from_path(change.path)
        ]
    except StoreNotFound as exc:
        raise Conflict(f"A branch of this merge is gone: {exc}", code="branch_gone") from exc
    # Check every pick before writing anything, so a refused request leaves nothing staged.
    picks = {path: items.get(path, choice) for path in conflicted}
    for path, pick in picks.items():
        if pick is None:
            raise ValidationFailed(f"pick a side for {path}", field=f"items.{path}")
    for path, pick in picks.items():
        if pick == "target":
            _copy_target_version(merge, path)
    with contextlib.suppress(NoChanges):  # every pick was the source's own version
        store.commit(
            repo,
            merge.source,
            f"Resolve conflicts merging into {merge.target}",
            metadata={"annolake.by": user.username},
            idempotency_key=f"resolve-{merge.pk}",
        )
    merge.commit = _merge_and_recount(
        merge, user, strategy="source-wins", key=f"merge-{merge.pk}-resolved"
    )
    merge.status = Merge.Status.MERGED
    merge.save(update_fields=["commit", "status"])
    return merge


def _copy_target_version(merge: Merge, path: str) -> None:
    store, repo = get_version_store(), merge.dataset.repository
    try:
        with store.open(repo, merge.target, path) as f:
            data = f.read()
    except StoreNotFound:
        store.delete(repo, merge.source, path)  # the target removed it: so does the resolution
        return
    store.put(repo, merge.source, path, data, content_type="application/json")


def merge_get(*, dataset: Dataset, merge_id: int) -> Merge:
    merge = Merge.objects.filter(dataset=dataset, pk=merge_id).first()
    if merge is None:
        raise NotFound("No such merge.", field="merge")
    return merge
