"""Snapshots: write the final labels of source projects onto a dataset branch, atomically.

The work is staged on a branch of its own (``annolake-job-<id>``), committed there and then
merged into the target branch, so readers of the target never see half a snapshot
(RELIABILITY.md 0.1). Items are canonical bytes, so only objects whose checksum differs
from the job branch's listing are uploaded, media at most once per repository, and a
snapshot of unchanged labels commits nothing. The job id is the idempotency key of the
commit and the merge: a retried job finds its earlier commit instead of committing twice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction

from core.errors import ValidationFailed
from core.jobs import Progress, TransientJobError, job_create
from core.models import Job
from datasets.layout import (
    CARD_PATH,
    CardTotals,
    canonical_bytes,
    dataset_card,
    item_document,
    item_path,
    media_path,
)
from datasets.models import Dataset
from datasets.selectors import INCLUDE, project_records
from datasets.stores import get_version_store
from datasets.stores.base import AlreadyExists, NoChanges, StoreUnavailable, content_checksum
from labeling.models import Project, media_key
from labeling.schemas import parse_schema, schema_hash

JOB_KIND = "datasets.build_snapshot"
MANAGED_PREFIXES = ("items/", "media/", CARD_PATH)
# A progress message is written to the job row at once (not throttled): every 1,000 items.
PROGRESS_EVERY = 1000


def snapshot_start(
    *,
    dataset: Dataset,
    branch: str,
    message: str,
    created_by: User,
    source: str | None = None,
    project_ids: list[int] | None = None,
    include: str = "accepted",
) -> Job:
    """Validate the request and queue the snapshot job."""
    if include not in INCLUDE:
        raise ValidationFailed("must be 'accepted' or 'completed'", field="include")
    sources = set(dataset.projects.values_list("pk", flat=True))
    chosen = project_ids or sorted(sources)
    unknown = [pk for pk in chosen if pk not in sources]
    if unknown:
        raise ValidationFailed(
            f"not a source project of this dataset: {unknown[0]}", field="projects"
        )
    if not branch or branch.startswith("annolake-job-"):
        raise ValidationFailed("pick a branch name (annolake-job-* is reserved)", field="branch")
    with transaction.atomic():
        return job_create(
            kind=JOB_KIND,
            params={
                "dataset_id": dataset.pk,
                "branch": branch,
                "from": source or "main",
                "message": message or f"Snapshot of {len(chosen)} project(s)",
                "projects": chosen,
                "include": include,
            },
            created_by=created_by,
            message="Waiting for a worker",
        )


def _objects(
    projects: list[Project],
    include: str,
    existing: dict[str, str],
    totals: CardTotals,
    seen: set[str],
    progress: Progress,
) -> Iterator[tuple[str, bytes]]:
    """Changed objects to upload; records every path the snapshot keeps in ``seen``."""
    done = 0
    for project in projects:
        for record in project_records(project, include=include):
            path = item_path(record.project_id, record.item_id)
            data = canonical_bytes(item_document(record))
            seen.add(path)
            totals.add(record)
            if existing.get(path) != content_checksum(data):
                yield path, data
            if record.media_sha256:
                target = media_path(record.media_sha256, record.media_ext)
                if target not in seen and target not in existing:
                    with default_storage.open(
                        media_key(record.media_sha256, record.media_ext)
                    ) as f:
                        yield target, f.read()
                seen.add(target)
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress.set(done, message=f"Prepared {done} items")
    progress.set(done, message=f"Prepared {done} items")


def snapshot_build(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    dataset = Dataset.objects.get(pk=params["dataset_id"])
    projects = list(Project.objects.filter(pk__in=params["projects"]).order_by("pk"))
    store = get_version_store()
    repo, target, key = dataset.repository, params["branch"], f"snapshot-job-{job.pk}"
    work = f"annolake-job-{job.pk}"
    try:
        store.ensure_repository(repo)
        for name, source in ((target, params["from"]), (work, target)):
            # Made by an earlier attempt of this job (or the target exists already).
            with contextlib.suppress(AlreadyExists):
                store.create_branch(repo, name, source=source)
        existing = {info.path: info.checksum for info in store.list_objects(repo, work)}
        totals, seen = CardTotals(), set[str]()
        uploads = store.put_many(
            repo, work, _objects(projects, params["include"], existing, totals, seen, progress)
        )
        sources = [
            {"id": p.pk, "name": p.name, "kind": p.kind, "label_schema": p.label_schema}
            for p in projects
        ]
        card = canonical_bytes(
            dataset_card(
                name=dataset.name, sources=sources, totals=totals, include=params["include"]
            )
        )
        if existing.get(CARD_PATH) != content_checksum(card):
            store.put(repo, work, CARD_PATH, card, content_type="application/json")
        stale = [p for p in existing if p.startswith(MANAGED_PREFIXES[:2]) and p not in seen]
        store.delete_many(repo, work, stale)
        metadata = {
            "annolake.job": str(job.pk),
            "annolake.projects": ",".join(str(p.pk) for p in projects),
            "annolake.items": str(sum(totals.items.values())),
            "annolake.labelled": str(sum(totals.labelled.values())),
            "annolake.include": params["include"],
            "annolake.schema_hash": ",".join(
                schema_hash(parse_schema(p.label_schema, kind=p.kind)) for p in projects
            ),
            "annolake.by": job.created_by.username if job.created_by else "",
        }
        try:
            store.commit(repo, work, params["message"], metadata=metadata, idempotency_key=key)
        except NoChanges:
            store.delete_branch(repo, work)
            return {
                "changed": False,
                "commit": store.branch_head(repo, target),
                "items": sum(totals.items.values()),
                "uploaded": 0,
                "deleted": 0,
            }
        merged = store.merge(
            repo, work, target, message=params["message"], metadata=metadata, idempotency_key=key
        )
        store.delete_branch(repo, work)
    except StoreUnavailable as exc:
        raise TransientJobError(str(exc)) from exc
    return {
        "changed": True,
        "commit": merged,
        "branch": target,
        "items": sum(totals.items.values()),
        "labelled": sum(totals.labelled.values()),
        "uploaded": uploads.objects
        + (1 if existing.get(CARD_PATH) != content_checksum(card) else 0),
        "uploaded_bytes": uploads.bytes,
        "deleted": len(stale),
    }
