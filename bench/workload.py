"""Deterministic data of the shared workload (WORKLOAD.md), with a checksum self-check.

Run ``python -m bench.workload`` to print OK/MISMATCH for the published checksums.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from typing import Any

SEED = 42
VOCABULARY_SIZE = 2_000
LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_TEXT_LENGTH = 200
TEXT_LABELS = ["A", "B", "C", "D", "E"]
_LABEL_COLORS = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231"]

# The published checksums of the compact JSON of the first n text items: (sha256, bytes).
TEXT_CHECKSUMS: dict[int, tuple[str, int]] = {
    10_000: ("4e1f28b116379b7c95637ada22c5e3af4dda1e1f8ffc590bf030c4ec9124a7d0", 2_154_224),
    100_000: ("fc38cb8ae2093fd86d3c0c45452a16bd4582dbb26d0af79b6cd36e85d577eefa", 21_548_418),
}

IMAGE_WIDTH, IMAGE_HEIGHT = 640, 480
BOX_LABELS = ["car", "person", "bike"]
BOXES_PER_IMAGE = 3


def text_schema() -> dict[str, Any]:
    """One single-choice class control ``label`` with labels A-E."""
    labels = [
        {"name": name, "color": color, "hotkey": str(i + 1)}
        for i, (name, color) in enumerate(zip(TEXT_LABELS, _LABEL_COLORS, strict=True))
    ]
    return {"controls": [{"name": "label", "type": "class", "labels": labels}]}


def _vocabulary(rng: random.Random) -> list[str]:
    words = []
    for _ in range(VOCABULARY_SIZE):
        size = rng.randint(2, 10)
        words.append("".join(rng.choice(LETTERS) for _ in range(size)))
    return words


def text_items(n: int) -> list[dict[str, str]]:
    """The first ``n`` text items; item i is the same for every n."""
    rng = random.Random(SEED)
    vocab = _vocabulary(rng)
    items = []
    for _ in range(n):
        words: list[str] = []
        length = -1
        while length < MIN_TEXT_LENGTH:
            word = rng.choice(vocab)
            words.append(word)
            length += len(word) + 1
        items.append({"text": " ".join(words)})
    return items


def compact_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def image_boxes(n: int = 10_000) -> list[list[dict[str, Any]]]:
    """For each of ``n`` 640x480 images, 3 boxes (pixels): sizes 5-40% of each side, inside.

    Each box is ``{"label", "x", "y", "w", "h"}`` with the top-left corner at (x, y).
    """
    rng = random.Random(SEED)
    images = []
    for _ in range(n):
        boxes = []
        for _ in range(BOXES_PER_IMAGE):
            w = rng.uniform(0.05, 0.40) * IMAGE_WIDTH
            h = rng.uniform(0.05, 0.40) * IMAGE_HEIGHT
            x = rng.uniform(0, IMAGE_WIDTH - w)
            y = rng.uniform(0, IMAGE_HEIGHT - h)
            boxes.append({"label": rng.choice(BOX_LABELS), "x": x, "y": y, "w": w, "h": h})
        images.append(boxes)
    return images


def check_text_items(items: list[dict[str, str]]) -> list[tuple[int, bool, str]]:
    """Compare every published prefix that ``items`` covers: (n, ok, message)."""
    results = []
    for n, (expected_sha, expected_bytes) in sorted(TEXT_CHECKSUMS.items()):
        if n > len(items):
            continue
        body = compact_json(items[:n])
        sha = hashlib.sha256(body).hexdigest()
        ok = sha == expected_sha and len(body) == expected_bytes
        word = "OK" if ok else "MISMATCH"
        results.append((n, ok, f"{word} text items n={n:,}: sha256 {sha} ({len(body):,} bytes)"))
    return results


def verified_text_items(n: int = 100_000) -> list[dict[str, str]]:
    """Generate the items, print the checksum check, and abort on a mismatch."""
    items = text_items(n)
    results = check_text_items(items)
    for _, _, message in results:
        print(message)
    if not all(ok for _, ok, _ in results):
        raise SystemExit("workload: text items do not match WORKLOAD.md; aborting")
    return items


def main() -> int:
    verified_text_items(max(TEXT_CHECKSUMS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
