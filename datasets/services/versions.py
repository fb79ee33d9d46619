"""Releases: immutable tags v1, v2, ... on commits of main, with notes, counts and labels."""

from __future__ import annotations

import json

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from core.errors import Conflict, ValidationFailed
from core.jobs import job_create
from datasets.layout import CARD_PATH
from datasets.models import Dataset, Version
from datasets.services.prebuild import JOB_KIND as PREBUILD_JOB
from datasets.stores import get_version_store
from datasets.stores.base import AlreadyExists
from datasets.stores.base import NotFound as StoreNotFound


def version_release(*, dataset: Dataset, user: User, notes: str = "", ref: str = "main") -> Version:
    """Tag ``ref`` (main's head by default; any commit already in main) as the next version,
    and queue the building of its exports (a version is released to be trained on)."""
    store, repo = get_version_store(), dataset.repository
    try:
        commit = store.resolve(repo, ref)
        main = store.resolve(repo, "main")
        if commit != main and store.merge_base(repo, commit, "main") != commit:
            raise ValidationFailed("only commits on main can be released", field="ref")
        with store.open(repo, commit, CARD_PATH) as f:
            card = json.loads(f.read())
    except StoreNotFound as exc:
        raise ValidationFailed(
            "nothing released on main yet: merge a snapshot first", field="ref"
        ) from exc
    if Version.objects.filter(dataset=dataset, commit=commit).exists():
        raise Conflict("This commit is already a version.", code="already_released", field="ref")
    name = f"v{Version.objects.filter(dataset=dataset).count() + 1}"
    try:
        with transaction.atomic():
            version = Version.objects.create(
                dataset=dataset,
                name=name,
                commit=commit,
                notes=notes,
                created_by=user,
                counts=card.get("counts", {}),
                label_histogram=card.get("label_histogram", {}),
            )
            store.create_tag(repo, name, commit)
            job_create(
                kind=PREBUILD_JOB,
                params={"dataset_id": dataset.pk, "commit": commit},
                created_by=user,
                message="Waiting for a worker",
            )
    except (IntegrityError, AlreadyExists) as exc:
        raise Conflict("Another release took this version name; try again.", code="race") from exc
    return version
