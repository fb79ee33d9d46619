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
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
)
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
# Rows of the fingerprint scan handed over by libpq at a time while PostgreSQL streams them.
SCAN_BATCH = 2000
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


def _note(relation: str = "") -> Concat:
    """One annotation's part of its item's fingerprint, made by the database: its fixed-width
    ``content_digest``, then its annotator's name length-prefixed, so a list of them joined
    by commas decodes unambiguously. ``relation``: the path to the annotation, if any."""
    name = F(f"{relation}user__username")
    return Concat(
        f"{relation}content_digest", Cast(Length(name), CharField()), Value(":"), name,
        output_field=TextField(),
    )  # fmt: skip


def item_fingerprint(context: Any, row: Sequence[Any], annotation_digests: list[str]) -> bytes:
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


def _candidates(project: Project, include: str) -> QuerySet:
    """The snapshot's candidate items. ``accepted``: items with a reviewer-accepted
    annotation (those without a final label are dropped by the caller). ``completed``: items
    that have all k annotations."""
    items = Item.objects.filter(project=project)
    if include == "completed":
        return items.filter(state__in=(Item.State.SUBMITTED, Item.State.DONE))
    accepted = Annotation.objects.filter(item=OuterRef("pk"), status=Annotation.Status.ACCEPTED)
    return items.filter(Exists(accepted))


def _included(project: Project, include: str, only: Collection[int] | None) -> Iterator[list]:
    """The item queries whose union is the candidates, per batch of ``only``.

    All of them: one query per state, each walking its own index range in id order (see
    ``_chunks``). A batch of ``only`` is one query by primary key: the per-state index walks
    would read every candidate of the project to find a thousand scattered ones.
    """
    candidates = _candidates(project, include)
    if only is not None:
        wanted = sorted(only)
        for start in range(0, len(wanted), CHUNK):
            yield [candidates.filter(pk__in=wanted[start : start + CHUNK])]
    elif include == "completed":
        items = Item.objects.filter(project=project)
        yield [items.filter(state=state) for state in (Item.State.SUBMITTED, Item.State.DONE)]
    else:
        yield [candidates]


def project_fingerprints(project: Project, *, include: str) -> tuple[array[int], bytearray]:
    """The ids of every candidate item of one project, in order, and their fingerprints
    (16 bytes each, in the same order).

    One statement joins items to their non-rejected annotations (so every fingerprint comes
    from one consistent read), and PostgreSQL streams its rows while they are hashed here:
    the database's work and ours overlap. Reads only ids, scalars and digests. Candidates
    include ``accepted`` items without a final label, which ``project_records`` drops: they
    are simply never recorded, so always rebuilt.
    """
    context = fingerprint_context(project, include=include)
    rows = (
        _candidates(project, include)
        .annotate(
            live=FilteredRelation(
                "annotations", condition=~Q(annotations__status=Annotation.Status.REJECTED)
            ),
            note=_note("live__"),
        )
        .order_by("pk")
        .values_list(*DIGEST_FIELDS, "live__content_digest", "note")
    )
    ids, fingerprints = array("q"), bytearray()
    width = len(DIGEST_FIELDS)
    for pk, group in groupby(_stream(rows), key=itemgetter(0)):  # an item's rows are adjacent
        item_rows = list(group)
        notes = [row[-1] for row in item_rows if row[width] is not None]
        ids.append(pk)
        fingerprints += item_fingerprint(context, item_rows[0][:width], notes)
    return ids, fingerprints


def _stream(rows: QuerySet) -> Iterator[tuple]:
    """The rows of one query as the database produces them, on Django's connection (and so
    in its transaction); nothing else may use the connection until they are all read."""
    sql, params = rows.query.sql_with_params()
    if connection.vendor == "postgresql":
        import psycopg

        # Rows in batches need libpq 17 (psycopg[binary] bundles a newer one); one at a
        # time is slower but streams as well.
        size = SCAN_BATCH if psycopg.pq.version() >= 170000 else 1
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            yield from cursor.stream(sql, params, size=size)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(SCAN_BATCH):
            yield from batch


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
