"""A real Annolake server for the benchmark: fresh PostgreSQL database, gunicorn, RSS sampler.

``BenchServer`` is a context manager: it recreates the database ``annolake_bench``, migrates,
starts gunicorn (and a Celery worker, for imports that answer 202 with a job) in their own
process groups, waits for ``/healthz`` and samples the summed RSS of the gunicorn master and
its workers in a background thread. Leaving the ``with`` block (normally, on an error or on
Ctrl-C) stops every process it started.

Self-test: ``python -m bench.server`` starts it, creates a few users and tokens through
``POST /api/auth/token``, lists projects and stops it again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg

from bench.client import ApiClient

# BENCH_REPO may point at another checkout (e.g. an exported commit) to measure that instead.
REPO = Path(os.environ.get("BENCH_REPO") or Path(__file__).resolve().parent.parent)
VENV_BIN = Path(sys.executable).parent
PG_URL = "postgres://postgres@127.0.0.1:5432"
BENCH_DB = "annolake_bench"
BROKER_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway database
LEAD = "bench-lead"


def annotator_name(index: int) -> str:
    return f"bench-annotator-{index}"


@dataclass
class ServerConfig:
    # On 2 cores, 2 workers x 4 threads gave the most annotations/s in W2 with half the memory
    # of 4 x 4 (more workers only add RSS and context switches: the work is CPU-bound).
    workers: int = 2
    threads: int = 4
    timeout: int = 120  # as docker/entrypoint.sh: a 100k import must not be killed at 30 s
    database: str = BENCH_DB
    celery_worker: bool = True
    celery_concurrency: int = 1
    access_log: bool = True  # production logs every request (docker/entrypoint.sh)

    def describe(self) -> str:
        return f"gunicorn {self.workers} workers x {self.threads} threads (gthread)"


# --- processes and memory ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kb(pid: int) -> int:
    """VmRSS of one process in KiB (0 when it is gone or is a zombie)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (through /proc/<pid>/task/<tid>/children)."""
    found = [pid]
    index = 0
    while index < len(found):
        current = found[index]
        index += 1
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    found.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def tree_rss_kb(pid: int) -> int:
    return sum(rss_kb(p) for p in process_tree(pid))


class RssSampler(threading.Thread):
    """Samples the summed RSS of a process tree (or, ``tree=False``, of the process alone);
    ``peak_kb`` since the last ``reset()``."""

    def __init__(self, pid: int, interval: float = 0.1, *, tree: bool = True) -> None:
        super().__init__(name=f"rss-{pid}", daemon=True)
        self.pid = pid
        self._measure = tree_rss_kb if tree else rss_kb
        self.interval = interval
        self.peak_kb = 0
        self.last_kb = 0
        self._stop_event = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def sample(self) -> int:
        value = self._measure(self.pid)
        with self._lock:
            self.last_kb = value
            self.peak_kb = max(self.peak_kb, value)
        return value

    def reset(self) -> int:
        """Start a new peak from the current RSS; returns that RSS (KiB)."""
        value = self._measure(self.pid)
        with self._lock:
            self.last_kb = value
            self.peak_kb = value
        return value

    def stop(self) -> None:
        self._stop_event.set()


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its living descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def postmaster_pid() -> int:
    """The PostgreSQL server's main process (the parent of our own backend)."""
    with psycopg.connect(f"{PG_URL}/postgres") as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert row is not None
        # Read while the connection (and so the backend process) is still there.
        with open(f"/proc/{row[0]}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])


class PgCpuSampler(threading.Thread):
    """CPU seconds used by the PostgreSQL backends of one database during a time span.

    Backends come and go (Django closes connections older than CONN_MAX_AGE), so each is
    sampled every ``interval``; one that exits loses at most that much of its CPU.
    """

    def __init__(self, database: str, interval: float = 0.5) -> None:
        super().__init__(name="pg-cpu", daemon=True)
        self.marker = f" {database} ".encode()
        self.interval = interval
        self.postmaster = postmaster_pid()
        self.baseline: dict[int, float] = {}
        self.latest: dict[int, float] = {}
        self._stop_event = threading.Event()

    def backends(self) -> list[int]:
        found = []
        for pid in process_tree(self.postmaster)[1:]:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    if self.marker in cmdline.read():
                        found.append(pid)
            except (FileNotFoundError, ProcessLookupError):
                continue
        return found

    def sample(self) -> None:
        for pid in self.backends():
            self.latest[pid] = tree_cpu_seconds(pid)

    def run(self) -> None:
        self.sample()
        self.baseline = dict(self.latest)
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> float:
        """Stop sampling; the CPU seconds used since the start."""
        self._stop_event.set()
        self.join()
        self.sample()
        return sum(cpu - self.baseline.get(pid, 0.0) for pid, cpu in self.latest.items())


def stop_process_group(proc: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM the process (gunicorn and Celery shut their children down), then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    # Whatever is left in its group (a worker that outlived its master) is killed.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done, then deliver the last one received."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, frame: received.append(signum))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            os.kill(os.getpid(), received[-1])


# --- database ---------------------------------------------------------------------------------


def recreate_database(name: str) -> None:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Settings that change the figures: planner statistics, memory, durability.
PG_SETTINGS = ("autovacuum", "shared_buffers", "work_mem", "synchronous_commit", "fsync")


def postgres_version() -> str:
    with psycopg.connect(f"{PG_URL}/postgres") as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


def postgres_settings() -> dict[str, str]:
    values = {}
    with psycopg.connect(f"{PG_URL}/postgres") as conn:
        for name in PG_SETTINGS:
            row = conn.execute(f"SHOW {name}").fetchone()
            values[name] = str(row[0]) if row else "?"
    return values


def flush_broker(url: str) -> None:
    """Empty the benchmark's Redis database so no stale job message is delivered."""
    import redis

    redis.Redis.from_url(url).flushdb()


# --- the server -------------------------------------------------------------------------------


@dataclass
class BenchServer:
    config: ServerConfig = field(default_factory=ServerConfig)
    keep_database: bool = False
    port: int = 0
    tmp: Path | None = None
    gunicorn: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    rss: RssSampler | None = None
    worker_rss: RssSampler | None = None
    env: dict[str, str] = field(default_factory=dict)

    # -- lifecycle --

    def __enter__(self) -> BenchServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="annolake-bench-"))
        self.port = free_port()
        self.env = self._environment()
        print(f"server: recreating database {self.config.database}", flush=True)
        recreate_database(self.config.database)
        flush_broker(BROKER_URL)
        self.manage("migrate", "--noinput", quiet=True)
        self.gunicorn = self._spawn(self._gunicorn_argv(), "gunicorn.log")
        if self.config.celery_worker:
            self.worker = self._spawn(self._celery_argv(), "celery.log")
        self.wait_healthy()
        self.rss = RssSampler(self.gunicorn.pid)
        self.rss.start()
        if self.worker is not None:
            self.worker_rss = RssSampler(self.worker.pid)
            self.worker_rss.start()
        print(f"server: up at {self.base_url} ({self.config.describe()})", flush=True)

    def stop(self) -> None:
        """Stop everything; a second Ctrl-C or SIGTERM meanwhile must not cut this short."""
        with signals_deferred():
            self._stop()

    def _stop(self) -> None:
        for sampler in (self.rss, self.worker_rss):
            if sampler is not None:
                sampler.stop()
        for proc in (self.gunicorn, self.worker):
            if proc is not None:
                stop_process_group(proc)
        self.gunicorn = self.worker = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        if not self.keep_database:
            with contextlib.suppress(psycopg.Error):
                drop_database(self.config.database)
        with contextlib.suppress(Exception):
            flush_broker(BROKER_URL)  # the worker's queue bindings

    # -- pieces --

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"{PG_URL}/{self.config.database}"

    def _environment(self) -> dict[str, str]:
        assert self.tmp is not None
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_hex(32),  # 64 characters
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "0",
                "SESSION_COOKIE_SECURE": "0",
                "CSRF_COOKIE_SECURE": "0",
                "CELERY_BROKER_URL": BROKER_URL,
                "MEDIA_ROOT": str(self.tmp / "media"),
                "ANNOLAKE_VAR_DIR": str(self.tmp / "var"),
                "DJANGO_SETTINGS_MODULE": "annolake.settings",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def _gunicorn_argv(self) -> list[str]:
        argv = [
            str(VENV_BIN / "gunicorn"),
            "annolake.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.config.workers),
            "--threads",
            str(self.config.threads),
            "--timeout",
            str(self.config.timeout),
        ]
        if self.config.access_log:
            argv += ["--access-logfile", "-"]
        return argv

    def _celery_argv(self) -> list[str]:
        return [
            str(VENV_BIN / "celery"),
            "-A",
            "annolake",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={self.config.celery_concurrency}",
        ]

    def _spawn(self, argv: list[str], log_name: str) -> subprocess.Popen[bytes]:
        assert self.tmp is not None
        log = open(self.tmp / log_name, "wb")  # noqa: SIM115 - the child keeps it open
        try:
            # A session of its own: Ctrl-C reaches only us, and we stop the group in order.
            return subprocess.Popen(
                argv,
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def log_tail(self, name: str = "gunicorn.log", lines: int = 30) -> str:
        if self.tmp is None or not (self.tmp / name).exists():
            return ""
        return "\n".join((self.tmp / name).read_text(errors="replace").splitlines()[-lines:])

    def manage(self, *args: str, quiet: bool = False) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        if not quiet:
            return result.stdout
        return ""

    def wait_healthy(self, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.gunicorn is not None and self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                response = ApiClient(self.port).get("/healthz")
                if response.status == 200:
                    return response.json()
                last = f"{response.status} {response.body[:300]!r}"
            except OSError as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise RuntimeError(f"/healthz did not answer 200 in {timeout:.0f} s: {last}")

    # -- users and tokens --

    def create_users(self, usernames: list[str], staff: tuple[str, ...] = ()) -> None:
        """Create (or reset) users with one password, hashed once (PBKDF2 is slow on purpose)."""
        script = (
            "import json, sys\n"
            "from django.contrib.auth.hashers import make_password\n"
            "from django.contrib.auth.models import User\n"
            f"names, staff = json.loads({json.dumps(json.dumps([usernames, list(staff)]))})\n"
            f"hashed = make_password({PASSWORD!r})\n"
            "for name in names:\n"
            "    user, _ = User.objects.get_or_create(username=name)\n"
            "    user.password = hashed\n"
            "    user.is_staff = name in staff\n"
            "    user.save()\n"
        )
        self.manage("shell", "-c", script, quiet=True)

    def token(self, username: str) -> str:
        response = ApiClient(self.port).post_json(
            "/api/auth/token", {"username": username, "password": PASSWORD}
        )
        if response.status != 200:
            raise RuntimeError(f"token for {username}: {response.status} {response.body[:300]!r}")
        return str(response.json()["token"])

    def tokens(self, usernames: list[str], parallel: int = 8) -> dict[str, str]:
        """Tokens through ``POST /api/auth/token``, a few at a time (each checks a hash)."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            return dict(zip(usernames, pool.map(self.token, usernames), strict=True))

    def client(self, token: str | None = None) -> ApiClient:
        return ApiClient(self.port, token=token)

    # -- SQL against the benchmark database --

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cursor = conn.execute(query, params)  # type: ignore[arg-type]
            return list(cursor.fetchall()) if cursor.description else []


def environment_summary(config: ServerConfig) -> dict[str, Any]:
    import gunicorn

    settings = postgres_settings()
    return {
        "cores": os.cpu_count(),
        "database": postgres_version()
        + " at 127.0.0.1:5432 (same machine; "
        + ", ".join(f"{k}={v}" for k, v in settings.items())
        + ")",
        "postgres_settings": settings,
        "server": config.describe() + f", gunicorn {gunicorn.__version__}, DEBUG=0",
        "python": sys.version.split()[0],
    }


def _self_test(config: ServerConfig) -> None:
    usernames = [LEAD, annotator_name(0), annotator_name(1)]
    with BenchServer(config) as server:
        assert server.rss is not None
        assert server.gunicorn is not None
        tree = process_tree(server.gunicorn.pid)
        print(f"server: gunicorn tree {tree}, RSS {server.rss.sample() / 1024:.1f} MiB")
        started = time.perf_counter()
        server.create_users(usernames)
        tokens = server.tokens(usernames)
        print(f"server: {len(tokens)} users and tokens in {time.perf_counter() - started:.1f} s")
        response = server.client(tokens[LEAD]).get("/api/projects/")
        print(f"server: GET /api/projects/ -> {response.status} {response.body[:200]!r}")
        time.sleep(0.5)
        print(f"server: peak RSS {server.rss.peak_kb / 1024:.1f} MiB")
    print(json.dumps(environment_summary(config)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=ServerConfig.workers)
    parser.add_argument("--threads", type=int, default=ServerConfig.threads)
    args = parser.parse_args(argv)
    _self_test(ServerConfig(workers=args.workers, threads=args.threads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
