"""Submitting and editing annotations, with an immutable revision for every version."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.errors import Conflict, NotFound, PermissionDenied
from labeling.agreement import item_agreement
from labeling.models import ROLE_RANK, Annotation, AnnotationRevision, Item, Project, Role
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


def item_state(item: Item, project: Project, *, has_pending: bool) -> str:
    """The state for the item's current count and agreement."""
    if item.annotation_count < project.overlap:
        return Item.State.OPEN
    threshold = project.agreement_threshold
    disputed = threshold is not None and (item.agreement or 0.0) < threshold
    needs_review = (project.review_required or disputed) and has_pending
    return Item.State.SUBMITTED if needs_review else Item.State.DONE


def item_after_count_change(item: Item, project: Project) -> None:
    """Recompute state (and agreement, for k > 1) after the item's counted annotations changed."""
    if project.overlap > 1:
        results = list(
            item.annotations.exclude(status=Annotation.Status.REJECTED).values_list(
                "result", flat=True
            )
        )
        item.agreement = item_agreement(project_schema(project), results)
    has_pending = item.annotation_count >= project.overlap and (
        item.annotations.filter(status=Annotation.Status.PENDING).exists()
    )
    item.state = item_state(item, project, has_pending=has_pending)
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
    minimum_role: Role | None = None,
) -> tuple[Annotation, bool]:
    """Store the user's annotation of an item and end their lease; (annotation, created).

    The item row is locked first, like every writer that changes capacity. A submit whose
    lease expired still counts if nobody else took the slot meanwhile; otherwise 409.
    Re-sending the same idempotency key returns the stored annotation instead of a 409.
    With ``minimum_role``, users below it in the item's project are refused as the API
    refuses them (404 outside the project, 403 below the role); the check rides on the
    locking statement, which saves the queue's hot path a query.
    """
    try:
        with transaction.atomic():
            return _submit(item_id, user, result, lead_time_ms, idempotency_key, minimum_role)
    except IntegrityError as exc:
        # The unique (item, user) constraint caught a concurrent double submit.
        raise Conflict("You already annotated this item.", code="already_annotated") from exc


# Hand-written SQL: the ORM cost more CPU per submit than PostgreSQL did (bench W2).
_LOCK_SQL = (
    "SELECT p.id, p.kind, p.overlap, p.schema_version, p.created_at, p.review_required,"
    " p.agreement_threshold, i.id AS item_pk, i.external_id AS item_external_id,"
    " i.text AS item_text, i.width AS item_width, i.height AS item_height,"
    " i.ground_truth AS item_ground_truth, i.state AS item_state,"
    " i.annotation_count AS item_annotation_count, i.agreement AS item_agreement,"
    " (SELECT m.role FROM labeling_membership m"
    " WHERE m.project_id = p.id AND m.user_id = %(user)s) AS member_role"
    " FROM labeling_item i JOIN labeling_project p ON p.id = i.project_id"
    " WHERE i.id = %(item)s"
)
# After the lock, in a new statement: Read Committed then sees every lease and annotation
# committed before it, and nobody can change the item's capacity until we commit.
_CHECK_SQL = (
    "SELECT (SELECT a.id FROM labeling_annotation a"
    " WHERE a.item_id = %(item)s AND a.user_id = %(user)s),"
    " (SELECT count(*) FROM labeling_lease l WHERE l.item_id = %(item)s"
    " AND l.kind = 'annotate' AND l.expires_at > %(now)s AND l.user_id <> %(user)s)"
)
_INSERT_ANNOTATION_SQL = (
    "INSERT INTO labeling_annotation (item_id, project_id, user_id, result, lead_time_ms,"
    " status, idempotency_key, ground_truth_score, review_comment, created_at, updated_at)"
    " VALUES (%(item)s, %(project)s, %(user)s, {result}, %(lead_time_ms)s, 'pending',"
    " %(idempotency_key)s, %(ground_truth_score)s, '', %(now)s, %(now)s) RETURNING id"
)
_INSERT_REVISION_SQL = (
    "INSERT INTO labeling_annotationrevision"
    " (annotation_id, number, result, lead_time_ms, author_id, reason, created_at)"
    " SELECT {annotation}, 1, {result}, %(lead_time_ms)s, %(user)s, 'submit', %(now)s"
)
_END_LEASE_SQL = (
    "DELETE FROM labeling_lease"
    " WHERE item_id = %(item)s AND user_id = %(user)s AND kind = 'annotate'"
)
_COUNT_SQL = (
    "UPDATE labeling_item SET annotation_count = %(count)s, state = %(state)s WHERE id = %(item)s"
)
# PostgreSQL does the four writes in one statement (one round trip instead of four).
_WRITE_SQL_POSTGRES = (  # noqa: S608 - composed of the constants above, no input
    "WITH a AS ({insert}), r AS ({revision} FROM a), d AS ({end}), c AS ({count}) SELECT id FROM a"
).format(
    insert=_INSERT_ANNOTATION_SQL.format(result="CAST(%(result)s AS jsonb)"),
    revision=_INSERT_REVISION_SQL.format(annotation="a.id", result="CAST(%(result)s AS jsonb)"),
    end=_END_LEASE_SQL,
    count=_COUNT_SQL,
)
# The item's columns in _LOCK_SQL (as item_<name>), in model order, as Item.from_db wants.
_ITEM_FIELDS = [
    "external_id",
    "text",
    "width",
    "height",
    "state",
    "annotation_count",
    "agreement",
    "ground_truth",
]


