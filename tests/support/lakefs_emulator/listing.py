"""Prefix/delimiter listing shared by object listings and diffs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def list_level(
    items: Iterable[tuple[str, T]], prefix: str, delimiter: str
) -> list[tuple[str, T | None]]:
    """Keep keys under `prefix`; with a delimiter, collapse deeper keys into one
    common-prefix row (item None) per group, like S3 and lakeFS listings.

    `items` must be sorted by key; the output is sorted too, so callers can paginate
    it with an exclusive `after` - a common prefix used as `after` skips its group.
    """
    rows: list[tuple[str, T | None]] = []
    last_group = None
    for key, item in items:
        if not key.startswith(prefix):
            continue
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut != -1:
                group = key[: cut + len(delimiter)]
                if group != last_group:
                    rows.append((group, None))
                    last_group = group
                continue
        rows.append((key, item))
    return rows
