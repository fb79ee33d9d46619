"""Prebuilding a released version's exports, so training jobs never wait for a first build."""

from __future__ import annotations

import json
from typing import Any

from core.jobs import Progress
from core.models import Job
from datasets.layout import CARD_PATH
from datasets.models import Dataset
from datasets.services.exports import ExportRequest, export_build
from datasets.services.manifests import version_files
from datasets.stores import get_version_store

JOB_KIND = "datasets.prebuild_exports"
FORMATS_BY_KIND = {"text": ("jsonl", "csv", "parquet"), "image": ("jsonl", "coco", "yolo")}


def prebuild_formats(card: dict[str, Any]) -> list[str]:
    """The label-only exports worth building for the card's sources, in a stable order."""
    kinds = {source.get("kind") for source in card.get("sources", [])}
    wanted = {fmt for kind in kinds for fmt in FORMATS_BY_KIND.get(str(kind), ())}
    return sorted(wanted)


def exports_prebuild(job: Job, progress: Progress) -> dict[str, Any]:
    """Build the manifest and the label-only exports of one commit (already built: skipped)."""
    dataset = Dataset.objects.get(pk=job.params["dataset_id"])
    commit = job.params["commit"]
    card = json.loads(get_version_store().read(dataset.repository, commit, CARD_PATH))
    formats = prebuild_formats(card)
    progress.set(0, total=len(formats) + 1, message="Listing the version's files")
    files = sum(1 for _ in version_files(dataset=dataset, commit=commit))
    built = {}
    for done, fmt in enumerate(formats, start=1):
        progress.set(done, message=f"Building the {fmt} export")
        export = export_build(
            dataset=dataset,
            request=ExportRequest(commit=commit, fmt=fmt, split=None, media=False),
        )
        built[fmt] = {"size": export.size, "sha256": export.sha256}
    progress.set(len(formats) + 1, message="Built")
    return {"commit": commit, "files": files, "exports": built}
