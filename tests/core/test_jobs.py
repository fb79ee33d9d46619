from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core import jobs
from core.errors import ValidationFailed
from core.models import Job
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


def _succeed(job: Job, progress: jobs.Progress) -> dict:
    progress.set(0, total=3)
    for i in range(3):
        progress.set(i + 1)
    return {"answer": 42}


@pytest.mark.django_db
def test_job_run_records_progress_and_result():
    job = Job.objects.create(kind="test.kind")
    jobs.job_run(job_id=job.pk, body=_succeed)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.result == {"answer": 42}
    assert job.attempts == 1
    assert job.started_at and job.finished_at


@pytest.mark.django_db
def test_job_run_of_a_finished_job_does_nothing():
    job = Job.objects.create(kind="test.kind", status=Job.Status.SUCCEEDED, result={"a": 1})
    calls = []
    jobs.job_run(job_id=job.pk, body=lambda j, p: calls.append(1))
    job.refresh_from_db()
    assert calls == []
    assert job.result == {"a": 1}


@pytest.mark.django_db
def test_duplicate_delivery_while_running_elsewhere_is_ignored():
    job = Job.objects.create(
        kind="test.kind", status=Job.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    calls = []
    jobs.job_run(job_id=job.pk, body=lambda j, p: calls.append(1))
    assert calls == []
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db
def test_stale_running_job_is_taken_over(settings):
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 5)
    job = Job.objects.create(
        kind="test.kind", status=Job.Status.RUNNING, attempts=1, heartbeat_at=stale
    )
    jobs.job_run(job_id=job.pk, body=_succeed)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 2


@pytest.mark.django_db
def test_domain_error_fails_the_job_with_its_message():
    job = Job.objects.create(kind="test.kind")

    def body(job: Job, progress: jobs.Progress) -> None:
        raise ValidationFailed("row 3: text is empty", field="rows[3].text")

    jobs.job_run(job_id=job.pk, body=body)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "row 3: text is empty"
    assert job.result == {
        "error": {"code": "invalid", "message": "row 3: text is empty", "field": "rows[3].text"}
    }


@pytest.mark.django_db
def test_unexpected_error_fails_the_job_without_retrying():
    job = Job.objects.create(kind="test.kind")
    jobs.job_run(job_id=job.pk, body=lambda j, p: 1 / 0)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "ZeroDivisionError" in job.error
    assert job.attempts == 1


@pytest.mark.django_db
def test_transient_error_requeues_the_job_for_a_retry():
    job = Job.objects.create(kind="test.kind")

    def body(job: Job, progress: jobs.Progress) -> None:
        raise jobs.TransientJobError("store busy")

    with pytest.raises(jobs.TransientJobError):
        jobs.job_run(job_id=job.pk, body=body)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.message == "store busy"


@pytest.mark.django_db
def test_attempts_are_bounded(settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = Job.objects.create(kind="test.kind", attempts=2)
    jobs.job_run(job_id=job.pk, body=_succeed)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "gave up after 2 attempts"


@pytest.mark.django_db
def test_sweeper_republishes_lost_and_stalled_jobs(settings, monkeypatch):
    published = []
    monkeypatch.setattr(
        jobs, "job_publish", lambda *, job_id, kind: published.append(job_id) or True
    )
    old = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 5)
    lost = Job.objects.create(kind="test.kind")
    Job.objects.filter(pk=lost.pk).update(created_at=old)
    stalled = Job.objects.create(
        kind="test.kind", status=Job.Status.RUNNING, attempts=1, heartbeat_at=old
    )
    fresh = Job.objects.create(kind="test.kind")
    busy = Job.objects.create(
        kind="test.kind", status=Job.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    exhausted = Job.objects.create(
        kind="test.kind",
        status=Job.Status.RUNNING,
        attempts=settings.JOB_MAX_ATTEMPTS,
        heartbeat_at=old,
    )

    assert jobs.jobs_requeue_stale() == 2

    assert sorted(published) == sorted([lost.pk, stalled.pk])
    assert fresh.pk not in published and busy.pk not in published
    exhausted.refresh_from_db()
    assert exhausted.status == Job.Status.FAILED


@pytest.mark.django_db
def test_job_create_publishes_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    published = []
    monkeypatch.setattr(jobs, "job_publish", lambda *, job_id, kind: published.append(job_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.job_create(kind="labeling.generate_thumbnails", params={"project_id": 1})
    assert published == []
    for callback in callbacks:
        callback()
    assert published == [job.pk]


def test_job_endpoint_shows_own_jobs_only(api, db, annotator, outsider, site_admin):
    job = Job.objects.create(
        kind="labeling.generate_thumbnails", created_by=annotator, progress_done=2, progress_total=5
    )
    response = api(annotator).get(f"/api/jobs/{job.pk}")
    assert response.status_code == 200
    assert response.json()["progress_done"] == 2
    assert response.json()["progress_total"] == 5
    assert api(outsider).get(f"/api/jobs/{job.pk}").status_code == 404
    assert api(site_admin).get(f"/api/jobs/{job.pk}").status_code == 200
    assert api(None).get(f"/api/jobs/{job.pk}").status_code == 401


def test_every_manager_of_the_jobs_project_may_follow_it(api, project, member, annotator):
    starter, other_manager = member("manager"), member("manager")
    job = Job.objects.create(
        kind="labeling.import_items", params={"project_id": project.pk}, created_by=starter
    )
    assert api(other_manager).get(f"/api/jobs/{job.pk}").status_code == 200
    assert api(annotator).get(f"/api/jobs/{job.pk}").status_code == 404  # a member, not a manager
    elsewhere = ProjectFactory()
    stranger = UserFactory()
    MembershipFactory(project=elsewhere, user=stranger, role="manager")
    assert api(stranger).get(f"/api/jobs/{job.pk}").status_code == 404


def test_managers_of_a_dataset_may_follow_its_snapshot_jobs(api, project, member, outsider):
    from datasets.models import Dataset

    starter, other_manager = member("manager"), member("manager")
    dataset = Dataset.objects.create(slug="followed", name="Followed")
    dataset.projects.set([project])
    job = Job.objects.create(
        kind="datasets.build_snapshot", params={"dataset_id": dataset.pk}, created_by=starter
    )
    assert api(other_manager).get(f"/api/jobs/{job.pk}").status_code == 200
    assert api(outsider).get(f"/api/jobs/{job.pk}").status_code == 404
