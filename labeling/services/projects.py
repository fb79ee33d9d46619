"""Writes for projects and their members."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from core.errors import Conflict, NotFound, ValidationFailed
from labeling.models import Annotation, Item, Membership, Project, Role
from labeling.schemas import check_schema_change, parse_schema, remap_result, result_labels
from labeling.services.annotations import revision_add


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
    agreement_threshold: float | None = None,
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
        agreement_threshold=agreement_threshold,
        created_by=created_by,
    )
    Membership.objects.create(project=project, user=created_by, role=Role.MANAGER)
    return project


@transaction.atomic
def membership_set(*, project: Project, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationFailed(f"must be one of: {', '.join(Role.values)}", field="role")
    current = Membership.objects.filter(project=project, user=user).first()
    if current is not None and current.role == Role.MANAGER and role != Role.MANAGER:
        managers = Membership.objects.select_for_update().filter(project=project, role=Role.MANAGER)
        if managers.count() == 1:
            raise Conflict("A project keeps at least one manager.", code="last_manager")
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    return membership


EDITABLE_FIELDS = (
    "name",
    "description",
    "instructions",
    "overlap",
    "lease_seconds",
    "order",
    "review_required",
    "agreement_threshold",
)


def _stored_results(project: Project) -> Iterator[tuple[str, int, list[dict[str, Any]]]]:
    """Every stored result of the project: annotations, pre-annotations, ground truths."""
    for pk, result in (
        Annotation.objects.filter(project=project).values_list("pk", "result").iterator(2000)
    ):
        yield "annotation", pk, result
    items = Item.objects.filter(project=project)
    for pk, pre, truth in (
        items.filter(Q(pre_annotation__isnull=False) | Q(ground_truth__isnull=False))
        .values_list("pk", "pre_annotation", "ground_truth")
        .iterator(2000)
    ):
        if pre:
            yield "pre_annotation", pk, pre
        if truth:
            yield "ground_truth", pk, truth


def _labels_in_use(project: Project) -> set[tuple[str, str]]:
    used: set[tuple[str, str]] = set()
    for _, _, result in _stored_results(project):
        used.update(result_labels(result))
    return used


def _apply_mapping(project: Project, mapping: dict[str, str | None]) -> int:
    """Rewrite stored results after a label rename/merge/removal; returns how many changed."""
    changed = 0
    for source, pk, result in list(_stored_results(project)):
        new = remap_result(result, mapping)
        if new == result:
            continue
        changed += 1
        if source == "annotation":
            annotation = Annotation.objects.get(pk=pk)
            annotation.result = new
            annotation.save(update_fields=["result", "updated_at"])
            revision_add(annotation, author=None, reason="schema")
        else:
            Item.objects.filter(pk=pk).update(**{source: new})
    return changed


@transaction.atomic
def project_update(
    *,
    project: Project,
    data: dict[str, Any],
    label_schema: Any = None,
    label_mapping: dict[str, str | None] | None = None,
) -> Project:
    """Change settings and, optionally, the label schema.

    A schema change that would strand labels already used is refused unless
    ``label_mapping`` says where each goes (or ``None`` to drop those regions); the
    stored results are then rewritten in the same transaction and the version bumped.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    if label_schema is not None:
        old = parse_schema(project.label_schema, kind=project.kind)
        new = parse_schema(label_schema, kind=project.kind)
        if new.to_json() != old.to_json():
            check_schema_change(old, new, used=_labels_in_use(project), mapping=label_mapping)
            if label_mapping:
                _apply_mapping(project, label_mapping)
            project.label_schema = new.to_json()
            project.schema_version += 1
    project.save()
    return project


@transaction.atomic
def membership_remove(*, project: Project, user_id: int) -> None:
    membership = Membership.objects.filter(project=project, user_id=user_id).first()
    if membership is None:
        raise NotFound("This user is not a member of the project.", field="user")
    if membership.role == Role.MANAGER:
        managers = Membership.objects.select_for_update().filter(project=project, role=Role.MANAGER)
        if managers.count() == 1:
            raise Conflict("A project keeps at least one manager.", code="last_manager")
    membership.delete()
