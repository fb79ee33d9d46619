"""Writes for projects and their members."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from core.errors import ValidationFailed
from labeling.models import Membership, Project, Role
from labeling.schemas import parse_schema


@transaction.atomic
def project_create(
    *,
    name: str,
    kind: str,
    label_schema: Any,
    created_by: User,
    description: str = "",
    instructions: str = "",
    overlap: int = 1,
    lease_seconds: int = 600,
    order: str = Project.Order.SEQUENTIAL,
    review_required: bool = False,
) -> Project:
    """Create a project with a validated schema; its creator becomes its first manager."""
    if kind not in Project.Kind.values:
        raise ValidationFailed("must be 'image' or 'text'", field="kind")
    schema = parse_schema(label_schema, kind=kind)
    project = Project.objects.create(
        name=name,
        kind=kind,
        label_schema=schema.to_json(),
        description=description,
        instructions=instructions,
        overlap=overlap,
        lease_seconds=lease_seconds,
        order=order,
        review_required=review_required,
        created_by=created_by,
    )
    Membership.objects.create(project=project, user=created_by, role=Role.MANAGER)
    return project


def membership_set(*, project: Project, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationFailed(f"must be one of: {', '.join(Role.values)}", field="role")
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    return membership
