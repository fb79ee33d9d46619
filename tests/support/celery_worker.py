"""Real `celery worker` subprocesses on Redis for integration tests (RELIABILITY.md R4/R5).

The worker and the test share the test database (tests using it need
`django_db(transaction=True)`, so rows are committed and visible across processes) and the
media folder. The broker is `TEST_REDIS_URL` (the Makefile sets it; each engineer points it
at a database of their own): `redis_broker()` points the test process's Celery app at it
too, so `job_create` publishes where the worker consumes, and empties kombu's keys there
before and after, so messages of an earlier test (e.g. one a killed worker left unacked)
never reach a later test's worker.

A worker runs with `--pool=solo`: the task runs in the worker's own process, so SIGKILL
of that PID is a crash in the middle of the task, with no parent to notice and requeue.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection

from annolake.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
KOMBU_KEY_PATTERNS = ("celery*", "unacked*", "_kombu*")


def redis_url_for_tests() -> str:
    """The broker for worker tests; skip (with the reason) when none is configured."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip("set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/13) to run worker tests")
    return url


def _forget_broker_connections() -> None:
    """Close and forget every pooled broker connection (kombu caches pools per URL)."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _empty_kombu_keys(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        for pattern in KOMBU_KEY_PATTERNS:
            keys = list(client.scan_iter(match=pattern, count=500))
            if keys:
                client.delete(*keys)
    finally:
        client.close()


@contextlib.contextmanager
def redis_broker(url: str) -> Iterator[str]:
    """Publish this process's Celery messages to `url` (and clean kombu's keys there)."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options)
    _empty_kombu_keys(url)
    _forget_broker_connections()
    conf.broker_url = url
    conf.broker_transport_options = {"visibility_timeout": 3600}
    try:
        yield url
    finally:
        _forget_broker_connections()
        conf.broker_url, conf.broker_transport_options = saved
        _empty_kombu_keys(url)


def database_url() -> str:
    """The test database, as a DATABASE_URL a worker process can use."""
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("worker tests need PostgreSQL (a worker cannot share the test's SQLite)")
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One `celery worker` process; `kill()` is SIGKILL, `stop()` a warm shutdown."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
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
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no ack, no job row update - a crash."""
        if self.alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


WorkerFactory = Callable[..., Worker]


@contextlib.contextmanager
def celery_workers(media_root: str | Path, log_dir: Path) -> Iterator[WorkerFactory]:
    """Start workers with `start(**env_overrides)`; all are stopped on exit.

    The test process publishes to the same Redis meanwhile.
    """
    url = redis_url_for_tests()
    started: list[Worker] = []
    base_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": url,
        "MEDIA_ROOT": str(media_root),
        "PYTHONUNBUFFERED": "1",
    }

    def start(**env: str) -> Worker:
        worker = Worker({**base_env, **env}, log_dir / f"worker-{len(started) + 1}.log")
        started.append(worker)
        return worker

    with redis_broker(url):
        try:
            yield start
        finally:
            for worker in started:
                worker.stop()
