"""Reads that feed snapshots: the labelled items of source projects, streamed in chunks.

Every item a snapshot writes carries a fingerprint: a digest of every input its document
is built from (see ``item_fingerprint``). The text and JSON inputs are digested by the
database when they are written (``content_digest``, labeling/digests.py), the small
scalars and the annotators' names here, so an incremental snapshot learns which items
changed by reading short columns per item instead of their texts and results.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import defaultdict
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat, Length

import datasets.layout
import labeling.agreement
import labeling.final
import labeling.schemas
from datasets.layout import FORMAT_VERSION, ItemRecord
from labeling.final import final_result
from labeling.models import Annotation, Item, Project
from labeling.schemas import schema_hash
from labeling.services.annotations import project_schema

CHUNK = 2000
# Fingerprint rows are small (ids, scalars, digests): fewer, larger chunks save round trips
# and query compilation, which dominate a scan of unchanged items.
SCAN_CHUNK = 20000
INCLUDE = ("accepted", "completed")
# The item fields a document is built from, in the order of the rows below.
ITEM_FIELDS = ("pk", "external_id", "text", "media_sha256", "media_ext", "width", "height",
               "meta", "state", "agreement", "content_digest")  # fmt: skip
DIGEST_FIELDS = ("pk", "width", "height", "state", "agreement", "content_digest")


def _code_digest() -> str:
    """The source of the code that turns rows into documents: an upgrade that changes it
    changes every fingerprint, so no document built by older code is ever kept."""
    digest = hashlib.sha256()
    for module in (datasets.layout, labeling.final, labeling.agreement, labeling.schemas):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


CODE_DIGEST = _code_digest()


def fingerprint_context(project: Project, *, include: str) -> Any:
    """What every document of ``project`` depends on besides its own rows, as a started MD5
    (each item's fingerprint continues a copy of it)."""
    context = repr(
        (CODE_DIGEST, FORMAT_VERSION, include, project.pk, project.kind,
         schema_hash(project_schema(project)))
    ).encode()  # fmt: skip
    return hashlib.md5(context, usedforsecurity=False)


def _note() -> Concat:
    """One annotation's part of its item's fingerprint, made by the database: its fixed-width
    ``content_digest``, then its annotator's name length-prefixed, so a list of them joined
    by commas decodes unambiguously."""
    name = F("user__username")
    return Concat(
        "content_digest", Cast(Length(name), CharField()), Value(":"), name,
        output_field=TextField(),
    )  # fmt: skip


def item_fingerprint(context: Any, row: tuple, annotation_digests: list[str]) -> bytes:
    """The 16-byte fingerprint of one item from its ``DIGEST_FIELDS`` row and the
    note (``_note``) of each of its non-rejected annotations: equal fingerprints mean
    equal documents."""
    pk, width, height, state, agreement, digest = row
    # Order-free: sorted (one digest, the usual k = 1, is its own sorted join).
    notes = (
        annotation_digests[0]
        if len(annotation_digests) == 1
        else ",".join(sorted(annotation_digests))
    )
    # !r keeps floats exact (shortest round-trip form), unlike the databases' text casts, and
    # quotes the state; ints, None and hex digests cannot contain the separators, and the
    # notes come last.
    fingerprint = context.copy()
    fingerprint.update(f"{pk}|{width}|{height}|{state!r}|{agreement!r}|{digest}|{notes}".encode())
    return fingerprint.digest()


def _annotations(item_ids: list[int], fields: tuple[str, ...]) -> QuerySet:
    """Non-rejected annotations of a chunk of items (ids ascending), and maybe others.

    A dense chunk is asked for by id range, not ``IN (2000 ids)``: the same index scan,
    without a query of thousands of parameters (the caller drops rows outside the chunk).
    A sparse one (an incremental snapshot's changed items) by ``IN``, not the whole range.
    """
    rows = Annotation.objects.exclude(status=Annotation.Status.REJECTED)
    if item_ids[-1] - item_ids[0] < 4 * len(item_ids):
        rows = rows.filter(item_id__gte=item_ids[0], item_id__lte=item_ids[-1])
    else:
        rows = rows.filter(item_id__in=item_ids)
    return rows.annotate(note=_note()).values_list("item_id", *fields)


def _annotations_by_item(
    item_ids: list[int],
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[str]]]:
    """The annotations of a chunk of items grouped by item, and their digests, from one
    statement: a document and its fingerprint always come from the same rows."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    digests: dict[int, list[str]] = defaultdict(list)
    wanted = set(item_ids)
    fields = ("user__username", "status", "result", "note")
    for item_id, username, status, result, note in _annotations(item_ids, fields):
        if item_id in wanted:
            grouped[item_id].append({"annotator": username, "status": status, "result": result})
            digests[item_id].append(note)
    for notes in grouped.values():
        notes.sort(key=lambda a: a["annotator"])
    return grouped, digests


def _annotation_digests(item_ids: list[int]) -> dict[int, list[str]]:
    """Notes by item id: of the chunk's items, and maybe of others (never looked up)."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for item_id, note in _annotations(item_ids, ("note",)):
        grouped[item_id].append(note)
    return grouped


