"""Datasets models.

The `Local*` models are the embedded version store's own tables (datasets/stores/local/):
branches and tags are pointers, commits are immutable rows pointing at a content-addressed
tree, trees are lists of content-addressed ranges (like lakeFS metaranges), and staged
objects are per-branch rows until a commit consumes them. Object bytes are content-addressed:
small ones in `LocalBlob` rows, larger ones as files in Django storage.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class PathField(models.CharField):
    """An object path that the database orders byte-wise, exactly as Python sorts str.

    Trees and staging rows are merge-joined in path order, so ORDER BY and `path > x` must
    agree with Python's code-point order. SQLite's default BINARY collation does (UTF-8 byte
    order is code-point order); PostgreSQL's locale collations do not, so use "C" there.
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class LocalRepository(models.Model):
    name = models.CharField(max_length=63, unique=True)
    default_branch = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class LocalRange(models.Model):
    """A sorted run of tree entries as compact JSON (older ones zlib-compressed), addressed
    by its sha256."""

    repository = models.ForeignKey(LocalRepository, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    entries = models.PositiveIntegerField()
    payload = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "digest"], name="local_range_digest")
        ]

    def __str__(self) -> str:
        return self.digest


class LocalTree(models.Model):
    """A commit's full listing: [[range digest, first path, last path, count], ...]."""

    repository = models.ForeignKey(LocalRepository, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    ranges = models.JSONField(default=list)
    entries = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "digest"], name="local_tree_digest")
        ]

    def __str__(self) -> str:
        return self.digest


class LocalCommit(models.Model):
    """Immutable; `digest` (the commit id) is the sha256 of parents, tree, message, metadata.

    The auto-increment id orders commits by creation, which is the log order.
    """

    repository = models.ForeignKey(LocalRepository, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    parents = models.JSONField(default=list)
    tree = models.CharField(max_length=64)
    message = models.TextField(blank=True)
    metadata = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "digest"], name="local_commit_digest")
        ]

    def __str__(self) -> str:
        return self.digest


class LocalBranch(models.Model):
    """A pointer moved only by compare-and-swap on `head`; `stage_seq` orders staged writes."""

    repository = models.ForeignKey(LocalRepository, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    head = models.CharField(max_length=64)
    stage_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "name"], name="local_branch_name")
        ]

    def __str__(self) -> str:
        return self.name


class LocalTag(models.Model):
    repository = models.ForeignKey(LocalRepository, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    target = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "name"], name="local_tag_name")
        ]

    def __str__(self) -> str:
        return self.name


class LocalBlob(models.Model):
    """The bytes of a small object, stored once by sha256 (large objects are files)."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    data = models.BinaryField()

    def __str__(self) -> str:
        return self.sha256


class LocalStagedObject(models.Model):
    """An uncommitted write on a branch; an empty `sha256` is a deletion (tombstone)."""

    branch = models.ForeignKey(LocalBranch, on_delete=models.CASCADE, related_name="+")
    path = PathField(max_length=1024)
    sha256 = models.CharField(max_length=64, blank=True)
    checksum = models.CharField(max_length=32, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=255, blank=True)
    seq = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "path"], name="local_staged_path")]

    def __str__(self) -> str:
        return self.path


class Dataset(models.Model):
    """A versioned dataset: one version-store repository fed by one or more projects.

    ``main`` holds released history; tags name versions; other branches are labeling rounds.
    """

    slug = models.SlugField(max_length=63, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    projects = models.ManyToManyField("labeling.Project", related_name="datasets")
    split_ratios = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug

    @property
    def repository(self) -> str:
        return self.slug


class Merge(models.Model):
    """A data lead's merge of a branch; kept while conflicts wait for their resolution."""

    class Status(models.TextChoices):
        MERGED = "merged"
        CONFLICT = "conflict"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="merges")
    source = models.CharField(max_length=200)
    target = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    commit = models.CharField(max_length=64, blank=True)
    conflicts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "auth.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.status})"


class Version(models.Model):
    """A released version: an immutable tag on a commit of main, with its notes and counts."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=32)
    commit = models.CharField(max_length=64)
    notes = models.TextField(blank=True)
    counts = models.JSONField(default=dict)
    label_histogram = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        "auth.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="version_name_once"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.name}"


class ReadToken(models.Model):
    """A read-only credential for one dataset, for training jobs (``Authorization: Bearer``).

    Only a hash of the secret is stored; the secret is shown once, when it is issued.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="read_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_by = models.ForeignKey(
        "auth.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… for {self.dataset_id}"


class SnapshotRecord(models.Model):
    """What a snapshot commit holds, per item: fingerprint, object checksum, label, media.

    Written by the snapshot that made ``commit`` (datasets/services/snapshot_records.py),
    so the next snapshot of a branch whose content is this commit's rebuilds only the items
    whose fingerprint changed. ``payload`` is packed arrays (~52 bytes per
    item): one row per commit, not one per item, so writing it costs little.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    commit = models.CharField(max_length=64)
    items = models.PositiveIntegerField()
    payload = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "commit"], name="snapshot_record_commit")
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.commit}"
