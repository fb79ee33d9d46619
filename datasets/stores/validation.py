"""Argument checks shared by the stores, so both refuse the same input the same way."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from .base import IDEMPOTENCY_KEY, MAX_PATH_BYTES, OPERATION_KEY, ByteRange, InvalidRequest

_REPOSITORY = re.compile(r"^[a-z0-9][a-z0-9-]{2,62}$")
_BRANCH = re.compile(r"^[A-Za-z0-9_][-A-Za-z0-9_]*$")
_TAG = re.compile(r"^[^\s~^@$:]+$")


def validate_repository(name: str) -> str:
    if not _REPOSITORY.match(name):
        raise InvalidRequest(f"invalid repository name {name!r}: [a-z0-9-], 3-63 characters")
    return name


def validate_branch(name: str) -> str:
    if not _BRANCH.match(name):
        raise InvalidRequest(f"invalid branch name {name!r}: letters, digits, '_' and '-'")
    return name


def validate_tag(name: str) -> str:
    if not _TAG.match(name):
        raise InvalidRequest(f"invalid tag name {name!r}")
    return name


def validate_ref(ref: str) -> str:
    if not ref or any(ch.isspace() for ch in ref):
        raise InvalidRequest(f"invalid ref {ref!r}")
    return ref


def validate_path(path: str) -> str:
    """Object paths are non-empty, at most 1024 UTF-8 bytes, without NUL (PostgreSQL text)."""
    if not path or "\x00" in path or len(path.encode("utf-8")) > MAX_PATH_BYTES:
        raise InvalidRequest(f"invalid object path {path[:80]!r}")
    return path


def validate_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """lakeFS stores commit metadata as map[string]string; anything else is refused early."""
    result = dict(metadata or {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in result.items()):
        raise InvalidRequest("commit metadata keys and values must be strings")
    return result


def validate_range(byte_range: ByteRange | None) -> ByteRange | None:
    if byte_range is None:
        return None
    first, last = byte_range
    if first < 0 or (last is not None and last < first):
        raise InvalidRequest(f"invalid byte range {byte_range!r}")
    return byte_range


def keyed_metadata(
    metadata: Mapping[str, str] | None, key: str, operation: Literal["commit", "merge"]
) -> dict[str, str]:
    meta = validate_metadata(metadata)
    meta[IDEMPOTENCY_KEY] = key
    meta[OPERATION_KEY] = operation
    return meta
