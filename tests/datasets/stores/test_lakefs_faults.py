"""`LakeFSStore` under the faults a real lakeFS deployment produces (RELIABILITY.md R7),
injected by the emulator: transient failures are retried with bounded backoff and
timeouts, permanent ones fail fast, and a commit or merge takes effect exactly once."""

from __future__ import annotations

import time

import pytest

from datasets.stores.base import (
    IDEMPOTENCY_KEY,
    AlreadyExists,
    PreconditionFailed,
    StoreUnavailable,
)
from datasets.stores.lakefs import LakeFSStore
from datasets.stores.lakefs_client import RetryPolicy
from tests.support.lakefs_emulator import LakeFSEmulator

from .conftest import emulator_store

REPO = "faults"
UPLOADS = r"/branches/main/objects$"
COMMITS = r"/branches/main/commits$"
MERGES = r"/merge/main$"


@pytest.fixture
def store(emulator: LakeFSEmulator) -> LakeFSStore:
    store = emulator_store(emulator)
    store.ensure_repository(REPO)
    return store


def keyed_commits(store: LakeFSStore, branch: str, key: str) -> list[str]:
    return [c.id for c in store.log(REPO, branch) if c.metadata.get(IDEMPOTENCY_KEY) == key]


def test_a_500_on_the_third_upload_is_retried(emulator: LakeFSEmulator, store: LakeFSStore) -> None:
    fault = emulator.faults.add("POST", UPLOADS, "status", status=500, after=2)
    objects = ((f"items/{i}.json", b"{}") for i in range(6))
    assert store.put_many(REPO, "main", objects, workers=1).objects == 6
    assert (fault.seen, fault.fired) == (3, 1)
    assert emulator.count_requests("POST", UPLOADS) == 7
    assert len(list(store.list_objects(REPO, "main"))) == 6


def test_a_connection_reset_upload_is_retried(emulator: LakeFSEmulator, store: LakeFSStore) -> None:
    emulator.faults.add("POST", UPLOADS, "reset")
    store.put(REPO, "main", "reset.txt", b"r")
    assert store.read(REPO, "main", "reset.txt") == b"r"
    assert emulator.count_requests("POST", UPLOADS) == 2


@pytest.mark.parametrize("status", [423, 429])
def test_commit_contention_is_retried(
    emulator: LakeFSEmulator, store: LakeFSStore, status: int
) -> None:
    emulator.settings.contention_status = status
    try:
        store.put(REPO, "main", "a", b"a")
        emulator.faults.add("POST", COMMITS, "contention", times=2)  # 10 lost CAS each: 429
        made = store.commit(REPO, "main", "contended")
    finally:
        emulator.settings.contention_status = 429
    assert store.branch_head(REPO, "main") == made
    assert emulator.count_requests("POST", COMMITS, status=status) == 2
    assert emulator.count_requests("POST", COMMITS, status=201) == 1


def test_a_commit_whose_response_is_lost_is_not_made_twice(
    emulator: LakeFSEmulator, store: LakeFSStore
) -> None:
    store.put(REPO, "main", "data", b"d")
    before = store.branch_head(REPO, "main")
    emulator.faults.add("POST", COMMITS, "apply_then_reset")
    made = store.commit(REPO, "main", "snapshot", idempotency_key="job-9")
    assert made == store.branch_head(REPO, "main") == emulator.branch_head(REPO, "main")
    assert store.get_commit(REPO, made).parents == (before,)
    assert keyed_commits(store, "main", "job-9") == [made]
    assert emulator.count_requests("POST", COMMITS) == 1  # found in the head's metadata
    # A later run of the same job (a Celery retry) gets the same commit, not an error.
    assert store.commit(REPO, "main", "snapshot", idempotency_key="job-9") == made


def test_a_merge_whose_response_is_lost_is_not_made_twice(
    emulator: LakeFSEmulator, store: LakeFSStore
) -> None:
    store.create_branch(REPO, "job-3", source="main")
    store.put(REPO, "job-3", "out.json", b"{}")
    store.commit(REPO, "job-3", "snapshot", idempotency_key="job-3")
    emulator.faults.add("POST", MERGES, "apply_then_reset")
    merged = store.merge(REPO, "job-3", "main", idempotency_key="job-3")
    assert merged == store.branch_head(REPO, "main")
    assert len(store.get_commit(REPO, merged).parents) == 2
    assert emulator.count_requests("POST", MERGES) == 1


def test_a_commit_reset_before_it_applied_is_sent_again(
    emulator: LakeFSEmulator, store: LakeFSStore
) -> None:
    store.put(REPO, "main", "a", b"a")
    emulator.faults.add("POST", COMMITS, "reset")
    made = store.commit(REPO, "main", "after reset", idempotency_key="job-4")
    assert keyed_commits(store, "main", "job-4") == [made]
    assert emulator.count_requests("POST", COMMITS) == 2


def test_a_failing_pre_commit_hook_fails_fast(emulator: LakeFSEmulator, store: LakeFSStore) -> None:
    store.put(REPO, "main", "y", b"y")
    emulator.faults.add("POST", COMMITS, "status", status=412, times=None)
    with pytest.raises(PreconditionFailed, match="pre-commit hook"):
        store.commit(REPO, "main", "blocked")
    assert emulator.count_requests("POST", COMMITS) == 1


def test_a_failing_pre_merge_hook_fails_fast(emulator: LakeFSEmulator, store: LakeFSStore) -> None:
    store.create_branch(REPO, "dev", source="main")
    store.put(REPO, "dev", "x", b"x")
    store.commit(REPO, "dev", "dev")
    emulator.faults.add("POST", MERGES, "status", status=412, times=None)
    with pytest.raises(PreconditionFailed, match="pre-merge hook"):
        store.merge(REPO, "dev", "main")
    assert emulator.count_requests("POST", MERGES) == 1


def test_conflicts_fail_fast(emulator: LakeFSEmulator, store: LakeFSStore) -> None:
    store.create_branch(REPO, "dev", source="main")
    with pytest.raises(AlreadyExists):
        store.create_branch(REPO, "dev", source="main")
    assert emulator.count_requests("POST", r"/branches$") == 2


def test_a_stalled_request_times_out_and_is_retried(emulator: LakeFSEmulator) -> None:
    policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, timeout=0.3)
    store = emulator_store(emulator, policy=policy)
    store.ensure_repository(REPO)
    emulator.faults.add("GET", r"/branches/main$", "timeout", seconds=2)
    started = time.monotonic()
    assert store.branch_head(REPO, "main")
    assert time.monotonic() - started < 1.5


def test_timeouts_and_retries_are_bounded(emulator: LakeFSEmulator) -> None:
    policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, timeout=0.2)
    store = emulator_store(emulator, policy=policy)
    store.ensure_repository(REPO)
    stall = emulator.faults.add("GET", r"/branches/main$", "timeout", seconds=2, times=None)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.branch_head(REPO, "main")
    assert time.monotonic() - started < 1.5
    assert stall.fired == 3  # the stalled requests are still hanging: not logged yet


def test_persistent_5xx_ends_in_store_unavailable(
    emulator: LakeFSEmulator, store: LakeFSStore
) -> None:
    emulator.faults.add("GET", r"/objects/stat$", "status", status=503, times=None)
    with pytest.raises(StoreUnavailable):
        store.stat(REPO, "main", "anything")
    assert emulator.count_requests("GET", r"/objects/stat$") == store.policy.attempts
