"""Endpoint handlers, one module per lakeFS API resource (paths from lakefs_sdk/api/*.py)."""

from __future__ import annotations

from ..app import Router
from . import branches, commits, meta, objects, refs, repositories, tags


def build_router() -> Router:
    router = Router()
    for module in (meta, repositories, branches, objects, commits, refs, tags):
        module.register(router)
    return router


def build_blob_router() -> Router:
    """Routes outside the API: the objects' presigned URLs."""
    router = Router()
    objects.register_blobs(router)
    return router
