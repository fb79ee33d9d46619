from celery import shared_task

from core import jobs


@shared_task(name="core.tasks.requeue_stale_jobs", ignore_result=True)
def requeue_stale_jobs() -> int:
    return jobs.jobs_requeue_stale()
