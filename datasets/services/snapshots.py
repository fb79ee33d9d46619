"""Snapshots: write the final labels of source projects onto a dataset branch, atomically.

The work is staged on a branch of its own (``annolake-job-<id>``), committed there and then
merged into the target branch, so readers of the target never see half a snapshot
(RELIABILITY.md 0.1). Items are canonical bytes, so only objects whose checksum differs
from the job branch's listing are uploaded, media at most once per repository, and a
snapshot of unchanged labels commits nothing. The job id is the idempotency key of the
commit and the merge: a retried job finds its earlier commit instead of committing twice.

Incremental: when the job branch provably holds a recorded snapshot commit's objects
(snapshot_records.py), only items whose fingerprint (selectors.py) changed are read and
rebuilt; the others are carried over from the record, and the result is byte for byte the
full snapshot's. Otherwise every item is rebuilt and compared with the branch's listing.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
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
    label_keys,
    media_path,
)
from datasets.models import Dataset
from datasets.selectors import INCLUDE, project_fingerprints, project_records
from datasets.services.snapshot_records import (
    State,
    Table,
    is_managed,
    record_find,
    record_save,
)
from datasets.stores import get_version_store
from datasets.stores.base import (
    AlreadyExists,
    MergeConflict,
    NoChanges,
    StoreUnavailable,
    VersionStore,
    content_checksum,
)
from labeling.models import Project, media_key
from labeling.schemas import parse_schema, schema_hash

JOB_KIND = "datasets.build_snapshot"
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


@dataclass
class _Plan:
    """What the work branch holds before staging, and which items to rebuild.

    Full: ``listing`` (managed path -> checksum, from the store) and every item rebuilt.
    Incremental: ``base`` (the record the branch provably holds), the ``kept`` rows of it
    whose fingerprints are unchanged, the item ids to ``rebuild`` per project, and the
    ``previous`` row of those the base has.
    """

    mode: str
    listing: dict[str, str] = field(default_factory=dict)
    base: State | None = None
    kept: list[int] = field(default_factory=list)
    rebuild: dict[int, list[int]] | None = None
    previous: dict[int, int] = field(default_factory=dict)

    def checksum(self, item_id: int, project_id: int, path: str) -> str | None:
        """The checksum of the item's object on the work branch, None if there is none."""
        if self.base is None:
            return self.listing.get(path)
        row = self.previous.get(item_id)
        if row is None or self.base.table.projects[row] != project_id:
            return None
        return self.base.table.checksum(row)

    def has_media(self, path: str) -> bool:
        if self.base is None:
            return path in self.listing
        return path in self.base_media

    @cached_property
    def base_media(self) -> set[str]:
        return set(self.base.table.media.values()) if self.base else set()

    def card(self) -> str | None:
        return self.listing.get(CARD_PATH) if self.base is None else self.base.card

    def stale(self, table: Table) -> list[str]:
        """Managed objects on the work branch that the new state no longer has."""
        media = set(table.media.values())
        if self.base is None:
            keep = {item_path(p, i) for i, p in zip(table.ids, table.projects, strict=True)}
            keep |= media
            return [p for p in self.listing if p != CARD_PATH and p not in keep]
        new = dict(zip(table.ids, table.projects, strict=True))
        base = self.base.table
        stale = [
            item_path(project_id, item_id)
            for item_id, project_id in zip(base.ids, base.projects, strict=True)
            if new.get(item_id) != project_id
        ]
        return stale + sorted(self.base_media - media)


def _full_plan(store: VersionStore, repo: str, work: str) -> _Plan:
    listing = store.list_objects(repo, work)
    return _Plan("full", {info.path: info.checksum for info in listing if is_managed(info.path)})


def _incremental_plan(
    base: State, projects: list[Project], include: str, progress: Progress
) -> _Plan:
    """Keep every recorded item whose fingerprint is unchanged; rebuild the rest."""
    rebuild: dict[int, list[int]] = {}
    plan = _Plan("incremental", base=base, rebuild=rebuild)
    done = 0
    for project in projects:
        ids, fingerprints = project_fingerprints(project, include=include)
        kept, rebuild[project.pk], previous = base.table.match(ids, fingerprints, project.pk)
        plan.kept += kept
        plan.previous.update(previous)
        done += len(ids)
        progress.set(done, message=f"Compared {done} items")
    return plan


def _objects(
    projects: list[Project], include: str, plan: _Plan, table: Table, progress: Progress
) -> Iterator[tuple[str, bytes]]:
    """Changed objects to upload; adds every item the snapshot rebuilt to ``table``."""
    done, media = 0, set[str]()
    for project in projects:
        only = None if plan.rebuild is None else plan.rebuild[project.pk]
        for record in project_records(project, include=include, only=only):
            path = item_path(record.project_id, record.item_id)
            data = canonical_bytes(item_document(record))
            checksum = content_checksum(data)
            target = ""
            if plan.checksum(record.item_id, record.project_id, path) != checksum:
                yield path, data
            if record.media_sha256:
                target = media_path(record.media_sha256, record.media_ext)
                if target not in media and not plan.has_media(target):
                    with default_storage.open(
                        media_key(record.media_sha256, record.media_ext)
                    ) as f:
                        yield target, f.read()
                media.add(target)
            table.add(
                record.item_id, record.project_id, record.fingerprint, checksum,
                label_keys(record.label), target,
            )  # fmt: skip
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress.set(done, message=f"Prepared {done} items")
    progress.set(done, message=f"Prepared {done} items")


