"""JSON Lines, the native format: one canonical item document per line (``layout.item_document``).

The first line is not the card: every line is an item, so ``wc -l`` counts items and shards
concatenate. The card is served beside the export (``annolake.json``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

from datasets.exporters._common import ItemsFactory, MediaSource, canonical_json

BATCH = 256


def write(
    card: dict[str, Any], items: ItemsFactory, out: BinaryIO, *, media: MediaSource | None = None
) -> None:
    lines: list[str] = []
    for item in items():
        lines.append(canonical_json(item))
        if len(lines) >= BATCH:
            out.write(("\n".join(lines) + "\n").encode())
            lines.clear()
    if lines:
        out.write(("\n".join(lines) + "\n").encode())


def write_canonical(documents: Iterable[bytes], out: BinaryIO) -> None:
    """The same output from documents that are canonical JSON already (a version's item
    objects, ``layout.canonical_bytes``): their bytes, one per line, without a parse."""
    lines: list[bytes] = []
    for document in documents:
        lines.append(document)
        if len(lines) >= BATCH:
            out.write(b"\n".join(lines) + b"\n")
            lines.clear()
    if lines:
        out.write(b"\n".join(lines) + b"\n")