def _locked_item(item_id: int, user: User, minimum_role: Role | None) -> tuple[Project, Item]:
    """Lock the item row; its project with the settings a submit needs (the rest deferred)."""
    sql = _LOCK_SQL + (" FOR UPDATE OF i" if connection.vendor == "postgresql" else "")
    rows = list(Project.objects.raw(sql, {"item": item_id, "user": user.pk}))
    project = rows[0] if rows else None
    if minimum_role is not None:
        role = Role.MANAGER if user.is_staff else getattr(project, "member_role", None)
        if project is None or role is None:
            raise NotFound("Not found.")
        if ROLE_RANK[Role(role)] < ROLE_RANK[minimum_role]:
            raise PermissionDenied("Your role in this project does not allow this.")
    if project is None:
        raise NotFound("No such item.", field="item")
    values = [getattr(project, f"item_{name}") for name in _ITEM_FIELDS]
    # The one column that needs converting: raw SQL hands JSON over as text.
    json_field = Item._meta.get_field("ground_truth")
    values[-1] = json_field.from_db_value(values[-1], None, connection)  # type: ignore[arg-type]
    item = Item.from_db(connection.alias, ["id", *_ITEM_FIELDS], [project.item_pk, *values])  # type: ignore[attr-defined]
    item.project_id = project.pk
    return project, item


def _submit(
    item_id: int,
    user: User,
    result: object,
    lead_time_ms: int,
    idempotency_key: str,
    minimum_role: Role | None,
) -> tuple[Annotation, bool]:
    project, item = _locked_item(item_id, user, minimum_role)
    now = timezone.now()
    params: dict[str, Any] = {"item": item.pk, "user": user.pk, "now": now}
    with connection.cursor() as cursor:
        cursor.execute(_CHECK_SQL, params)
        existing_id, others = cursor.fetchone()
    if existing_id is not None:
        existing = Annotation.objects.select_related("user", "reviewed_by", "item").get(
            pk=existing_id
        )
        if idempotency_key and existing.idempotency_key == idempotency_key:
            return existing, False
        raise Conflict(
            "You already annotated this item; edit that annotation instead.",
            code="already_annotated",
            details={"annotation": existing.pk},
        )
    if item.annotation_count + others >= project.overlap:
        raise Conflict(
            "This item needs no more annotations (your lease expired and it was taken).",
            code="item_full",
            field="lease",
        )
    canonical = result_validate(project, item, result)
    item.annotation_count += 1
    annotation = Annotation(
        item=item,
        project=project,
        user=user,
        result=canonical,
        lead_time_ms=lead_time_ms,
        idempotency_key=idempotency_key,
        ground_truth_score=_ground_truth_score(project, item, canonical),
        created_at=now,
        updated_at=now,
    )
    # With k > 1 the state depends on the agreement of all results, recomputed below.
    item.state = item_state(item, project, has_pending=True)
    params.update(
        project=project.pk,
        result=json.dumps(canonical),
        lead_time_ms=lead_time_ms,
        idempotency_key=idempotency_key,
        ground_truth_score=annotation.ground_truth_score,
        count=item.annotation_count,
        state=item.state,
    )
    annotation.pk = _write(params)
    if project.overlap > 1:
        item_after_count_change(item, project)
    return annotation, True


def _write(params: dict[str, Any]) -> int:
    """Insert the annotation and its first revision, end the lease, count it; the new id."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_WRITE_SQL_POSTGRES, params)
            return int(cursor.fetchone()[0])
        cursor.execute(_INSERT_ANNOTATION_SQL.format(result="%(result)s"), params)
        annotation_id = int(cursor.fetchone()[0])
        revision = _INSERT_REVISION_SQL.format(annotation="%(annotation)s", result="%(result)s")
        cursor.execute(revision, {**params, "annotation": annotation_id})
        cursor.execute(_END_LEASE_SQL, params)
        cursor.execute(_COUNT_SQL, params)
        return annotation_id


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
