"""Time the version stores on a W5-shaped load (not collected by pytest: run it).

    .venv/bin/python -m tests.datasets.stores.bench_stores --store local --objects 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/annolake_store_bench \\
        .venv/bin/python -m tests.datasets.stores.bench_stores --store local
    .venv/bin/python -m tests.datasets.stores.bench_stores --store lakefs   # emulator, own process

Steps, each timed: put_many of N ~500-byte item objects on a job branch + commit; 1% of them
(spread evenly) rewritten + commit; two-dot diff of the two commits (first change, all);
merge of the branch into main. With no DATABASE_URL, a fresh SQLite file is used; a
PostgreSQL database named in DATABASE_URL is created if missing. Media go to a temp folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

WORK = tempfile.mkdtemp(prefix="store-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK}/bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", f"{WORK}/media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annolake.settings")
# As in production: with DEBUG on, Django keeps the SQL of every query (bulk inserts too).
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))


def item(i: int, label: str = "A") -> bytes:
    """A canonical item object of ~500 bytes (what a snapshot writes per item)."""
    text = " ".join(f"word{(i * 7 + k) % 2000}" for k in range(50))
    body = {"id": i, "external_id": f"ext-{i}", "data": {"text": text}, "label": label}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def timed(label: str, fn: Callable[[], Any]) -> Any:
    """Wall seconds, this process' CPU seconds (steadier on a busy machine), peak RSS."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<32} {wall:7.2f} s  (cpu {used:6.2f} s)   peak RSS {rss:5.0f} MB", flush=True)
    return result


def database() -> None:
    import django
    import psycopg
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres"
        ) as conn:
            conn.autocommit = True
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if not exists.fetchone():
                conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    django.setup()
    call_command("migrate", verbosity=0)


def make_store(kind: str, workers: int, inline_max: int) -> Any:
    if kind == "local":
        from datasets.stores.local import LocalStore

        return LocalStore(workers=workers, inline_max=inline_max)
    from datasets.stores.lakefs import LakeFSStore

    emulator = subprocess.Popen(
        [sys.executable, "-m", "tests.support.lakefs_emulator", "AKIABENCH", "bench-secret"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert emulator.stdout is not None
    endpoint = emulator.stdout.readline().strip()
    return LakeFSStore(endpoint, "AKIABENCH", "bench-secret", workers=workers)


def run(kind: str, count: int, workers: int, inline_max: int) -> None:
    database()
    store = make_store(kind, workers, inline_max)
    repo = f"bench-{int(time.time())}"
    store.ensure_repository(repo)
    store.create_branch(repo, "round-1", source="main")
    load = os.getloadavg()[0]
    print(f"{kind} store, {count} objects, {workers} upload workers, {os.cpu_count()} cores")
    print(f"load average {load:.1f} when starting")
    if kind == "local":
        print(f"objects up to {inline_max} bytes in the database, larger ones as files")
    print(f"database {os.environ['DATABASE_URL'].split('@')[-1]}")

    def objects(changed: bool = False) -> Iterator[tuple[str, bytes]]:
        step = 100 if changed else 1
        for i in range(0, count, step):
            yield f"items/bench/{i:07d}.json", item(i, "B" if changed else "A")

    timed("put_many (all)", lambda: store.put_many(repo, "round-1", objects()))
    first = timed("commit (all)", lambda: store.commit(repo, "round-1", "snapshot 1"))
    timed("put_many (1% changed)", lambda: store.put_many(repo, "round-1", objects(True)))
    second = timed("commit (1% changed)", lambda: store.commit(repo, "round-1", "snapshot 2"))
    timed("diff: first change", lambda: next(iter(store.diff(repo, first, second))))
    total = timed("diff: all changes", lambda: sum(1 for _ in store.diff(repo, first, second)))
    print(f"  {total} changed objects")
    timed("list all objects (committed)", lambda: sum(1 for _ in store.list_objects(repo, second)))
    timed("merge round-1 into main", lambda: store.merge(repo, "round-1", "main"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=["local", "lakefs"], default="local")
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--inline-max", type=int, default=16 * 1024, help="local store only")
    args = parser.parse_args()
    run(args.store, args.objects, args.workers, args.inline_max)