def _totals(table: Table) -> CardTotals:
    totals = CardTotals()
    rows = Counter(zip(table.projects, table.groups, strict=True))
    for (project_id, group), times in rows.items():
        totals.add_keys(project_id, table.keys[group], times)
    return totals


def _plan(
    store: VersionStore, dataset: Dataset, work: str, fresh: bool, params: dict[str, Any],
    projects: list[Project], progress: Progress,
) -> _Plan:  # fmt: skip
    """Incremental when the work branch is new and its content is a recorded commit's."""
    if fresh:
        head = store.branch_head(dataset.repository, work)
        base = record_find(store=store, dataset=dataset, head=head)
        if base is not None:
            return _incremental_plan(base, projects, params["include"], progress)
    return _full_plan(store, dataset.repository, work)


def _same_tree_after_merge(store: VersionStore, repo: str, made: str, merged: str) -> bool:
    """Whether merging commit ``made`` gave ``merged`` exactly ``made``'s content.

    True when the target had not moved since the work branch left it: its head before the
    merge (``merged``'s first parent) is ``made``'s parent, the merge base, and a three-way
    merge onto an unchanged base takes the source whole. Recording ``merged`` instead spares
    the next snapshot a diff of the two commits.
    """
    made_parents = store.get_commit(repo, made).parents
    merged_parents = store.get_commit(repo, merged).parents
    return (
        len(made_parents) == 1
        and len(merged_parents) == 2
        and merged_parents == (made_parents[0], made)
    )


class _Laps(dict[str, float]):
    """Seconds per phase, for the job's result: where a slow snapshot spent its time."""

    def __init__(self) -> None:
        super().__init__()
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self[name] = round(self.get(name, 0.0) + now - self._last, 3)
        self._last = now


def snapshot_build(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    laps = _Laps()
    dataset = Dataset.objects.get(pk=params["dataset_id"])
    projects = list(Project.objects.filter(pk__in=params["projects"]).order_by("pk"))
    store = get_version_store()
    repo, target, key = dataset.repository, params["branch"], f"snapshot-job-{job.pk}"
    work = f"annolake-job-{job.pk}"
    try:
        store.ensure_repository(repo)
        # Made by an earlier attempt of this job (or the target exists already).
        with contextlib.suppress(AlreadyExists):
            store.create_branch(repo, target, source=params["from"])
        try:
            store.create_branch(repo, work, source=target)
            fresh = True
        except AlreadyExists:
            fresh = False  # an earlier attempt's branch: it may hold staged changes
        plan = _plan(store, dataset, work, fresh, params, projects, progress)
        laps.lap("plan")
        table = Table()
        uploads = store.put_many(
            repo, work, _objects(projects, params["include"], plan, table, progress)
        )
        rebuilt = len(table)
        if plan.base is not None:
            table.copy_rows(plan.base.table, plan.kept)
        totals = _totals(table)
        sources = [
            {"id": p.pk, "name": p.name, "kind": p.kind, "label_schema": p.label_schema}
            for p in projects
        ]
        card = canonical_bytes(
            dataset_card(
                name=dataset.name, sources=sources, totals=totals, include=params["include"]
            )
        )
        card_checksum = content_checksum(card)
        card_changed = plan.card() != card_checksum
        if card_changed:
            store.put(repo, work, CARD_PATH, card, content_type="application/json")
        stale = plan.stale(table)
        store.delete_many(repo, work, stale)
        laps.lap("stage")
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
        summary = {
            "mode": plan.mode,
            "rebuilt": rebuilt,
            "items": sum(totals.items.values()),
            "seconds": laps,
        }
        try:
            made = store.commit(
                repo, work, params["message"], metadata=metadata, idempotency_key=key
            )
        except NoChanges:
            # The work branch's head already holds exactly this content: record it as such.
            head = store.branch_head(repo, work)
            record_save(dataset=dataset, commit=head, table=table, card=card_checksum)
            store.delete_branch(repo, work)
            return {
                **summary,
                "changed": False,
                "commit": store.branch_head(repo, target),
                "uploaded": 0,
                "deleted": 0,
            }
        laps.lap("commit")
        # A commit found by its key (a retry) is this content only if nothing came after it.
        recorded = made if made == store.branch_head(repo, work) else None
        try:
            merged = store.merge(
                repo,
                work,
                target,
                message=params["message"],
                metadata=metadata,
                idempotency_key=key,
            )
        except MergeConflict as exc:
            # The target moved since the job branch was made (another snapshot or merge
            # landed). Merging anyway would mix two snapshots; start again from the new
            # head instead: the retry uploads only what differs from it.
            store.delete_branch(repo, work)
            raise TransientJobError(f"{target} moved during the snapshot: {exc}") from exc
        store.delete_branch(repo, work)
        laps.lap("merge")
        if recorded and _same_tree_after_merge(store, repo, made, merged):
            recorded = merged  # the next snapshot starts from it, sparing it a diff
        if recorded:
            record_save(dataset=dataset, commit=recorded, table=table, card=card_checksum)
        laps.lap("record")
    except StoreUnavailable as exc:
        raise TransientJobError(str(exc)) from exc
    return {
        **summary,
        "changed": True,
        "commit": merged,
        "branch": target,
        "labelled": sum(totals.labelled.values()),
        "uploaded": uploads.objects + (1 if card_changed else 0),
        "uploaded_bytes": uploads.bytes,
        "deleted": len(stale),
    }
