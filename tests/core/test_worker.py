"""Integration: a real Celery worker process on Redis (as in production) runs a job."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from core.jobs import job_create
from core.models import Job
from labeling.models import Item
from labeling.services.items import item_create_image
from tests.labeling.images import jpeg_bytes
from tests.support.celery_worker import celery_workers

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_real_worker_runs_a_job_and_reports_progress(project, settings, tmp_path):
    media_root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    project.kind = "image"
    project.save()
    for seed in range(3):
        item_create_image(project=project, data=jpeg_bytes(seed=seed))
    with celery_workers(media_root, tmp_path) as start:
        start()
        job = job_create(kind="labeling.generate_thumbnails", params={"project_id": project.pk})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.2)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.result == {"thumbnails": 3}
    assert Item.objects.filter(project=project, has_thumbnail=True).count() == 3
    assert len(list((media_root / "thumbs").rglob("*.webp"))) == 3
