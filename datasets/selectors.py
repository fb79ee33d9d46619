"""Reads that feed snapshots: the labelled items of source projects, streamed in chunks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from datasets.layout import ItemRecord
from labeling.final import final_result
from labeling.models import Annotation, Item, Project
from labeling.services.annotations import project_schema

CHUNK = 2000
INCLUDE = ("accepted", "completed")


def _annotations_by_item(item_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Annotation.objects.filter(item_id__in=item_ids)
        .exclude(status=Annotation.Status.REJECTED)
        .values_list("item_id", "user__username", "status", "result")
    )
    for item_id, username, status, result in rows:
        grouped[item_id].append({"annotator": username, "status": status, "result": result})
    for notes in grouped.values():
        notes.sort(key=lambda a: a["annotator"])
    return grouped


def project_records(project: Project, *, include: str) -> Iterator[ItemRecord]:
    """Items of one project that belong in a snapshot, with their final label.

    ``accepted``: items whose final label comes from reviewer-accepted work only.
    ``completed``: items that have all k annotations, reviewed or not.
    """
    schema = project_schema(project)
    items = Item.objects.filter(project=project)
    if include == "completed":
        items = items.filter(state__in=[Item.State.SUBMITTED, Item.State.DONE])
    else:
        items = items.filter(annotations__status=Annotation.Status.ACCEPTED).distinct()
    fields = ("pk", "external_id", "text", "media_sha256", "media_ext", "width", "height",
              "meta", "state", "agreement")  # fmt: skip
    last = 0
    while True:
        chunk = list(items.filter(pk__gt=last).order_by("pk").values_list(*fields)[:CHUNK])
        if not chunk:
            return
        by_item = _annotations_by_item([row[0] for row in chunk])
        for pk, external_id, text, sha, ext, width, height, meta, state, agreement in chunk:
            notes = by_item.get(pk, [])
            label = final_result(
                schema=schema,
                annotations=[(a["status"], a["result"]) for a in notes],
                review_required=include == "accepted",
            )
            if label is None and include == "accepted":
                continue
            yield ItemRecord(
                project_id=project.pk, item_id=pk, external_id=external_id, kind=project.kind,
                text=text, media_sha256=sha, media_ext=ext, width=width, height=height,
                meta=meta, state=state, agreement=agreement, label=label, annotations=notes,
            )  # fmt: skip
        last = chunk[-1][0]
