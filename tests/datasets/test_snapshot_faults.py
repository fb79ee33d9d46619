"""Snapshots and merges on a lakeFS that fails the way real deployments do (RELIABILITY.md R7).

The lakeFS emulator injects 5xx answers, branch contention (423/429), stalled requests and
commits or merges that are applied but whose response is lost. Transient faults are
retried a bounded number of times; a commit or merge takes effect exactly once (the retry
finds it by the job's idempotency key); nothing shows on the target until the merge; no
label is lost (the result is byte-identical to a snapshot made without faults). When the
faults never stop, the job fails visibly after bounded attempts and the target is intact.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from core.errors import Conflict, ServiceUnavailable
from core.jobs import TransientJobError
from core.models import Job
from datasets.models import Dataset, Merge
from datasets.services.merges import merge_create, merge_resolve
from datasets.stores import get_version_store
from datasets.stores.base import VersionStore
from datasets.tasks import build_snapshot
from labeling.models import Project
from tests.support.lakefs_emulator import LakeFSEmulator
from tests.support.snapshots import (
    BranchWatcher,
    assert_same_bytes,
    dataset_of,
    first_parents,
    keyed,
    labelled_project,
    listing,
    relabel,
    run_inline,
    snapshot_job,
    use_lakefs,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

REPO = "faulty"
ITEMS = 40
JOB = r"annolake-job-\d+"
JOB_UPLOADS = rf"^/repositories/{REPO}/branches/{JOB}/objects$"
JOB_LISTING = rf"^/repositories/{REPO}/refs/{JOB}/objects/ls$"
JOB_COMMITS = rf"^/repositories/{REPO}/branches/{JOB}/commits$"
MERGE_JOB = rf"^/repositories/{REPO}/refs/{JOB}/merge/round-1$"
MERGE_ROUND = rf"^/repositories/{REPO}/refs/round-1/merge/main$"
ATTEMPTS = 4  # LAKEFS_MAX_ATTEMPTS: tries of one call


@pytest.fixture(scope="module")
def server() -> Iterator[LakeFSEmulator]:
    with LakeFSEmulator() as emulator:
        yield emulator


@pytest.fixture
def emulator(server: LakeFSEmulator, settings: Any) -> Iterator[LakeFSEmulator]:
    server.reset()
    server.settings.contention_status = 429
    # Short timeouts so stalls cost little; the same bounded retries as production.
    use_lakefs(
        settings,
        server,
        LAKEFS_MAX_ATTEMPTS=ATTEMPTS,
        LAKEFS_TIMEOUT_SECONDS=2,
        LAKEFS_COMMIT_TIMEOUT_SECONDS=0.4,
    )
    yield server
    server.faults.clear()
    assert server.internal_errors == []


@pytest.fixture
def labelled(lead: Any, emulator: LakeFSEmulator) -> tuple[Project, Dataset, VersionStore]:
    project = labelled_project(lead, ITEMS)
    dataset = dataset_of(lead, [project], REPO)
    store = get_version_store()
    store.ensure_repository(REPO)
    return project, dataset, store


def _clean_reference(dataset: Dataset, lead: Any, emulator: LakeFSEmulator) -> None:
    """The same labels snapshotted onto `clean` with no faults: the expected bytes."""
    emulator.faults.clear()
    clean = run_inline(snapshot_job(dataset, lead, "clean"))
    assert clean.status == Job.Status.SUCCEEDED, clean.error


def assert_eventually_logged(emulator: LakeFSEmulator, method: str, path: str, n: int) -> None:
    wait_until(
        lambda: emulator.count_requests(method, path) >= n,
        timeout=10,
        what=f"{n} {method} {path} requests in the emulator's log",
    )


def test_a_snapshot_rides_out_5xx_contention_stalls_and_lost_responses_and_commits_once(
    lead, emulator, labelled
):
    _, dataset, store = labelled
    main = store.branch_head(REPO, "main")
    faults = emulator.faults
    faults.add("GET", JOB_LISTING, "status", status=503)
    faults.add("POST", JOB_UPLOADS, "status", status=500, after=2)
    faults.add("POST", JOB_UPLOADS, "reset", after=10)
    emulator.settings.contention_status = 423
    faults.add("POST", JOB_COMMITS, "contention")  # 423: branch update retries exhausted
    faults.add("POST", JOB_COMMITS, "apply_then_reset", after=1)  # committed, answer lost
    faults.add("POST", MERGE_JOB, "timeout", seconds=1.0)  # the client gives up at 0.4 s
    watcher = BranchWatcher(store, REPO, "round-1")
    with watcher.running():
        job = run_inline(snapshot_job(dataset, lead, "round-1"))
        # The stalled merge request is applied late (and refused: nothing left to merge).
        assert_eventually_logged(emulator, "POST", MERGE_JOB, 2)
        final = listing(store, REPO, "round-1")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.attempts == 1
    assert faults.active == []  # every fault fired

    # Once: one commit and one merge made with the job's key, one step on the target.
    assert emulator.count_requests("POST", JOB_COMMITS) == 2  # 423, then lost: found by key
    made = keyed(store, REPO, "round-1", f"snapshot-job-{job.pk}")
    assert sorted(op for op, _ in made) == ["commit", "merge"]
    assert first_parents(store, REPO, "round-1") == [store.branch_head(REPO, "round-1"), main]
    # Retries are bounded: each faulted call was repeated once.
    assert emulator.count_requests("POST", JOB_UPLOADS) == ITEMS + 1 + 2
    # Nothing half-visible, nothing lost.
    assert len(final) == ITEMS + 1
    assert watcher.unexpected({}, final) == []
    _clean_reference(dataset, lead, emulator)
    assert assert_same_bytes(store, REPO, "round-1", "clean") == ITEMS + 1


def test_a_snapshot_on_a_store_that_never_recovers_fails_visibly_after_bounded_attempts(
    lead, emulator, labelled, settings
):
    _, dataset, store = labelled
    settings.LAKEFS_MAX_ATTEMPTS = 2  # keep the backoff short: 3 jobs attempts x 2 tries
    store = get_version_store()
    emulator.faults.add("POST", JOB_COMMITS, "status", status=503, times=None)
    job = snapshot_job(dataset, lead, "round-1")
    # Deliver the task as Celery's autoretry would (eager mode raises Retry instead), until
    # the job row says it is finished; the row, not Celery's max_retries, bounds attempts.
    deliveries = 0
    while not job.is_finished and deliveries < 10:
        deliveries += 1
        with contextlib.suppress(TransientJobError):
            build_snapshot.run(job.pk)
        job.refresh_from_db()

    assert deliveries == settings.JOB_MAX_ATTEMPTS + 1  # the last one only gives up
    assert job.status == Job.Status.FAILED
    assert job.attempts == settings.JOB_MAX_ATTEMPTS
    assert job.error == f"gave up after {settings.JOB_MAX_ATTEMPTS} attempts"
    assert "commit annolake-job" in job.message and "Throughput exceeded" in job.message
    # Bounded: attempts of the job x tries of the call, and no more.
    commits = emulator.count_requests("POST", JOB_COMMITS)
    assert commits == settings.JOB_MAX_ATTEMPTS * settings.LAKEFS_MAX_ATTEMPTS
    # The target never saw any of it.
    assert listing(store, REPO, "round-1") == {}
    assert store.branch_head(REPO, "round-1") == store.branch_head(REPO, "main")

    # Once the store is back, a new snapshot of the same labels loses nothing.
    emulator.faults.clear()
    again = run_inline(snapshot_job(dataset, lead, "round-1"))
    assert again.status == Job.Status.SUCCEEDED, again.error
    assert len(listing(store, REPO, "round-1")) == ITEMS + 1


def test_a_failing_pre_merge_hook_fails_the_snapshot_at_once(lead, emulator, labelled):
    _, dataset, store = labelled
    emulator.faults.add("POST", MERGE_JOB, "status", status=412, times=None)
    job = run_inline(snapshot_job(dataset, lead, "round-1"))
    assert job.status == Job.Status.FAILED
    assert job.attempts == 1
    assert "pre-merge hook aborted" in job.error
    assert emulator.count_requests("POST", MERGE_JOB) == 1  # 412 is never retried
    assert listing(store, REPO, "round-1") == {}


@pytest.fixture
def round_1(lead, emulator, labelled) -> tuple[Dataset, VersionStore, str]:
    """round-1 snapshotted without faults; main still empty."""
    _, dataset, store = labelled
    job = run_inline(snapshot_job(dataset, lead, "round-1"))
    assert job.status == Job.Status.SUCCEEDED, job.error
    return dataset, store, store.branch_head(REPO, "main")


def test_a_merge_rides_out_5xx_contention_and_a_lost_response_merging_once(lead, emulator, round_1):
    dataset, store, main = round_1
    faults = emulator.faults
    faults.add("POST", MERGE_ROUND, "status", status=500)
    faults.add("POST", MERGE_ROUND, "contention", after=1)  # 429
    faults.add("POST", MERGE_ROUND, "apply_then_reset", after=2)  # merged, answer lost
    watcher = BranchWatcher(store, REPO, "main")
    with watcher.running():
        merge = merge_create(
            dataset=dataset, source="round-1", target="main", message="", user=lead
        )
    assert merge.status == Merge.Status.MERGED
    assert merge.commit == store.branch_head(REPO, "main")
    assert emulator.count_requests("POST", MERGE_ROUND) == 3
    assert [op for op, _ in keyed(store, REPO, "main", f"merge-{merge.pk}")] == ["merge"]
    assert first_parents(store, REPO, "main") == [merge.commit, main]
    assert watcher.unexpected({}, listing(store, REPO, "round-1")) == []
    assert assert_same_bytes(store, REPO, "main", "round-1") == ITEMS + 1


def test_a_merge_on_a_store_that_never_recovers_answers_503_and_leaves_no_merge_behind(
    api, lead, emulator, round_1
):
    dataset, store, main = round_1
    emulator.faults.add("POST", MERGE_ROUND, "status", status=503, times=None)
    response = api(lead).post(
        f"/api/datasets/{dataset.slug}/merges", {"source": "round-1"}, format="json"
    )
    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "unavailable"
    assert emulator.count_requests("POST", MERGE_ROUND) == ATTEMPTS
    assert store.branch_head(REPO, "main") == main
    assert not Merge.objects.exists()  # no phantom "conflict" waiting to be resolved

    emulator.faults.clear()
    response = api(lead).post(
        f"/api/datasets/{dataset.slug}/merges", {"source": "round-1"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert assert_same_bytes(store, REPO, "main", "round-1") == ITEMS + 1


def test_a_merge_request_that_stalls_past_the_timeout_takes_effect_once(lead, emulator, round_1):
    dataset, store, main = round_1
    # The first merge request hangs 1 s (the client gives up at 0.4 s), then is applied.
    emulator.faults.add("POST", MERGE_ROUND, "timeout", seconds=1.0)
    merge = merge_create(dataset=dataset, source="round-1", target="main", message="", user=lead)
    assert_eventually_logged(emulator, "POST", MERGE_ROUND, 2)  # the stalled one, too
    assert merge.status == Merge.Status.MERGED
    # Whichever landed first, the other found it (by key) or was refused: one merge.
    assert [op for op, _ in keyed(store, REPO, "main", f"merge-{merge.pk}")] == ["merge"]
    assert first_parents(store, REPO, "main") == [merge.commit, main]
    assert assert_same_bytes(store, REPO, "main", "round-1") == ITEMS + 1


def test_resolving_a_conflicted_merge_while_the_store_is_down_answers_503_and_can_be_retried(
    lead, emulator, labelled, round_1
):
    project, dataset, store = labelled
    merge_create(dataset=dataset, source="round-1", target="main", message="", user=lead)
    relabel(project, "E", every=2)
    assert run_inline(snapshot_job(dataset, lead, "round-1")).status == Job.Status.SUCCEEDED
    relabel(project, "D", every=2)
    assert run_inline(snapshot_job(dataset, lead, "round-2")).status == Job.Status.SUCCEEDED
    merge_create(dataset=dataset, source="round-2", target="main", message="", user=lead)
    with pytest.raises(Conflict) as conflict:
        merge_create(dataset=dataset, source="round-1", target="main", message="", user=lead)
    merge = Merge.objects.get(pk=conflict.value.details["merge"])
    main = store.branch_head(REPO, "main")
    before = listing(store, REPO, "main")
    base = listing(store, REPO, store.merge_base(REPO, "round-1", "main"))
    conflicted = {row["path"] for row in conflict.value.details["conflicts"]}

    emulator.faults.add("POST", MERGE_ROUND, "status", status=503, times=None)
    with pytest.raises(ServiceUnavailable):
        merge_resolve(merge=merge, user=lead, choice="source")
    merge.refresh_from_db()
    assert merge.status == Merge.Status.CONFLICT  # still waiting for its resolution
    assert store.branch_head(REPO, "main") == main

    emulator.faults.clear()
    merge = merge_resolve(merge=merge, user=lead, choice="source")
    assert merge.status == Merge.Status.MERGED
    # Conflicted items take the source's version; the others whichever side changed them.
    source, after = listing(store, REPO, "round-1"), listing(store, REPO, "main")
    assert conflicted and all(after[p] == source[p] != before[p] for p in conflicted)
    items = [p for p in after if p.startswith("items/")]
    assert len(items) == ITEMS
    assert all(after[p] == (source[p] if source[p] != base[p] else before[p]) for p in items)
