"""An import's memory stays flat: it does not hold the body or the rows.

Measured with tracemalloc (Python allocations, which is where a list of rows or a decoded
body would show): 50,000 W1-like rows, a 12.9 MB JSON array streamed from a generator,
peak 1.33 MB on SQLite and on PostgreSQL alike (about 10 % of the body: the read chunk,
its decoded text, the parse window and one staging batch; none of it grows with the rows).
The bound asserted, a fifth of the body, leaves room for noise but fails at once if the body
or the rows are ever gathered in memory.
"""

from __future__ import annotations

import json
import random
import tracemalloc

import pytest

from labeling.models import Item
from labeling.services.imports import items_import

pytestmark = pytest.mark.django_db

ROWS = 50_000


class GeneratedBody:
    """A JSON array of W1-like items produced while it is read, never whole in memory."""

    def __init__(self, rows: int) -> None:
        rng = random.Random(42)
        vocabulary = [
            "".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 10)))
            for _ in range(2000)
        ]
        self._parts = self._generate(rows, vocabulary, rng)
        self._buffer = b""
        self.size = 0

    @staticmethod
    def _generate(rows, vocabulary, rng):
        yield b"["
        for i in range(rows):
            text = " ".join(rng.choice(vocabulary) for _ in range(35))
            yield (b"," if i else b"") + json.dumps({"text": text}).encode()
        yield b"]"

    def read(self, size: int = -1) -> bytes:
        while len(self._buffer) < size:
            part = next(self._parts, None)
            if part is None:
                break
            self._buffer += part
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        self.size += len(data)
        return data


def test_importing_50k_rows_keeps_python_memory_far_below_the_body_size(project):
    body = GeneratedBody(ROWS)
    tracemalloc.start()
    try:
        report = items_import(project=project, stream=body, fmt="json")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report["created"] == ROWS
    assert Item.objects.filter(project=project).count() == ROWS
    assert body.size > 10_000_000
    assert peak < body.size / 5, f"peak {peak:,} bytes for a {body.size:,} byte body"
