"""Prefix/delimiter listing shared by object listings and diffs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from .model import Entry, View

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


def _past_group(group: str) -> str:
    """The smallest string greater than every key that starts with `group`."""
    return group[:-1] + chr(ord(group[-1]) + 1)


def list_view_page(
    view: View, prefix: str, delimiter: str, after: str, amount: int
) -> tuple[list[tuple[str, Entry | None]], bool]:
    """One page of `list_level(sorted(view.items()), prefix, delimiter)` after `after`, and
    whether more rows follow - without sorting or walking the whole view: the walk starts
    at max(prefix, after), stops at the end of the prefix, and jumps over collapsed groups.
    """
    rows: list[tuple[str, Entry | None]] = []
    start, inclusive = (after, False) if after >= prefix else (prefix, True)
    while len(rows) <= amount:
        jumped = False
        for key in view.sorted_from(start, inclusive=inclusive):
            if not key.startswith(prefix):
                return rows[:amount], len(rows) > amount
            cut = key.find(delimiter, len(prefix)) if delimiter else -1
            if cut == -1:
                rows.append((key, view[key]))
                if len(rows) > amount:
                    break
                continue
            group = key[: cut + len(delimiter)]
            if group > after:  # a group at or before `after` was on an earlier page
                rows.append((group, None))
            start, inclusive, jumped = _past_group(group), True, True
            break
        if not jumped:
            break
    return rows[:amount], len(rows) > amount
