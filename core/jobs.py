"""Job lifecycle: create, run with progress, finish, and re-enqueue stalled work.

Celery can lose a message (a killed pool child is acked anyway; the filesystem broker
deletes on read) or deliver it twice (Redis visibility timeout). So every job body runs
through ``job_run``, which checks the row first: finished jobs return at once, a job
another worker is actively running is left alone, and attempts are bounded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core.errors import ApplicationError
from core.models import Job

logger = logging.getLogger(__name__)

JobBody = Callable[[Job, "Progress"], dict[str, Any] | None]


class TransientJobError(Exception):
    """Raised by a job body when a retry later may succeed (a store or network hiccup)."""


# Options for every job task: retry only named transient errors, with backoff; attempts
# across redeliveries are bounded by the job row (JOB_MAX_ATTEMPTS), not by Celery alone.
JOB_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (TransientJobError,),
    "retry_backoff": True,
    "max_retries": 5,
}


class Progress:
    """Report progress on a job row, throttled so hot loops do not hammer the database."""

    min_interval = 0.25

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.done = 0
        self.total: int | None = None
        self._last_write = 0.0

    def set(self, done: int, *, total: int | None = None, message: str | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        finished = self.total is not None and done >= self.total
        now = time.monotonic()
        if message is None and not finished and now - self._last_write < self.min_interval:
            return
        self._last_write = now
        fields: dict[str, Any] = {"progress_done": done, "heartbeat_at": timezone.now()}
        if self.total is not None:
            fields["progress_total"] = self.total
        if message is not None:
            fields["message"] = message[:500]
        Job.objects.filter(pk=self.job_id).update(**fields)

    def advance(self, n: int = 1, *, message: str | None = None) -> None:
        self.set(self.done + n, message=message)


def job_create(
    *,
    kind: str,
    params: dict[str, Any] | None = None,
    created_by: User | AnonymousUser | None = None,
    message: str = "",
) -> Job:
    """Record a job and publish it once the surrounding transaction commits."""
    user = created_by if isinstance(created_by, User) else None
    job = Job.objects.create(kind=kind, params=params or {}, created_by=user, message=message)
    transaction.on_commit(lambda: job_publish(job_id=job.pk, kind=kind))
    return job


def job_publish(*, job_id: int, kind: str) -> bool:
    """Send the job's task; on a broker outage the row stays queued for the sweeper."""
    if kind not in current_app.tasks:
        # Task modules are discovered lazily; outside a worker nothing has imported them yet.
        current_app.loader.import_default_modules()
    try:
        current_app.tasks[kind].apply_async(args=(job_id,))
    except BrokerError:
        logger.warning("broker unavailable; job %s stays queued for the sweeper", job_id)
        return False
    return True


def _claim(job_id: int) -> Job | None:
    stale_before = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        if (
            job.status == Job.Status.RUNNING
            and job.heartbeat_at
            and job.heartbeat_at > stale_before
        ):
            return None  # a duplicate delivery while another worker runs it
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            _finish(job, Job.Status.FAILED, error=f"gave up after {job.attempts} attempts")
            return None
        now = timezone.now()
        job.attempts += 1
        job.status = Job.Status.RUNNING
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.error = ""
        job.save(update_fields=["attempts", "status", "started_at", "heartbeat_at", "error"])
        return job


def _finish(job: Job, status: str, *, result: Any = None, error: str = "") -> None:
    job.status = status
    job.result = result
    job.error = error
    job.finished_at = timezone.now()
    if status == Job.Status.SUCCEEDED and job.progress_total is not None:
        job.progress_done = job.progress_total
    job.save(update_fields=["status", "result", "error", "finished_at", "progress_done"])


def _settle(job_id: int, attempt: int, status: str, *, result: Any = None, error: str = "") -> bool:
    """Record this run's outcome, unless the job was settled or taken over meanwhile.

    A run whose heartbeat went stale (stuck in a long store call, say) is re-published by
    the sweeper and taken over by another worker; when the stuck run wakes up, its next
    step may fail because the new run finished the work (and deleted its job branch). So a
    success is recorded unless the job already finished; a failure or a re-queue only while
    the job is still this run's (running, at this attempt) - never over a success.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        current = job.status == Job.Status.RUNNING and job.attempts == attempt
        if job.is_finished or (status != Job.Status.SUCCEEDED and not current):
            logger.warning(
                "job %s: attempt %s ended (%s) after another run took over; not recorded",
                job_id, attempt, status,
            )  # fmt: skip
            return False
        if status == Job.Status.QUEUED:
            job.status, job.message = status, error[:500]
            job.save(update_fields=["status", "message"])
        else:
            _finish(job, status, result=result, error=error)
        return True


def job_run(*, job_id: int, body: JobBody) -> None:
    """Run ``body`` for the job unless it is finished, running elsewhere, or out of attempts."""
    job = _claim(job_id)
    if job is None:
        return
    attempt = job.attempts
    try:
        result = body(job, Progress(job.pk))
    except TransientJobError as exc:
        if _settle(job.pk, attempt, Job.Status.QUEUED, error=str(exc)):
            raise
        return
    except ApplicationError as exc:
        _settle(
            job.pk, attempt, Job.Status.FAILED, result={"error": exc.as_dict()}, error=exc.message
        )
        return
    except Exception as exc:
        # Unknown errors are bugs, not weather: fail the job visibly instead of retrying.
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _settle(job.pk, attempt, Job.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        return
    _settle(job.pk, attempt, Job.Status.SUCCEEDED, result=result)


def jobs_requeue_stale() -> int:
    """Re-publish jobs whose message was lost or whose worker died; return how many."""
    now = timezone.now()
    running_stale = now - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    queued_stale = now - timedelta(seconds=settings.JOB_REPUBLISH_QUEUED_AFTER_SECONDS)
    stalled = Job.objects.filter(
        status=Job.Status.RUNNING, heartbeat_at__lt=running_stale
    ) | Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=queued_stale)
    count = 0
    for job in stalled.only("pk", "kind", "attempts").iterator():
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            job.refresh_from_db()
            _finish(job, Job.Status.FAILED, error=f"gave up after {job.attempts} attempts")
            continue
        if job_publish(job_id=job.pk, kind=job.kind):
            count += 1
    return count
