from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from labeling.digests import ANNOTATION_DIGEST, DIGEST_LENGTH, ITEM_DIGEST


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
    agreement_threshold = models.FloatField(
        null=True, blank=True, help_text="Items agreeing less than this (k > 1) are reviewed first."
    )
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
    """One thing to label: a text, or an image stored under its content hash.

    ``annotation_count`` counts the pending and accepted annotations, the ones that use up
    the project's overlap k. It only changes with the item row locked (see services/queue.py).
    """

    class State(models.TextChoices):
        OPEN = "open"  # wants more annotations
        SUBMITTED = "submitted"  # has k annotations, some awaiting review
        DONE = "done"  # has k annotations, accepted or not needing review

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
    # A stable pseudo-random position for projects in random order.
    order_key = models.BigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    annotation_count = models.PositiveIntegerField(default=0)
    agreement = models.FloatField(null=True, blank=True)
    pre_annotation = models.JSONField(null=True, blank=True)
    ground_truth = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    content_digest = models.GeneratedField(
        expression=ITEM_DIGEST,
        output_field=models.CharField(max_length=DIGEST_LENGTH),
        db_persist=True,
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["project", "state", "-priority", "id"], name="item_queue_priority"
            ),
            models.Index(fields=["project", "state", "order_key"], name="item_queue_random"),
            models.Index(fields=["project", "state", "id"], name="item_queue_sequential"),
        ]
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


class Lease(models.Model):
    """An item reserved for one user until ``expires_at``.

    Expired leases simply stop counting. The unique constraint allows one lease row per
    user, project and kind, so nobody can hold two live leases however requests interleave;
    an expired row is replaced when its user asks for the next item.
    """

    class Kind(models.TextChoices):
        ANNOTATE = "annotate"
        REVIEW = "review"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="leases")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ANNOTATE)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["item", "kind", "expires_at"], name="lease_item_live")]
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "kind"], name="lease_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"Lease {self.pk} on item {self.item_id} for user {self.user_id}"


class Skip(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="skips")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="skip_once")]

    def __str__(self) -> str:
        return f"Skip of item {self.item_id} by user {self.user_id}"


class Annotation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="annotations")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    result = models.JSONField(default=list)
    lead_time_ms = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=64, blank=True)
    ground_truth_score = models.FloatField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    content_digest = models.GeneratedField(
        expression=ANNOTATION_DIGEST,
        output_field=models.CharField(max_length=DIGEST_LENGTH),
        db_persist=True,
    )

    class Meta:
        indexes = [
            models.Index(fields=["project", "user", "created_at"], name="annotation_by_user"),
            models.Index(fields=["project", "status"], name="annotation_by_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="annotation_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"Annotation {self.pk} on item {self.item_id}"


class AnnotationRevision(models.Model):
    """An immutable copy of every version of an annotation's result."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    result = models.JSONField()
    lead_time_ms = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20)  # submit, edit, fix
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["annotation", "number"], name="revision_number_once"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of annotation {self.annotation_id}"
