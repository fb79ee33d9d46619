"""Reachability of the configured version store."""

from __future__ import annotations

from . import get_version_store


def version_store_check() -> str:
    """lakeFS: health endpoint and credentials, no retries. Local: its tables answer (the
    database and media storage it lives in are probed by their own checks)."""
    return get_version_store().check()
