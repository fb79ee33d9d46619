"""Creating datasets and their branches, and checking who may work on them."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db import transaction

from core.errors import Conflict, NotFound, PermissionDenied, ServiceUnavailable, ValidationFailed
from core.models import Job
from datasets.models import Dataset
from datasets.services.snapshots import JOB_KIND as SNAPSHOT_JOB_KIND
from datasets.stores import get_version_store
from datasets.stores.base import AlreadyExists, InvalidRequest, Ref, StoreUnavailable
from datasets.stores.base import NotFound as StoreNotFound
from datasets.stores.validation import validate_branch
from labeling.models import Project, Role
from labeling.selectors import project_role

# lakeFS repository ids: 3-63 chars of lowercase letters, digits and dashes.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{2,62}")


def require_dataset_manager(*, user: User, dataset: Dataset) -> None:
    """Datasets are managers' business: a manager of every source project (or a site admin)."""
    roles = [
        project_role(user=user, project_id=pk)
        for pk in dataset.projects.values_list("pk", flat=True)
    ]
    if not roles or any(role is None for role in roles):
        raise NotFound("No such dataset.", field="slug")
    if any(role != Role.MANAGER for role in roles):
        raise PermissionDenied("Only managers of the source projects can work on this dataset.")


@transaction.atomic
def dataset_create(
    *, slug: str, name: str, project_ids: list[int], created_by: User, description: str = ""
) -> Dataset:
    if not _SLUG.fullmatch(slug):
        raise ValidationFailed(
            "3-63 lowercase letters, digits and dashes, starting with a letter or digit",
            field="slug",
        )
    if not project_ids:
        raise ValidationFailed("name at least one source project", field="projects")
    projects = list(Project.objects.filter(pk__in=project_ids))
    if len(projects) != len(set(project_ids)):
        raise ValidationFailed("unknown project", field="projects")
    for project in projects:
        if project_role(user=created_by, project_id=project.pk) != Role.MANAGER:
            raise PermissionDenied(
                f"You are not a manager of project {project.pk}.", field="projects"
            )
    if Dataset.objects.filter(slug=slug).exists():
        raise Conflict("A dataset with this slug exists.", field="slug", code="exists")
    dataset = Dataset.objects.create(
        slug=slug,
        name=name,
        description=description,
        created_by=created_by,
        split_ratios={"train": 0.8, "val": 0.1, "test": 0.1},
    )
    dataset.projects.set(projects)
    return dataset


RESERVED_BRANCH_PREFIX = "annolake-job-"  # a snapshot job's staging branch (snapshots.py)


def _store_branch_name(name: str) -> str:
    if not name:
        raise ValidationFailed("name the branch", field="name")
    if name.startswith(RESERVED_BRANCH_PREFIX):
        raise ValidationFailed(
            f"{RESERVED_BRANCH_PREFIX}* is reserved for snapshot jobs", field="name"
        )
    try:
        return validate_branch(name)
    except InvalidRequest:
        raise ValidationFailed(
            "letters, digits, '_' and '-', starting with a letter or digit", field="name"
        ) from None


def branch_create(*, dataset: Dataset, name: str, source: str = "main") -> Ref:
    """Create branch ``name`` at the committed state of ``source`` (a branch, tag or commit)."""
    name = _store_branch_name(name)
    store = get_version_store()
    try:
        # Nothing snapshotted yet: the repository (and its empty main) is made here.
        store.ensure_repository(dataset.repository)
        commit = store.create_branch(dataset.repository, name, source=source or "main")
    except AlreadyExists:
        raise Conflict(f"Branch {name!r} exists.", field="name", code="exists") from None
    except (StoreNotFound, InvalidRequest):
        raise ValidationFailed(f"no branch, tag or commit {source!r}", field="from") from None
    except StoreUnavailable as exc:
        raise ServiceUnavailable(f"The version store is unavailable: {exc.message}") from exc
    return Ref(name, commit)


def branch_delete(*, dataset: Dataset, name: str) -> None:
    """Delete a labeling-round branch; its commits stay reachable from tags and merges.

    ``main`` holds the released history and a job's staging branch belongs to its job, so
    neither can be deleted here; nor can a branch a snapshot is still being written into.
    """
    if name.startswith(RESERVED_BRANCH_PREFIX):
        raise ValidationFailed(
            f"{RESERVED_BRANCH_PREFIX}* branches belong to snapshot jobs", field="name"
        )
    store = get_version_store()
    try:
        default = store.ensure_repository(dataset.repository).default_branch
        if name == default:
            raise Conflict(
                f"{name!r} holds the released history and cannot be deleted.",
                field="name",
                code="protected_branch",
            )
        store.branch_head(dataset.repository, name)
    except (StoreNotFound, InvalidRequest):
        raise NotFound(f"No branch {name!r}.", field="name") from None
    except StoreUnavailable as exc:
        raise ServiceUnavailable(f"The version store is unavailable: {exc.message}") from exc
    active = Job.objects.filter(
        kind=SNAPSHOT_JOB_KIND,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        params__dataset_id=dataset.pk,
        params__branch=name,
    )
    if active.exists():
        raise Conflict(
            f"A snapshot into {name!r} is still running; delete the branch when it is done.",
            field="name",
            code="snapshot_running",
        )
    try:
        store.delete_branch(dataset.repository, name)
    except StoreUnavailable as exc:
        raise ServiceUnavailable(f"The version store is unavailable: {exc.message}") from exc
