"""Thin Celery tasks: take a job id, run one service through the job runner."""

from celery import shared_task

from core.jobs import JOB_TASK_OPTIONS, job_run
from labeling.services.media_jobs import thumbnails_generate


@shared_task(name="labeling.generate_thumbnails", **JOB_TASK_OPTIONS)
def generate_thumbnails(job_id: int) -> None:
    job_run(job_id=job_id, body=thumbnails_generate)


@shared_task(name="labeling.import_items", **JOB_TASK_OPTIONS)
def import_items(job_id: int) -> None:
    from labeling.services.imports import import_job_run

    job_run(job_id=job_id, body=import_job_run)
