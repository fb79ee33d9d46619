"""The canonical layout of a dataset commit (DESIGN.md "Versioned datasets").

    annolake.json                       dataset card: format, schemas, sources, counts, labels
    items/<project>/<item-id>.json      one object per item, its final label and its annotations
    media/<sha256[:2]>/<sha256>.<ext>   content-addressed media, stored once per repository

Objects are serialised canonically — sorted keys, compact separators, UTF-8, floats as
the label schema already rounds them — so the same labels always give the same bytes: an
unchanged item is never re-uploaded and a snapshot of unchanged labels commits nothing.
Nothing time-dependent (timestamps, database row order) goes into an object.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

FORMAT_VERSION = 1
CARD_PATH = "annolake.json"


def canonical_bytes(document: Any) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def item_path(project_id: int, item_id: int) -> str:
    return f"items/{project_id}/{item_id}.json"


def media_path(sha256: str, ext: str) -> str:
    return f"media/{sha256[:2]}/{sha256}.{ext}"


def item_id_from_path(path: str) -> tuple[int, int] | None:
    """(project id, item id) for an item object's path, None for anything else."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != "items" or not parts[2].endswith(".json"):
        return None
    try:
        return int(parts[1]), int(parts[2][: -len(".json")])
    except ValueError:
        return None


@dataclass(frozen=True)
class ItemRecord:
    """What a snapshot knows about one item, gathered by the caller from the database."""

    project_id: int
    item_id: int
    external_id: str | None
    kind: str
    text: str
    media_sha256: str
    media_ext: str
    width: int | None
    height: int | None
    meta: dict[str, Any]
    state: str
    agreement: float | None
    label: list[dict[str, Any]] | None
    annotations: list[dict[str, Any]]
    # A digest of every input of the document (datasets.selectors.item_fingerprint).
    fingerprint: bytes = b""


def item_document(record: ItemRecord) -> dict[str, Any]:
    media = None
    if record.media_sha256:
        media = {
            "path": media_path(record.media_sha256, record.media_ext),
            "sha256": record.media_sha256,
            "width": record.width,
            "height": record.height,
        }
    return {
        "format": FORMAT_VERSION,
        "id": record.item_id,
        "project": record.project_id,
        "external_id": record.external_id,
        "kind": record.kind,
        "text": record.text if record.kind == "text" else None,
        "media": media,
        "meta": record.meta,
        "state": record.state,
        "agreement": record.agreement,
        "label": record.label,
        "annotations": record.annotations,
    }


@dataclass
class CardTotals:
    """Running counts for the dataset card, filled as items stream past."""

    items: Counter[int] = field(default_factory=Counter)
    labelled: Counter[int] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)

    def add(self, record: ItemRecord) -> None:
        self._count(record.project_id, record.label)

    def add_document(self, document: dict[str, Any]) -> None:
        """Count an item object read back from a commit (see ``item_document``)."""
        self._count(document["project"], document.get("label"))

    def _count(self, project_id: int, label: list[dict[str, Any]] | None) -> None:
        self.add_keys(project_id, label_keys(label))

    def add_keys(self, project_id: int, keys: tuple[str, ...] | None, times: int = 1) -> None:
        """Count ``times`` items of a project whose label has these ``label_keys``."""
        self.items[project_id] += times
        if keys is not None:
            self.labelled[project_id] += times
            for key in keys:
                self.labels[key] += times


def label_keys(label: list[dict[str, Any]] | None) -> tuple[str, ...] | None:
    """What a final label adds to the card's histogram (``control:label`` per region and
    label, repeats kept); None for an item without a final label."""
    if label is None:
        return None
    return tuple(
        f"{region['control']}:{name}"
        for region in label
        for name in region.get("labels") or [region.get("label")]
    )


def dataset_card(
    *, name: str, sources: Iterable[dict[str, Any]], totals: CardTotals, include: str
) -> dict[str, Any]:
    """The dataset card. ``sources`` carry each project's id, name, kind and schema."""
    return {
        "format": FORMAT_VERSION,
        "name": name,
        "include": include,
        "sources": [
            {
                **source,
                "items": totals.items.get(source["id"], 0),
                "labelled": totals.labelled.get(source["id"], 0),
            }
            for source in sorted(sources, key=lambda s: s["id"])
        ],
        "counts": {"items": sum(totals.items.values()), "labelled": sum(totals.labelled.values())},
        "label_histogram": dict(sorted(totals.labels.items())),
    }
