"""Creating datasets and checking who may work on them."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db import transaction

from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from datasets.models import Dataset
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
