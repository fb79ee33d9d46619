"""Keep the dataset card true after a merge that combined changes from both sides.

The card (counts, label histogram) is derived from the items. When two rounds change
labels and both are merged, each side's card is right only for its own side, and the
store reports the card as a conflict. The card is then recounted from the merged items
and committed on the target, so no lead ever has to "resolve" derived data.
"""

from __future__ import annotations

import json
from typing import Any

from datasets.layout import CARD_PATH, CardTotals, canonical_bytes, dataset_card
from datasets.models import Dataset
from datasets.stores.base import NoChanges, NotFound, VersionStore, content_checksum


def _read(store: VersionStore, repo: str, ref: str, path: str) -> Any:
    with store.open(repo, ref, path) as f:
        return json.loads(f.read())


def card_refresh(*, store: VersionStore, dataset: Dataset, branch: str, by: str) -> str | None:
    """Recount the card on ``branch`` from its items; commit it if it changed."""
    repo = dataset.repository
    try:
        old = _read(store, repo, branch, CARD_PATH)
    except NotFound:
        return None
    totals = CardTotals()
    for info in store.list_objects(repo, branch, prefix="items/"):
        totals.add_document(_read(store, repo, branch, info.path))
    sources = [
        {k: v for k, v in source.items() if k not in {"items", "labelled"}}
        for source in old.get("sources", [])
    ]
    card = canonical_bytes(
        dataset_card(name=old["name"], sources=sources, totals=totals, include=old["include"])
    )
    if content_checksum(card) == content_checksum(canonical_bytes(old)):
        return None
    store.put(repo, branch, CARD_PATH, card, content_type="application/json")
    try:
        return store.commit(repo, branch, "Recount the dataset card after a merge",
                            metadata={"annolake.by": by})  # fmt: skip
    except NoChanges:
        return None
