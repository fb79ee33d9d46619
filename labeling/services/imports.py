"""Imports: text items, images and pre-annotations, validated whole and then written whole.

Every import has two phases. The first reads the input once, as a stream, and checks every
row; problems are collected (not raised at the first) so the answer lists them all. Only
when nothing is wrong does the second phase write, in one transaction: an import is either
all there or not there at all. Large inputs are staged to storage and imported by a job
that runs the very same functions; the job records its report in the same transaction as
the items, so a job retried after a crash returns that report instead of importing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from core.errors import ApplicationError, ValidationFailed
from core.jobs import Progress, job_create
from core.models import Job
from labeling.imports import jsonstream
from labeling.imports.coco import coco_preannotations
from labeling.imports.images import (
    ImageSource,
    count_upload_images,
    inspect_images,
    source_storage,
    storage_sources,
    store_image,
    upload_sources,
)
from labeling.imports.loader import RowSpool
from labeling.imports.paths import join_prefix, prefix_problem
from labeling.imports.preannotations import jsonl_preannotations
from labeling.imports.problems import MAX_LISTED, ImportTooLarge, Problems
from labeling.imports.rows import relaxed, text_row
from labeling.imports.staging import delete_staged, open_staged, stage_upload, staged_ext
from labeling.imports.streams import LimitedReader, Readable, decode_chunks
from labeling.imports.textformats import iter_jsonl, iter_rows
from labeling.models import Project
from labeling.schemas import parse_schema
from labeling.services.items import (
    items_create_images,
    items_set_pre_annotations,
    require_kind,
    text_rows_load,
)

JOB_KIND = "labeling.import_items"
PROGRESS_EVERY = 1000
OnProgress = Callable[[int], None]
UserLike = User | AnonymousUser | None


def _record(job_id: int | None, report: dict[str, Any]) -> None:
    """Store the report on the job row in the import's own transaction (see module doc)."""
    if job_id is not None:
        Job.objects.filter(pk=job_id).update(result=report)


def check_size(size: int | None, *, field: str | None = None) -> None:
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise ImportTooLarge(
            f"the import is {size} bytes; the limit is {settings.IMPORT_MAX_BYTES} bytes",
            field=field,
        )


def items_import(
    *,
    project: Project,
    stream: Readable,
    fmt: str,
    on_progress: OnProgress | None = None,
    job_id: int | None = None,
) -> dict[str, Any]:
    """Import text items from a JSON array, JSONL or CSV stream, all rows or none."""
    require_kind(project, Project.Kind.TEXT)
    schema = relaxed(parse_schema(project.label_schema, kind=project.kind))
    problems = Problems()
    salt = uuid.uuid4().hex
    spool = RowSpool()
    try:
        chunks = decode_chunks(LimitedReader(stream, settings.IMPORT_MAX_BYTES))
        seen = 0
        for row, raw in iter_rows(chunks, fmt, problems):
            normal = text_row(raw, row, schema, problems)
            if normal is not None and not problems:
                spool.write(normal.staged(project.pk, salt))  # once anything is wrong, only check
            seen += 1
            if on_progress is not None and seen % PROGRESS_EVERY == 0:
                on_progress(seen)
        if on_progress is not None:
            on_progress(seen)
        problems.raise_if_any()
        with transaction.atomic():
            loaded = text_rows_load(project=project, spool=spool)
            report = {
                "created": loaded.created,
                "skipped_duplicates": loaded.skipped_duplicates,
                "rejected": [],
                "pre_annotations": loaded.pre_annotations,
            }
            _record(job_id, report)
    finally:
        spool.close()
    return report


def images_import(
    *,
    project: Project,
    sources: Callable[[Problems], Iterable[ImageSource]],
    user: UserLike,
    on_progress: OnProgress | None = None,
    job_id: int | None = None,
) -> dict[str, Any]:
    """Import images all or none; media is stored only once every image has passed."""
    require_kind(project, Project.Kind.IMAGE)
    problems = Problems()
    found, duplicates = inspect_images(sources(problems), problems, on_progress)
    problems.raise_if_any()
    if not found and not duplicates:
        raise ValidationFailed("nothing to import: no images found", field="file")
    for source, candidate in found:
        store_image(source, candidate)  # content-addressed: a retry rewrites the same keys
    with transaction.atomic():
        candidates = [candidate for _, candidate in found]
        created, existing, thumbnails = items_create_images(
            project=project, candidates=candidates, user=user
        )
        duplicates = existing + duplicates
        report = {
            "created": created,
            "skipped_duplicates": len(duplicates),
            "duplicates": duplicates[:MAX_LISTED],
            "rejected": [],
            "pre_annotations": 0,
            "thumbnail_job": thumbnails.pk if thumbnails else None,
        }
        _record(job_id, report)
    return report


def import_job_start(*, project: Project, params: dict[str, Any], user: UserLike) -> Job:
    return job_create(
        kind=JOB_KIND,
        params={"project_id": project.pk, **params},
        created_by=user,
        message="Waiting for a worker",
    )


def progress_callback(progress: Progress) -> OnProgress:
    return lambda done: progress.set(done)


# --- requests: run now, or stage and hand to a job ----------------------------------------


