"""JSON shapes of lakeFS API models (lakefs_sdk/models/*.py, all strict pydantic types).

Every required field is always present with the exact JSON type the SDK expects:
ints for epoch seconds, str-valued metadata, and empty strings (not null) where the Go
structs have no `omitempty`, e.g. on common-prefix ObjectStats.
"""

from __future__ import annotations

from typing import Any

from .graph import Change
from .model import Commit, Entry, Repository


def repository(repo: Repository) -> dict[str, Any]:
    return {
        "id": repo.name,
        "creation_date": repo.creation_date,
        "default_branch": repo.default_branch,
        "storage_namespace": repo.storage_namespace,
        "read_only": repo.read_only,
    }


def ref(ref_id: str, commit_id: str) -> dict[str, Any]:
    return {"id": ref_id, "commit_id": commit_id}


def commit(c: Commit) -> dict[str, Any]:
    return {
        "id": c.id,
        "parents": list(c.parents),
        "committer": c.committer,
        "message": c.message,
        "creation_date": c.creation_date,
        "meta_range_id": c.meta_range_id,
        "metadata": dict(c.metadata),
        "generation": c.generation,
        "version": 1,
    }


def object_stats(entry: Entry, user_metadata: bool = True) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "path": entry.path,
        "path_type": "object",
        "physical_address": entry.physical_address,
        "checksum": entry.checksum,
        "size_bytes": entry.size,
        "mtime": entry.mtime,
        "content_type": entry.content_type,
    }
    if user_metadata:
        stats["metadata"] = dict(entry.metadata)
    return stats


def common_prefix(path: str) -> dict[str, Any]:
    # Real lakeFS sends the required fields empty for prefixes (lakefs.gen.go, no omitempty).
    return {
        "path": path,
        "path_type": "common_prefix",
        "physical_address": "",
        "checksum": "",
        "mtime": 0,
    }


def diff(change: Change, include_right_stats: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {"type": change.type, "path": change.path, "path_type": "object"}
    if change.entry is not None:
        item["size_bytes"] = change.entry.size
        if include_right_stats and change.type in ("added", "changed"):
            item["right"] = {
                "checksum": change.entry.checksum,
                "mtime": change.entry.mtime,
                "content_type": change.entry.content_type,
                "metadata": dict(change.entry.metadata),
            }
    return item


def diff_prefix(path: str) -> dict[str, Any]:
    return {"type": "prefix_changed", "path": path, "path_type": "common_prefix"}
