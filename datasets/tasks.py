"""Thin Celery tasks for datasets: take a job id, run one service through the job runner."""

from celery import shared_task

from core.jobs import JOB_TASK_OPTIONS, job_run
from datasets.services.prebuild import exports_prebuild
from datasets.services.snapshots import snapshot_build


@shared_task(name="datasets.build_snapshot", **JOB_TASK_OPTIONS)
def build_snapshot(job_id: int) -> None:
    job_run(job_id=job_id, body=snapshot_build)


@shared_task(name="datasets.prebuild_exports", **JOB_TASK_OPTIONS)
def prebuild_exports(job_id: int) -> None:
    job_run(job_id=job_id, body=exports_prebuild)
