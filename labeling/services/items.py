"""Writes for items: text rows in bulk, images one by one or in bulk, pre-annotations.

Imports (``labeling.services.imports``) validate first and call these to write; the demo
and tests call ``items_create_text`` and ``item_create_image`` directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction

from core.errors import ValidationFailed
from core.jobs import job_create
from core.models import Job
from labeling.imports.images import ImageCandidate
from labeling.imports.loader import LoadResult, RowSpool, load_text_rows
from labeling.imports.problems import Problems
from labeling.imports.rows import order_key, relaxed, text_row
from labeling.media import image_inspect, image_store
from labeling.models import Item, Project
from labeling.schemas import parse_schema

BATCH = 1000


def project_import_lock(project_id: int) -> None:
    """Serialise imports into one project for the rest of the transaction.

    ``FOR NO KEY UPDATE`` conflicts with itself but not with the ``FOR KEY SHARE`` locks that
    inserting leases or annotations takes, so annotators keep working during an import.
    (SQLite serialises all writers anyway.)
    """
    list(Project.objects.select_for_update(no_key=True).filter(pk=project_id).values("pk"))


def require_kind(project: Project, kind: str) -> None:
    if project.kind != kind:
        other = "images" if project.kind == Project.Kind.IMAGE else "text"
        raise ValidationFailed(f"this project labels {other}, not {kind}", field="kind")


def text_rows_load(*, project: Project, spool: RowSpool) -> LoadResult:
    """Write spooled rows all or none; an external id repeated among them rejects them all."""
    problems = Problems()
    with transaction.atomic():
        project_import_lock(project.pk)
        result = load_text_rows(project_id=project.pk, spool=spool, problems=problems)
        problems.raise_if_any()
    table_statistics_refresh(Item)
    return result


def table_statistics_refresh(model: type[Any]) -> None:
    """Refresh the planner's statistics after a bulk load.

    Right after 100k rows arrive PostgreSQL has no statistics for them, and the queue's
    "next open item" query falls back to sorting every open item (30-80 ms a call instead
    of well under 1 ms); autovacuum may take minutes to notice, or be off.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def items_create_text(*, project: Project, rows: Iterable[dict[str, Any]]) -> int:
    """Add text items ``{"text", "external_id"?, "meta"?, "priority"?, "pre_annotation"?}``.

    Rows are checked like an import; existing external ids are skipped. Returns how many
    items were created.
    """
    require_kind(project, Project.Kind.TEXT)
    schema = relaxed(parse_schema(project.label_schema, kind=project.kind))
    problems = Problems()
    salt = uuid.uuid4().hex
    spool = RowSpool()
    try:
        for row, raw in enumerate(rows, start=1):
            normal = text_row(raw, row, schema, problems)
            if normal is not None:
                spool.write(normal.staged(project.pk, salt))
        problems.raise_if_any()
        return text_rows_load(project=project, spool=spool).created
    finally:
        spool.close()


def item_create_image(
    *, project: Project, data: bytes, external_id: str | None = None, meta: dict | None = None
) -> Item:
    """Verify, store and record one image; a duplicate of one already in the project is refused."""
    require_kind(project, Project.Kind.IMAGE)
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
        order_key=order_key(project.pk, "", 0, info.sha256),
    )


def _existing(project_id: int, field: str, values: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(values), BATCH):
        chunk = values[start : start + BATCH]
        rows = Item.objects.filter(project_id=project_id, **{f"{field}__in": chunk})
        found.update(rows.values_list(field, "pk"))
    return found


def items_create_images(
    *, project: Project, candidates: list[ImageCandidate], user: User | AnonymousUser | None
) -> tuple[int, list[dict[str, Any]], Job | None]:
    """Record stored images as items; (created, duplicates of existing items, thumbnail job).

    An image already in the project (same sha256) is reported, not added again. An external
    id that another item already has is dropped (the image is still added, without one).
    """
    with transaction.atomic():
        project_import_lock(project.pk)
        shas = _existing(project.pk, "media_sha256", [c.info.sha256 for c in candidates])
        names = [c.external_id for c in candidates if c.external_id is not None]
        taken = set(_existing(project.pk, "external_id", names))
        duplicates, items = [], []
        for c in candidates:
            if c.info.sha256 in shas:
                duplicates.append(
                    {"row": c.row, "sha256": c.info.sha256, "item_id": shas[c.info.sha256]}
                )
                continue
            external_id = c.external_id if c.external_id not in taken else None
            if external_id is not None:
                taken.add(external_id)
            items.append(
                Item(
                    project=project, external_id=external_id, media_sha256=c.info.sha256,
                    media_ext=c.info.ext, width=c.info.width, height=c.info.height,
                    order_key=order_key(project.pk, "", 0, c.info.sha256),
                )
            )  # fmt: skip
        Item.objects.bulk_create(items, batch_size=BATCH)
        job = None
        if items:
            job = job_create(
                kind="labeling.generate_thumbnails",
                params={"project_id": project.pk},
                created_by=user,
                message="Waiting for a worker",
            )
    return len(items), duplicates, job


def items_set_pre_annotations(
    *, project: Project, updates: Iterable[tuple[int, str | None]]
) -> int:
    """Replace the pre-annotation of each (item id, result JSON or None); returns the count."""
    cast = "%s" if connection.vendor == "sqlite" else "%s::jsonb"
    table = connection.ops.quote_name(Item._meta.db_table)
    sql = f"UPDATE {table} SET pre_annotation = {cast} WHERE id = %s AND project_id = %s"  # noqa: S608
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        batch: list[tuple[str | None, int, int]] = []
        for item_id, result in updates:
            batch.append((result, item_id, project.pk))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
