"""Reads that feed snapshots: the labelled items of source projects, streamed in chunks."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from datasets.layout import ItemRecord
from labeling.final import final_result
from labeling.models import Annotation, Item, Project
from labeling.services.annotations import project_schema

CHUNK = 2000
INCLUDE = ("accepted", "completed")


def _annotations_by_item(item_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The annotations of a chunk of items (ids ascending), grouped by item.

    Asked for by id range, not ``IN (2000 ids)``: the same index scan, without building and
    parsing a query with thousands of parameters. Rows of items outside the chunk that fall
    in the range (other projects', other states') are dropped here.
    """
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    wanted = set(item_ids)
    rows = (
        Annotation.objects.filter(item_id__gte=item_ids[0], item_id__lte=item_ids[-1])
        .exclude(status=Annotation.Status.REJECTED)
        .values_list("item_id", "user__username", "status", "result")
    )
    for item_id, username, status, result in rows:
        if item_id in wanted:
            grouped[item_id].append({"annotator": username, "status": status, "result": result})
    for notes in grouped.values():
        notes.sort(key=lambda a: a["annotator"])
    return grouped


def _chunks(queries: list[QuerySet], fields: tuple[str, ...]) -> Iterator[list[tuple]]:
    """Rows of the union of ``queries`` in pk order, CHUNK at a time (keyset pagination).

    One ordered, limited query per part, merged by the database: each part walks its own
    index range from the last pk (``item_queue_sequential`` is (project, state, id)), so a
    chunk costs O(CHUNK) whatever the statistics say. (``state IN (...) ORDER BY id`` let the
    planner read every matching row and top-N sort them per chunk: quadratic.)
    """
    last = 0
    compound = len(queries) > 1 and connection.features.supports_slicing_ordering_in_compound
    while True:
        parts = [q.filter(pk__gt=last).order_by("pk").values_list(*fields) for q in queries]
        if compound:
            first, *rest = (part[:CHUNK] for part in parts)
            chunk = list(first.union(*rest, all=True).order_by("pk")[:CHUNK])
        else:
            chunk = list(heapq.merge(*(part[:CHUNK] for part in parts)))[:CHUNK]
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def project_records(project: Project, *, include: str) -> Iterator[ItemRecord]:
    """Items of one project that belong in a snapshot, with their final label.

    ``accepted``: items whose final label comes from reviewer-accepted work only.
    ``completed``: items that have all k annotations, reviewed or not.
    """
    schema = project_schema(project)
    items = Item.objects.filter(project=project)
    if include == "completed":
        queries = [items.filter(state=state) for state in (Item.State.SUBMITTED, Item.State.DONE)]
    else:
        accepted = Annotation.objects.filter(item=OuterRef("pk"), status=Annotation.Status.ACCEPTED)
        queries = [items.filter(Exists(accepted))]
    fields = ("pk", "external_id", "text", "media_sha256", "media_ext", "width", "height",
              "meta", "state", "agreement")  # fmt: skip
    for chunk in _chunks(queries, fields):
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
