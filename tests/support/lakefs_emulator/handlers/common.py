"""Helpers shared by several handler modules."""

from __future__ import annotations

from typing import Any

from .. import serialize
from ..graph import Change
from ..listing import list_level
from ..protocol import ApiError, Request, paginate


def diff_list(changes: list[Change], req: Request) -> dict[str, Any]:
    """A DiffList page: prefix/delimiter grouping, then `after`/`amount` by path."""
    rows = list_level(
        ((change.path, change) for change in changes),
        req.arg("prefix", "") or "",
        req.arg("delimiter", "") or "",
    )
    page, pages = paginate(rows, lambda row: row[0], req.arg("after", "") or "", req.amount())
    right_stats = req.flag("include_right_stats")
    results = [
        serialize.diff_prefix(path) if change is None else serialize.diff(change, right_stats)
        for path, change in page
    ]
    return {"pagination": pages, "results": results}


def string_map(body: dict[str, Any], key: str = "metadata") -> dict[str, str]:
    metadata = body.get(key) or {}
    # lakeFS decodes metadata into map[string]string: anything else is a 400.
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise ApiError(400, "request body has an error: metadata values must be strings")
    return metadata