def import_text_request(
    *, project: Project, stream: Readable, size: int, fmt: str, user: UserLike
) -> dict[str, Any] | Job:
    """Import now when small; above IMPORT_SYNC_MAX_BYTES stage the body and start a job."""
    require_kind(project, Project.Kind.TEXT)
    check_size(size)
    if size > settings.IMPORT_SYNC_MAX_BYTES:
        key = stage_upload(stream, fmt)
        return import_job_start(
            project=project, params={"mode": "text", "key": key, "format": fmt}, user=user
        )
    return items_import(project=project, stream=stream, fmt=fmt)


def import_images_request(
    *, project: Project, parts: list[tuple[str, IO[bytes]]], size: int, user: UserLike
) -> dict[str, Any] | Job:
    """Import uploaded images (or zips of them) now, or as a job when there are many."""
    require_kind(project, Project.Kind.IMAGE)
    check_size(size)
    many = count_upload_images(parts) > settings.IMPORT_SYNC_MAX_FILES
    if many or size > settings.IMPORT_SYNC_MAX_BYTES:
        staged = []
        for name, fileobj in parts:
            fileobj.seek(0)
            staged.append({"key": stage_upload(fileobj, staged_ext(name)), "name": name})
        return import_job_start(
            project=project, params={"mode": "upload", "parts": staged}, user=user
        )
    return images_import(
        project=project, sources=lambda problems: upload_sources(parts, problems), user=user
    )


def import_source_request(
    *, project: Project, source: object, prefix: object, user: UserLike
) -> Job:
    """Check a bucket source and prefix, then import everything under it as a job."""
    require_kind(project, Project.Kind.IMAGE)
    source_storage(source)
    if not isinstance(prefix, str):
        raise ValidationFailed("must be a string", field="prefix")
    problem = prefix_problem(prefix)
    if problem:
        raise ValidationFailed(problem, field="prefix")
    params = {"mode": "source", "source": source, "prefix": prefix}
    return import_job_start(project=project, params=params, user=user)


# --- the job ------------------------------------------------------------------------------


def _run_upload_job(job: Job, project: Project, on_progress: OnProgress) -> dict[str, Any]:
    files = [(part["name"], open_staged(part["key"])) for part in job.params["parts"]]
    try:
        return images_import(
            project=project,
            sources=lambda problems: upload_sources(files, problems),
            user=job.created_by,
            on_progress=on_progress,
            job_id=job.pk,
        )
    finally:
        for _, fileobj in files:
            fileobj.close()


def _run_source_job(job: Job, project: Project, on_progress: OnProgress) -> dict[str, Any]:
    storage, root = source_storage(job.params["source"])
    path = join_prefix(root, job.params["prefix"])
    try:
        storage.listdir(path)
    except OSError as exc:
        raise ValidationFailed("nothing can be listed under this prefix", field="prefix") from exc
    return images_import(
        project=project,
        sources=lambda problems: storage_sources(storage, path),
        user=job.created_by,
        on_progress=on_progress,
        job_id=job.pk,
    )


def import_job_run(job: Job, progress: Progress) -> dict[str, Any]:
    """The body of an import job; staged files are deleted once the outcome is final."""
    if isinstance(job.result, dict) and "created" in job.result:
        return job.result  # imported by an attempt that died before finishing the job
    project = Project.objects.filter(pk=job.params["project_id"]).first()
    on_progress = progress_callback(progress)
    try:
        if project is None:
            raise ValidationFailed("the project no longer exists", field="project_id")
        if job.params["mode"] == "text":
            with open_staged(job.params["key"]) as stream:
                report = items_import(
                    project=project,
                    stream=stream,
                    fmt=job.params["format"],
                    on_progress=on_progress,
                    job_id=job.pk,
                )
        elif job.params["mode"] == "upload":
            report = _run_upload_job(job, project, on_progress)
        else:
            report = _run_source_job(job, project, on_progress)
    except ApplicationError:
        delete_staged(job.params)  # rejected: a retry would reject it again
        raise
    delete_staged(job.params)
    progress.set(progress.done, total=progress.done)
    return report


# --- pre-annotations ----------------------------------------------------------------------


def preannotations_import(*, project: Project, stream: Readable, fmt: str) -> dict[str, Any]:
    """Set items' pre-annotations from our JSONL or COCO, all or none."""
    schema = relaxed(parse_schema(project.label_schema, kind=project.kind))
    problems = Problems()
    spool = RowSpool()
    try:
        if fmt == "coco":
            require_kind(project, Project.Kind.IMAGE)
            data = jsonstream.load_document(
                decode_chunks(LimitedReader(stream, settings.IMPORT_COCO_MAX_BYTES))
            )
            pairs: Iterable[tuple[int, str | None]] = coco_preannotations(
                data, project, schema, problems
            )
        else:
            chunks = decode_chunks(LimitedReader(stream, settings.IMPORT_MAX_BYTES))
            pairs = jsonl_preannotations(iter_jsonl(chunks, problems), project, schema, problems)
        for pair in pairs:
            if not problems:
                spool.write(pair)
        problems.raise_if_any()
        updates = ((int(item_id or 0), result) for item_id, result in spool)
        count = items_set_pre_annotations(project=project, updates=updates)
    finally:
        spool.close()
    return {"created": 0, "skipped_duplicates": 0, "rejected": [], "pre_annotations": count}
