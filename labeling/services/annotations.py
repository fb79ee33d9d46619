"""Submitting and editing annotations, with an immutable revision for every version."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from core.errors import Conflict, NotFound, PermissionDenied
from labeling.agreement import item_agreement
from labeling.models import Annotation, AnnotationRevision, Item, Lease, Project
from labeling.schemas import LabelSchema, parse_schema, validate_result
from labeling.services.queue import live_lease_count

_SCHEMAS: dict[tuple[int, object, int], LabelSchema] = {}


def project_schema(project: Project) -> LabelSchema:
    """The parsed schema, cached per project and schema version.

    Every schema change bumps ``schema_version`` (services/projects.py), so the pair is a
    safe key; parsing on each submit would cost more than validating the result.
    """
    # created_at guards against a reused primary key (a test database rolled back, say).
    key = (project.pk, project.created_at, project.schema_version)
    schema = _SCHEMAS.get(key)
    if schema is None:
        if len(_SCHEMAS) > 1000:
            _SCHEMAS.clear()
        schema = _SCHEMAS[key] = parse_schema(project.label_schema, kind=project.kind)
    return schema


def result_validate(project: Project, item: Item, result: object) -> list[dict[str, Any]]:
    return validate_result(
        project_schema(project),
        result,
        width=item.width,
        height=item.height,
        text=item.text if project.kind == Project.Kind.TEXT else None,
    )


def revision_add(
    annotation: Annotation, *, author: User | None, reason: str, number: int | None = None
) -> AnnotationRevision:
    number = number or annotation.revisions.count() + 1
    return AnnotationRevision.objects.create(
        annotation=annotation,
        number=number,
        result=annotation.result,
        lead_time_ms=annotation.lead_time_ms,
        author=author,
        reason=reason,
    )


def item_after_count_change(item: Item, project: Project) -> None:
    """Recompute state (and agreement, for k > 1) after the item's counted annotations changed."""
    if project.overlap > 1:
        results = list(
            item.annotations.exclude(status=Annotation.Status.REJECTED).values_list(
                "result", flat=True
            )
        )
        item.agreement = item_agreement(project_schema(project), results)
    if item.annotation_count < project.overlap:
        item.state = Item.State.OPEN
    else:
        threshold = project.agreement_threshold
        disputed = threshold is not None and (item.agreement or 0.0) < threshold
        needs_review = (project.review_required or disputed) and item.annotations.filter(
            status=Annotation.Status.PENDING
        ).exists()
        item.state = Item.State.SUBMITTED if needs_review else Item.State.DONE
    item.save(update_fields=["annotation_count", "state", "agreement"])


def _ground_truth_score(project: Project, item: Item, result: list[dict[str, Any]]) -> float | None:
    if item.ground_truth is None:
        return None
    return item_agreement(project_schema(project), [item.ground_truth, result])


def annotation_submit(
    *,
    item_id: int,
    user: User,
    result: object,
    lead_time_ms: int = 0,
    idempotency_key: str = "",
) -> tuple[Annotation, bool]:
    """Store the user's annotation of an item and end their lease; (annotation, created).

    The item row is locked first, like every writer that changes capacity. A submit whose
    lease expired still counts if nobody else took the slot meanwhile; otherwise 409.
    Re-sending the same idempotency key returns the stored annotation instead of a 409.
    """
    try:
        with transaction.atomic():
            return _submit(item_id, user, result, lead_time_ms, idempotency_key)
    except IntegrityError as exc:
        # The unique (item, user) constraint caught a concurrent double submit.
        raise Conflict("You already annotated this item.", code="already_annotated") from exc


def _submit(
    item_id: int, user: User, result: object, lead_time_ms: int, idempotency_key: str
) -> tuple[Annotation, bool]:
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound("No such item.", field="item")
    project = item.project
    existing = Annotation.objects.filter(item=item, user=user).first()
    if existing is not None:
        if idempotency_key and existing.idempotency_key == idempotency_key:
            return existing, False
        raise Conflict(
            "You already annotated this item; edit that annotation instead.",
            code="already_annotated",
            details={"annotation": existing.pk},
        )
    others = live_lease_count(item_id=item.pk, exclude_user=user.pk)
    if item.annotation_count + others >= project.overlap:
        raise Conflict(
            "This item needs no more annotations (your lease expired and it was taken).",
            code="item_full",
            field="lease",
        )
    canonical = result_validate(project, item, result)
    annotation = Annotation.objects.create(
        item=item,
        project=project,
        user=user,
        result=canonical,
        lead_time_ms=lead_time_ms,
        idempotency_key=idempotency_key,
        ground_truth_score=_ground_truth_score(project, item, canonical),
    )
    revision_add(annotation, author=user, reason="submit", number=1)
    Lease.objects.filter(item=item, user=user, kind=Lease.Kind.ANNOTATE).delete()
    item.annotation_count += 1
    item_after_count_change(item, project)
    return annotation, True


@transaction.atomic
def annotation_update(
    *, annotation_id: int, user: User, result: object, lead_time_ms: int | None = None
) -> Annotation:
    """Let annotators edit their own work until it is accepted; a rejected one is resubmitted.

    Resubmitting a rejected annotation counts it again, so it needs a free slot on the item.
    """
    annotation = Annotation.objects.filter(pk=annotation_id).first()
    if annotation is None or annotation.user_id != user.pk:
        raise NotFound("No such annotation of yours.", field="annotation")
    item = Item.objects.select_for_update().get(pk=annotation.item_id)
    annotation.refresh_from_db()
    project = Project.objects.get(pk=item.project_id)
    if annotation.status == Annotation.Status.ACCEPTED:
        raise PermissionDenied(
            "This annotation was accepted by a reviewer; it can no longer change.",
            code="already_reviewed",
        )
    annotation.result = result_validate(project, item, result)
    if lead_time_ms is not None:
        annotation.lead_time_ms = lead_time_ms
    annotation.ground_truth_score = _ground_truth_score(project, item, annotation.result)
    if annotation.status == Annotation.Status.REJECTED:
        others = live_lease_count(item_id=item.pk, exclude_user=user.pk)
        if item.annotation_count + others >= project.overlap:
            raise Conflict(
                "The item was re-assigned after the rejection; it needs no more annotations.",
                code="item_full",
            )
        annotation.status = Annotation.Status.PENDING
        item.annotation_count += 1
    annotation.save()
    revision_add(annotation, author=user, reason="edit")
    item_after_count_change(item, project)
    return annotation