def _chunks(
    queries: list[QuerySet], fields: tuple[str, ...], size: int = CHUNK
) -> Iterator[list[tuple]]:
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
            first, *rest = (part[:size] for part in parts)
            chunk = list(first.union(*rest, all=True).order_by("pk")[:size])
        else:
            chunk = list(heapq.merge(*(part[:size] for part in parts)))[:size]
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _included(project: Project, include: str, only: Collection[int] | None) -> Iterator[list]:
    """The item queries whose union is the snapshot's candidates, per batch of ``only``.

    ``accepted``: items with a reviewer-accepted annotation (those without a final label are
    dropped by the caller). ``completed``: items that have all k annotations. A batch of
    ``only`` is one query by primary key: the per-state index walks would read every
    candidate of the project to find a thousand scattered ones.
    """
    items = Item.objects.filter(project=project)
    if include == "completed":
        states = (Item.State.SUBMITTED, Item.State.DONE)
        queries = [items.filter(state=state) for state in states]
        candidates = items.filter(state__in=states)
    else:
        accepted = Annotation.objects.filter(item=OuterRef("pk"), status=Annotation.Status.ACCEPTED)
        queries = [candidates := items.filter(Exists(accepted))]
    if only is None:
        yield queries
        return
    wanted = sorted(only)
    for start in range(0, len(wanted), CHUNK):
        yield [candidates.filter(pk__in=wanted[start : start + CHUNK])]


def project_fingerprints(project: Project, *, include: str) -> Iterator[list[tuple[int, bytes]]]:
    """(item id, fingerprint) of every candidate item of one project, in id order, a chunk
    (a list) at a time.

    Reads only ids, scalars and digests: what ``project_records`` would build documents from
    is not fetched. Candidates include ``accepted`` items without a final label, which
    ``project_records`` drops: they are simply never recorded, so always rebuilt.
    """
    context = fingerprint_context(project, include=include)
    for queries in _included(project, include, None):
        for chunk in _chunks(queries, DIGEST_FIELDS, SCAN_CHUNK):
            digests = _annotation_digests([row[0] for row in chunk])
            yield [
                (row[0], item_fingerprint(context, row, digests.get(row[0], []))) for row in chunk
            ]


def project_records(
    project: Project, *, include: str, only: Collection[int] | None = None
) -> Iterator[ItemRecord]:
    """Items of one project that belong in a snapshot, with their final label, in id order.

    ``only`` limits the read to those item ids (an incremental snapshot's changed items).
    Each record's fingerprint is computed from the very rows its document is built from.
    """
    schema = project_schema(project)
    context = fingerprint_context(project, include=include)
    for queries in _included(project, include, only):
        for chunk in _chunks(queries, ITEM_FIELDS):
            yield from _records(project, include, schema, context, chunk)


def _records(
    project: Project, include: str, schema: Any, context: Any, chunk: list[tuple]
) -> Iterator[ItemRecord]:
    by_item, digests = _annotations_by_item([row[0] for row in chunk])
    for row in chunk:
        pk, external_id, text, sha, ext, width, height, meta, state, agreement, digest = row
        notes = by_item.get(pk, [])
        label = final_result(
            schema=schema,
            annotations=[(a["status"], a["result"]) for a in notes],
            review_required=include == "accepted",
        )
        if label is None and include == "accepted":
            continue
        fingerprint = item_fingerprint(
            context, (pk, width, height, state, agreement, digest), digests.get(pk, [])
        )
        yield ItemRecord(
            project_id=project.pk, item_id=pk, external_id=external_id, kind=project.kind,
            text=text, media_sha256=sha, media_ext=ext, width=width, height=height,
            meta=meta, state=state, agreement=agreement, label=label,
            annotations=notes,
            fingerprint=fingerprint,
        )  # fmt: skip
