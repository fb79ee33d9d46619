"""Integration: a real Celery worker process on the configured broker runs a job."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from core.jobs import job_create
from core.models import Job
from labeling.models import Item
from labeling.services.items import item_create_image
from tests.labeling.images import jpeg_bytes

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _start_worker(media_root: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {**os.environ, "MEDIA_ROOT": str(media_root)}
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "annolake",
            "worker",
            "--loglevel=WARNING",
            "--concurrency=1",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
    )


def test_real_worker_runs_a_job_and_reports_progress(project, settings, tmp_path):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("a worker process cannot share an in-memory SQLite database")
    media_root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    project.kind = "image"
    project.save()
    for seed in range(3):
        item_create_image(project=project, data=jpeg_bytes(seed=seed))
    worker = _start_worker(media_root)
    try:
        job = job_create(kind="labeling.generate_thumbnails", params={"project_id": project.pk})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.result == {"thumbnails": 3}
    assert Item.objects.filter(project=project, has_thumbnail=True).count() == 3
    assert len(list((media_root / "thumbs").rglob("*.webp"))) == 3
