"""Deterministic train / val / test splits by a hash of each item's stable id.

An item's split depends only on its id and the ratios, never on the other items, so an
unchanged item stays in its split as the dataset grows and two exports agree.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "val", "test")


def split_point(stable_id: str) -> float:
    """The id's place in [0, 1): the first 8 bytes of its sha256 as a fraction of 2**64."""
    digest = hashlib.sha256(stable_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def split_of(stable_id: str, ratios: dict[str, float]) -> str:
    """The split of ``stable_id`` for ``ratios`` such as ``{"train": 0.8, "val": 0.2}``.

    Keys are a subset of ``train``, ``val``, ``test``; ratios are relative (they are divided by
    their sum) and taken cumulatively in that fixed order. Raises ``ValueError`` for an unknown
    split, a negative ratio or an all-zero mapping.
    """
    unknown = set(ratios) - set(SPLITS)
    if unknown:
        raise ValueError(f"unknown splits {sorted(unknown)} (known: {', '.join(SPLITS)})")
    if any(value < 0 for value in ratios.values()):
        raise ValueError("split ratios must not be negative")
    total = sum(ratios.values())
    if total <= 0:
        raise ValueError("split ratios must add up to more than 0")
    point = split_point(stable_id) * total
    cumulative = 0.0
    last = ""
    for name in SPLITS:
        share = ratios.get(name, 0.0)
        if share <= 0:
            continue
        cumulative += share
        last = name
        if point < cumulative:
            return name
    return last  # only reached through float rounding at the very top
