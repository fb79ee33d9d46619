"""Start the embedded stack: the web server and a real Celery worker (with beat) side by side."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.models import Job


class Command(BaseCommand):
    help = "Run gunicorn and a Celery worker until interrupted; follow a job's progress if asked."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--follow-jobs", action="store_true", help="print unfinished jobs' progress until done"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bin_dir = os.path.dirname(sys.executable)
        worker = subprocess.Popen(  # noqa: S603 - fixed argv, our own venv
            [
                os.path.join(bin_dir, "celery"),
                "-A",
                "annolake",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=2",
                "--schedule",
                str(settings.VAR_DIR / "celerybeat-schedule"),
            ],
        )
        web = subprocess.Popen(  # noqa: S603
            [
                os.path.join(bin_dir, "gunicorn"),
                "annolake.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
        )
        children = [worker, web]

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(self.style.SUCCESS(f"Annolake is running at http://{options['bind']}/"))
        if options["follow_jobs"]:
            pending = Job.objects.exclude(status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED])
            for job_id in pending.values_list("pk", flat=True):
                self._follow(job_id, children)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        stop(signal.SIGTERM, None)
        for child in children:
            child.wait(timeout=30)

    def _follow(self, job_id: int, children: list[subprocess.Popen]) -> None:
        last = None
        while all(child.poll() is None for child in children):
            job = Job.objects.filter(pk=job_id).first()
            if job is None:
                return
            total = job.progress_total if job.progress_total is not None else "?"
            line = f"job #{job.pk} {job.kind}: {job.status} {job.progress_done}/{total}"
            if line != last:
                self.stdout.write(line)
                last = line
            if job.is_finished:
                return
            time.sleep(0.5)
