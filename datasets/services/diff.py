"""Item-level diff of two refs: the store's diff, with both versions of each shown item."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from typing import Any

from datasets.layout import CARD_PATH, item_id_from_path
from datasets.stores.base import Change, NotFound, VersionStore


def read_document(store: VersionStore, repo: str, ref: str, path: str) -> Any:
    try:
        with store.open(repo, ref, path) as f:
            return json.loads(f.read())
    except NotFound:
        return None


def item_changes(store: VersionStore, repo: str, base: str, head: str) -> Iterator[Change]:
    """What ``head`` changed relative to ``base`` since they parted (three-dot), items only."""
    return store.diff(repo, base, head, prefix="items/", three_dot=True)


def diff_summary(store: VersionStore, repo: str, base: str, head: str) -> dict[str, Any]:
    """Counts by kind, and the label histogram delta from the two dataset cards."""
    counts: Counter[str] = Counter(change.kind for change in item_changes(store, repo, base, head))
    before = (read_document(store, repo, base, CARD_PATH) or {}).get("label_histogram", {})
    after = (read_document(store, repo, head, CARD_PATH) or {}).get("label_histogram", {})
    delta = {
        label: after.get(label, 0) - before.get(label, 0)
        for label in sorted(set(before) | set(after))
        if after.get(label, 0) != before.get(label, 0)
    }
    return {
        "added": counts["added"],
        "removed": counts["removed"],
        "changed": counts["changed"],
        "conflict": counts["conflict"],
        "histogram_before": before,
        "histogram_after": after,
        "histogram_delta": delta,
    }


def diff_page(
    store: VersionStore, repo: str, base: str, head: str, *, page: int, size: int
) -> tuple[list[dict[str, Any]], bool]:
    """One page of changed items with their before/after documents; (rows, has_more)."""
    changes = islice(item_changes(store, repo, base, head), (page - 1) * size, page * size + 1)
    window = list(changes)
    rows = []
    for change in window[:size]:
        ids = item_id_from_path(change.path)
        rows.append(
            {
                "path": change.path,
                "kind": change.kind,
                "project": ids[0] if ids else None,
                "item": ids[1] if ids else None,
                "before": None
                if change.kind == "added"
                else read_document(store, repo, base, change.path),
                "after": None
                if change.kind == "removed"
                else read_document(store, repo, head, change.path),
            }
        )
    return rows, len(window) > size
