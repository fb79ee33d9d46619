from __future__ import annotations

from django.conf import settings
from django.db import models


class Job(models.Model):
    """A unit of background work; the row, not the broker, is the source of truth.

    Celery may deliver a task twice or lose it (see RELIABILITY.md), so the row carries
    the attempt count and a heartbeat that the sweeper uses to re-enqueue stalled work.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    kind = models.CharField(max_length=100, help_text="The Celery task name that runs this job.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"Job {self.pk} {self.kind} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class LoginAttemptCounter(models.Model):
    """Sign-in attempts for one username or one client IP in the current window.

    ``core.login_limits`` reserves an attempt here before the password is checked, so a
    concurrent burst cannot slip past the limit, and the row outlives the process: a lockout
    holds across restarts and workers. Rows are deleted once ``expires_at`` has passed.
    """

    class Scope(models.TextChoices):
        USERNAME = "username", "Username"
        IP = "ip", "IP"

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=255)
    attempts = models.PositiveIntegerField(default=0)
    locked = models.BooleanField(default=False)
    expires_at = models.DateTimeField(
        db_index=True, help_text="End of the window, or of the lockout when locked."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_attempts_one_row_per_key")
        ]

    def __str__(self) -> str:
        state = "locked" if self.locked else f"{self.attempts} attempts"
        return f"{self.scope} {self.key}: {state} until {self.expires_at}"
