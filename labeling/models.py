from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    MANAGER = "manager"


# Higher roles include the rights of lower ones.
ROLE_RANK = {Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.MANAGER: 3}


class Project(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image"
        TEXT = "text"

    class Order(models.TextChoices):
        SEQUENTIAL = "sequential"
        RANDOM = "random"
        PRIORITY = "priority"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    instructions = models.TextField(blank=True, help_text="Markdown shown to annotators.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label_schema = models.JSONField(default=dict)
    schema_version = models.PositiveIntegerField(default=1)
    overlap = models.PositiveSmallIntegerField(default=1)
    lease_seconds = models.PositiveIntegerField(default=600)
    order = models.CharField(max_length=12, choices=Order.choices, default=Order.SEQUENTIAL)
    review_required = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(overlap__gte=1), name="project_overlap_positive"),
            models.CheckConstraint(condition=Q(lease_seconds__gte=30), name="project_lease_min"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.project_id}"


class Item(models.Model):
    """One thing to label: a text, or an image stored under its content hash."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    # NULL, not "", for "none given": the unique constraint must ignore items without one.
    external_id = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    text = models.TextField(blank=True)
    media_sha256 = models.CharField(max_length=64, blank=True)
    media_ext = models.CharField(max_length=8, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    has_thumbnail = models.BooleanField(default=False)
    meta = models.JSONField(default=dict, blank=True)
    priority = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "external_id"],
                condition=Q(external_id__isnull=False),
                name="item_external_id_unique",
            ),
            models.UniqueConstraint(
                fields=["project", "media_sha256"],
                condition=~Q(media_sha256=""),
                name="item_media_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.pk} of project {self.project_id}"

    @property
    def media_key(self) -> str:
        return media_key(self.media_sha256, self.media_ext)

    @property
    def thumbnail_key(self) -> str:
        return thumbnail_key(self.media_sha256)


def media_key(sha256: str, ext: str) -> str:
    return f"media/{sha256[:2]}/{sha256}.{ext}"


def thumbnail_key(sha256: str) -> str:
    return f"thumbs/{sha256[:2]}/{sha256}.webp"
