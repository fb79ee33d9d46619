"""Writes for items (the full import pipeline builds on these)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from core.errors import ValidationFailed
from labeling.media import image_inspect, image_store
from labeling.models import Item, Project


def items_create_text(*, project: Project, rows: Iterable[dict[str, Any]]) -> int:
    """Add text items in one transaction; rows are ``{"text", "external_id"?, "meta"?}``."""
    if project.kind != Project.Kind.TEXT:
        raise ValidationFailed("this project labels images, not text", field="kind")
    items = [
        Item(
            project=project,
            text=row["text"],
            external_id=row.get("external_id"),
            meta=row.get("meta") or {},
            priority=row.get("priority", 0),
        )
        for row in rows
    ]
    with transaction.atomic():
        Item.objects.bulk_create(items, batch_size=2000)
    return len(items)


def item_create_image(
    *, project: Project, data: bytes, external_id: str | None = None, meta: dict | None = None
) -> Item:
    """Verify, store and record one image; a duplicate of one already in the project is refused."""
    if project.kind != Project.Kind.IMAGE:
        raise ValidationFailed("this project labels text, not images", field="kind")
    info = image_inspect(data)
    if Item.objects.filter(project=project, media_sha256=info.sha256).exists():
        raise ValidationFailed(
            "this image is already in the project", field="file", code="duplicate"
        )
    image_store(data, info)
    return Item.objects.create(
        project=project,
        external_id=external_id,
        media_sha256=info.sha256,
        media_ext=info.ext,
        width=info.width,
        height=info.height,
        meta=meta or {},
    )
