"""Input and output shapes of the labeling API. Validation of labels lives in schemas.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from labeling.models import Annotation, AnnotationRevision, Item, Lease, Membership, Project, Role


class ProjectOutSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "instructions",
            "kind",
            "label_schema",
            "schema_version",
            "overlap",
            "lease_seconds",
            "order",
            "review_required",
            "agreement_threshold",
            "role",
            "item_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_role(self, project: Project) -> str | None:
        # Site admins who are not members see the project with no role of their own.
        return getattr(project, "member_role", None)


class ProjectSettingsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    overlap = serializers.IntegerField(required=False, min_value=1, max_value=50)
    lease_seconds = serializers.IntegerField(required=False, min_value=30, max_value=24 * 3600)
    order = serializers.ChoiceField(Project.Order.choices, required=False)
    review_required = serializers.BooleanField(required=False)
    agreement_threshold = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=1
    )


class ProjectCreateSerializer(ProjectSettingsSerializer):
    kind = serializers.ChoiceField(Project.Kind.choices)
    label_schema = serializers.JSONField()


class ProjectUpdateSerializer(ProjectSettingsSerializer):
    name = serializers.CharField(max_length=200, required=False)
    label_schema = serializers.JSONField(required=False)
    label_mapping = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        required=False,
        help_text='Where removed labels go: {"control:label": "control:new_label" or null}.',
    )


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["user_id", "username", "role", "created_at"]


class MemberInSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(Role.choices)


class ItemOutSerializer(serializers.ModelSerializer):
    media_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    is_ground_truth = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "project",
            "external_id",
            "text",
            "media_url",
            "thumbnail_url",
            "width",
            "height",
            "meta",
            "priority",
            "state",
            "annotation_count",
            "agreement",
            "pre_annotation",
            "is_ground_truth",
        ]
        read_only_fields = fields

    def get_is_ground_truth(self, item: Item) -> bool:
        return item.ground_truth is not None

    def get_media_url(self, item: Item) -> str | None:
        return reverse("item-media", args=[item.pk]) if item.media_sha256 else None

    def get_thumbnail_url(self, item: Item) -> str | None:
        if not (item.media_sha256 and item.has_thumbnail):
            return None
        return reverse("item-thumbnail", args=[item.pk])


class ItemManagerSerializer(ItemOutSerializer):
    class Meta(ItemOutSerializer.Meta):
        fields = [*ItemOutSerializer.Meta.fields, "ground_truth"]
        read_only_fields = fields


class LeaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lease
        fields = ["id", "kind", "expires_at"]


class AnnotationInSerializer(serializers.Serializer):
    result = serializers.JSONField()
    lead_time_ms = serializers.IntegerField(min_value=0, max_value=24 * 3600 * 1000, default=0)
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True)


class AnnotationPatchSerializer(serializers.Serializer):
    result = serializers.JSONField()
    lead_time_ms = serializers.IntegerField(min_value=0, max_value=24 * 3600 * 1000, required=False)


class AnnotationOutSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, default=None)
    item_external_id = serializers.CharField(source="item.external_id", read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "item",
            "item_external_id",
            "project",
            "user",
            "username",
            "result",
            "lead_time_ms",
            "status",
            "ground_truth_score",
            "reviewed_by",
            "review_comment",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RevisionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = AnnotationRevision
        fields = ["number", "result", "lead_time_ms", "author", "reason", "created_at"]
        read_only_fields = fields


class ReviewInSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(["accept", "reject", "fix"])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    result = serializers.JSONField(required=False)


class GroundTruthSerializer(serializers.Serializer):
    ground_truth = serializers.JSONField(allow_null=True)


def iso_datetime(value: datetime | None) -> str | None:
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in the current zone, UTC as Z."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# The queue's hot path (next, submit) builds its answers with these plain functions: a
# ModelSerializer costs more CPU per call than the whole SQL of the request. They give the
# same shapes as ItemOutSerializer, LeaseSerializer and AnnotationOutSerializer, which stay
# for the OpenAPI schema and the other views; tests/labeling/test_api_queue.py checks that
# both agree.
def item_payload(item: Item) -> dict[str, Any]:
    has_media = bool(item.media_sha256)
    return {
        "id": item.pk,
        "project": item.project_id,
        "external_id": item.external_id,
        "text": item.text,
        "media_url": reverse("item-media", args=[item.pk]) if has_media else None,
        "thumbnail_url": (
            reverse("item-thumbnail", args=[item.pk]) if has_media and item.has_thumbnail else None
        ),
        "width": item.width,
        "height": item.height,
        "meta": item.meta,
        "priority": item.priority,
        "state": item.state,
        "annotation_count": item.annotation_count,
        "agreement": item.agreement,
        "pre_annotation": item.pre_annotation,
        "is_ground_truth": item.ground_truth is not None,
    }


def lease_payload(lease: Lease) -> dict[str, Any]:
    """``{"item", "lease"}``: what the annotation and review queues answer."""
    return {
        "item": item_payload(lease.item),
        "lease": {"id": lease.pk, "kind": lease.kind, "expires_at": iso_datetime(lease.expires_at)},
    }


def annotation_payload(annotation: Annotation) -> dict[str, Any]:
    """As AnnotationOutSerializer; reads ``user``, ``reviewed_by`` and ``item`` (external id)."""
    reviewed_by = annotation.reviewed_by
    return {
        "id": annotation.pk,
        "item": annotation.item_id,
        "item_external_id": annotation.item.external_id,
        "project": annotation.project_id,
        "user": annotation.user_id,
        "username": annotation.user.username,
        "result": annotation.result,
        "lead_time_ms": annotation.lead_time_ms,
        "status": annotation.status,
        "ground_truth_score": annotation.ground_truth_score,
        "reviewed_by": reviewed_by.username if reviewed_by is not None else None,
        "review_comment": annotation.review_comment,
        "reviewed_at": iso_datetime(annotation.reviewed_at),
        "created_at": iso_datetime(annotation.created_at),
        "updated_at": iso_datetime(annotation.updated_at),
    }
