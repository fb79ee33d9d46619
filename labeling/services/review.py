"""The review queue and verdicts: accept, reject (re-opens the slot) or fix."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from labeling.models import Annotation, Item, Lease, Project
from labeling.services.annotations import item_after_count_change, result_validate, revision_add
from labeling.services.queue import MAX_TRIES

VERDICTS = ("accept", "reject", "fix")


def _review_candidates(project: Project, reviewer: User, now: object) -> QuerySet[Item]:
    """Items with work awaiting review that the reviewer did not annotate and nobody holds."""
    pending = Annotation.objects.filter(item=OuterRef("pk"), status=Annotation.Status.PENDING)
    own = Annotation.objects.filter(item=OuterRef("pk"), user=reviewer)
    held = Lease.objects.filter(item=OuterRef("pk"), kind=Lease.Kind.REVIEW, expires_at__gt=now)
    return (
        Item.objects.filter(project=project, state=Item.State.SUBMITTED)
        .filter(Exists(pending))
        .exclude(Exists(own))
        .exclude(Exists(held))
    )


def _review_order(project: Project) -> list[Any]:
    # Low agreement first: those are the items most likely to be wrong.
    if project.overlap > 1:
        return [F("agreement").asc(nulls_last=True), "id"]
    return ["id"]


def item_lease_review(*, project: Project, reviewer: User) -> Lease | None:
    for _ in range(2):
        try:
            return _lease_review(project, reviewer)
        except IntegrityError:
            continue
    return None


@transaction.atomic
def _lease_review(project: Project, reviewer: User) -> Lease | None:
    now = timezone.now()
    own = (
        Lease.objects.select_related("item")
        .filter(project=project, user=reviewer, kind=Lease.Kind.REVIEW, expires_at__gt=now)
        .first()
    )
    if own is not None:
        return own
    Lease.objects.filter(project=project, user=reviewer, kind=Lease.Kind.REVIEW).delete()
    tried: list[int] = []
    for _ in range(MAX_TRIES):
        candidate = (
            _review_candidates(project, reviewer, now)
            .exclude(pk__in=tried)
            .order_by(*_review_order(project))
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        if _review_candidates(project, reviewer, now).filter(pk=candidate).exists():
            return Lease.objects.create(
                project=project,
                item_id=candidate,
                user=reviewer,
                kind=Lease.Kind.REVIEW,
                expires_at=now + timedelta(seconds=project.lease_seconds),
            )
        tried.append(candidate)
    return None


@transaction.atomic
def annotation_review(
    *,
    annotation_id: int,
    reviewer: User,
    verdict: str,
    comment: str = "",
    result: object = None,
) -> Annotation:
    """Record a verdict on a pending annotation.

    Reject takes the annotation out of the item's count, so the queue offers the item again
    and the annotator sees the comment; fix replaces the result (kept as a revision by the
    reviewer) and accepts it.
    """
    if verdict not in VERDICTS:
        raise ValidationFailed("must be one of: accept, reject, fix", field="verdict")
    annotation = Annotation.objects.filter(pk=annotation_id).first()
    if annotation is None:
        raise NotFound("No such annotation.", field="annotation")
    item = Item.objects.select_for_update().get(pk=annotation.item_id)
    annotation.refresh_from_db()
    project = Project.objects.get(pk=item.project_id)
    if annotation.user_id == reviewer.pk:
        raise PermissionDenied("You cannot review your own annotation.", code="own_annotation")
    if annotation.status != Annotation.Status.PENDING:
        raise Conflict(
            f"This annotation was already reviewed ({annotation.status}).", code="already_reviewed"
        )
    if verdict == "reject" and not comment.strip():
        raise ValidationFailed("say what is wrong so the annotator can fix it", field="comment")
    if verdict == "fix":
        if result is None:
            raise ValidationFailed("a fix needs the corrected result", field="result")
        annotation.result = result_validate(project, item, result)
        revision_add(annotation, author=reviewer, reason="fix")
    annotation.status = (
        Annotation.Status.REJECTED if verdict == "reject" else Annotation.Status.ACCEPTED
    )
    annotation.reviewed_by = reviewer
    annotation.review_comment = comment
    annotation.reviewed_at = timezone.now()
    annotation.save()
    if verdict == "reject":
        item.annotation_count -= 1
    item_after_count_change(item, project)
    if not item.annotations.filter(status=Annotation.Status.PENDING).exists():
        Lease.objects.filter(item=item, kind=Lease.Kind.REVIEW).delete()
    return annotation
