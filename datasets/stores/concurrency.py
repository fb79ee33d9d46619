"""Concurrency helpers: a bounded upload pool and per-branch locks."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int, name: str = "store"
) -> Iterator[R]:
    """Apply `fn` to every item on `workers` threads; yield the results in item order.

    At most 2 x `workers` items are in flight, so a lazy iterable of 100k objects is never
    materialised. Waiting on the oldest call (not on whichever finishes first) keeps the
    per-item cost to one future: `wait(FIRST_COMPLETED)` installed a waiter on every
    pending future for every item. The first failure stops submitting, lets in-flight
    calls finish (an upload cut off half way helps nobody) and is raised.
    """
    window = max(1, workers) * 2
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=name) as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                if len(pending) >= window:
                    yield pending.popleft().result()
                pending.append(pool.submit(fn, item))
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


_locks: dict[tuple[str, ...], threading.Lock] = {}
_locks_guard = threading.Lock()


def branch_lock(*key: str) -> threading.Lock:
    """The process-wide lock of one branch (key: store scope, repository, branch).

    Commits and merges on one branch are serialised within a process: they would only race
    on the branch's compare-and-swap and burn retries. Across processes the stores rely on
    compare-and-swap (lakeFS' own, or the local store's) plus idempotency keys.
    """
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = threading.Lock()
        return lock
