"""Exports stream: peak traced memory stays far below the output size.

50,000 text items of ~870 bytes each as JSON Lines (~43 MB); the output is counted, not kept.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from datasets.exporters import get_exporter
from tests.datasets.exporters.data import card, klass, span

N = 50_000
TEXT = "The quick brown fox jumps over the lazy dog, again and again. " * 3


def _items() -> Iterator[dict[str, Any]]:
    for i in range(N):
        label = [klass("topic", "sport", "tech"), span("PER", 4, 9), span("ORG", 10, 15)]
        digest = hashlib.sha256(str(i).encode()).hexdigest()
        yield {
            "format": 1, "id": i, "project": 2, "external_id": f"doc-{i:08d}", "kind": "text",
            "text": f"{i} {TEXT} {digest}", "media": None, "meta": {"source": "gen", "n": i},
            "state": "done", "agreement": 1.0, "label": label,
            "annotations": [{"user": 7, "result": label}],
        }  # fmt: skip


class _CountingSink(io.RawIOBase):
    """A non-seekable stream that only counts, so the output is not in traced memory."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.size += len(data)
        return len(data)


@pytest.mark.parametrize("name", ["jsonl", "csv", "parquet"])
def test_exporting_fifty_thousand_items_keeps_the_peak_well_below_the_output_size(name):
    sink = _CountingSink()
    tracemalloc.start()
    try:
        get_exporter(name).write(card(image=False), _items, sink)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Parquet is compressed (the repeated labels shrink to almost nothing), so it is held to
    # the size of the same items as JSON Lines; Arrow's own buffers are outside tracemalloc
    # and bounded by one row group (see datasets.exporters.parquet).
    assert sink.size > (1_000_000 if name == "parquet" else 20_000_000)
    assert peak < 4 << 20, (peak, sink.size)
    assert peak < (sink.size if name != "parquet" else 40_000_000) / 10, (peak, sink.size)
