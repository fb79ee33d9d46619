"""A snapshot job whose worker is SIGKILLed mid-upload is finished by a retry, whole and once.

RELIABILITY.md R4: a real `celery worker` process on Redis runs the snapshot; it is stopped
at a known point of the upload (1,050 of 1,100 items staged on the job branch - the local
store hangs there, the lakeFS emulator stalls every later upload) and SIGKILLed. The stale
job sweeper (`jobs_requeue_stale`) re-publishes the job and a new worker finishes it.
Meanwhile a thread reads the target branch over and over: it only ever shows nothing or
the whole snapshot. The result is byte-for-byte an uninterrupted snapshot of the same
labels, with one snapshot commit (and one merge) on the target.

The same holds for a death right after the commit or the merge took effect (in process,
both stores): the retry finds those steps by the job's idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.jobs import jobs_requeue_stale
from core.models import Job
from datasets.services.snapshots import snapshot_start
from datasets.stores import get_version_store
from tests.support.celery_worker import WorkerFactory, celery_workers
from tests.support.lakefs_emulator import LakeFSEmulator
from tests.support.snapshots import (
    BranchWatcher,
    assert_same_bytes,
    dataset_of,
    first_parents,
    keyed,
    labelled_project,
    listing,
    run_inline,
    snapshot_job,
    wait_until,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ITEMS = 1100  # progress is written every 1,000 items: the job row shows it mid-way
GATE = 1050  # objects staged on the job branch when the worker is killed
BATCH = 50  # the gated local store stages every 50 objects
REPO = "killed"
JOB_UPLOADS = r"^/repositories/killed/branches/annolake-job-\d+/objects$"


@pytest.fixture
def workers(settings: Any, tmp_path: Path) -> Iterator[WorkerFactory]:
    media = settings.STORAGES["default"]["OPTIONS"]["location"]
    with celery_workers(media, tmp_path) as start:
        yield start


@pytest.fixture
def lakefs(settings: Any) -> Iterator[LakeFSEmulator]:
    """An emulator of this test's own: stopping it drops the requests it keeps stalled."""
    with LakeFSEmulator() as emulator:
        settings.VERSION_STORE = "lakefs"
        settings.LAKEFS_ENDPOINT = emulator.endpoint
        settings.LAKEFS_ACCESS_KEY_ID = emulator.access_key
        settings.LAKEFS_SECRET_ACCESS_KEY = emulator.secret_key
        yield emulator
        assert emulator.internal_errors == []


def _lakefs_env(emulator: LakeFSEmulator) -> dict[str, str]:
    return {
        "VERSION_STORE": "lakefs",
        "LAKEFS_ENDPOINT": emulator.endpoint,
        "LAKEFS_ACCESS_KEY_ID": emulator.access_key,
        "LAKEFS_SECRET_ACCESS_KEY": emulator.secret_key,
    }


def _kill_mid_upload_and_retry(
    *,
    lead: Any,
    settings: Any,
    workers: WorkerFactory,
    first_env: dict[str, str],
    retry_env: dict[str, str],
    reached_gate: Callable[[Job], bool],
    after_kill: Callable[[], None] = lambda: None,
) -> None:
    project = labelled_project(lead, ITEMS)
    dataset = dataset_of(lead, [project], REPO)
    store = get_version_store()
    store.ensure_repository(REPO)
    main = store.branch_head(REPO, "main")
    first = workers(**first_env)
    watcher = BranchWatcher(store, REPO, "round-1", every=0.05)
    with watcher.running():
        job = snapshot_start(
            dataset=dataset, branch="round-1", message="", created_by=lead, include="completed"
        )

        def claimed() -> bool:
            job.refresh_from_db()
            return job.status == Job.Status.RUNNING

        wait_until(claimed, timeout=60, what="the first worker to take the job")
        # Started now, it cannot take the first's message; it takes over a running job
        # whose heartbeat is 1 s old, once the sweeper re-publishes it.
        second = workers(**retry_env, JOB_STALE_AFTER_SECONDS="1")

        def at_gate() -> bool:
            job.refresh_from_db()
            assert first.alive(), first.log()
            return reached_gate(job)

        wait_until(at_gate, timeout=60, what="the first worker to stage 1,050 objects")
        # Mid-way, as the job row says too: running, first attempt, 1,000 items prepared.
        assert (job.status, job.attempts, job.progress_done) == ("running", 1, 1000)
        assert job.message == "Prepared 1000 items" and job.heartbeat_at is not None
        work = f"annolake-job-{job.pk}"
        assert len(listing(store, REPO, work)) == GATE
        assert listing(store, REPO, "round-1") == {}
        first.kill()
        after_kill()
        job.refresh_from_db()
        assert job.status == Job.Status.RUNNING  # nobody told the row: a crash

        settings.JOB_STALE_AFTER_SECONDS = 1
        wait_until(lambda: jobs_requeue_stale() == 1, timeout=15, what="the sweeper to re-publish")

        def finished() -> bool:
            job.refresh_from_db()
            assert second.alive(), second.log()
            return job.is_finished

        wait_until(finished, timeout=60, what="the retry to finish the snapshot")
        final = listing(store, REPO, "round-1")
    assert job.status == Job.Status.SUCCEEDED, (job.error, second.log())
    assert job.attempts == 2
    # The retry resumed: it uploaded only what the killed attempt had not staged, + the card.
    assert job.result["uploaded"] == ITEMS - GATE + 1

    # Readers of the target never saw half a snapshot: nothing, then all of it.
    assert len(final) == ITEMS + 1
    assert watcher.unexpected({}, final) == []
    assert watcher.reads >= 10

    # One snapshot commit and one merge on the target, nothing left behind.
    key = f"snapshot-job-{job.pk}"
    made = keyed(store, REPO, "round-1", key)
    assert sorted(op for op, _ in made) == ["commit", "merge"]
    head = store.branch_head(REPO, "round-1")
    assert first_parents(store, REPO, "round-1") == [head, main]
    assert dict(made)["merge"] == head
    assert {b.name for b in store.list_branches(REPO)} == {"main", "round-1"}

    # Byte-identical to an uninterrupted snapshot of the same labels.
    clean = run_inline(snapshot_job(dataset, lead, "clean"))
    assert clean.status == Job.Status.SUCCEEDED, clean.error
    assert assert_same_bytes(store, REPO, "round-1", "clean") == ITEMS + 1


def test_a_local_snapshot_killed_mid_upload_is_finished_by_a_retry_whole_and_once(
    lead, settings, workers, tmp_path
):
    gate = tmp_path / "gate"
    _kill_mid_upload_and_retry(
        lead=lead,
        settings=settings,
        workers=workers,
        first_env={
            "VERSION_STORE": "tests.support.gated_store.GatedLocalStore",
            "ANNOLAKE_TEST_PUT_BATCH": str(BATCH),
            "ANNOLAKE_TEST_GATE_AFTER": str(GATE),
            "ANNOLAKE_TEST_GATE_FILE": str(gate),
        },
        retry_env={"VERSION_STORE": "local"},
        reached_gate=lambda job: gate.exists(),
    )


def test_a_lakefs_snapshot_killed_mid_upload_is_finished_by_a_retry_whole_and_once(
    lead, settings, workers, lakefs
):
    # Every upload to the job branch after the 1,050th hangs (until the emulator stops).
    stall = lakefs.faults.add("POST", JOB_UPLOADS, "timeout", times=None, after=GATE, seconds=600)

    def reached_gate(job: Job) -> bool:
        staged = lakefs.count_requests("POST", JOB_UPLOADS, status=201)
        return stall.fired > 0 and staged == GATE and job.progress_done == 1000

    _kill_mid_upload_and_retry(
        lead=lead,
        settings=settings,
        workers=workers,
        first_env=_lakefs_env(lakefs),
        retry_env=_lakefs_env(lakefs),
        reached_gate=reached_gate,
        after_kill=lakefs.faults.clear,
    )


# -- a crash right after a step took effect, at each checkpoint (in process) ------------------


class Killed(BaseException):
    """A process death: no `except Exception` sees it, so the job row is left running.

    Raised right after the store applied the step (the commit on the job branch, the merge
    into the target): the retry must find that step's commit by the job's key, not redo it.
    """


@pytest.mark.parametrize("step", ["commit", "merge"])
@pytest.mark.django_db(transaction=True)
def test_a_snapshot_that_dies_right_after_a_step_is_finished_once_by_the_retry(
    lead, settings, any_store, step, monkeypatch
):
    project = labelled_project(lead, 20)
    dataset = dataset_of(lead, [project], REPO)
    store = get_version_store()
    store.ensure_repository(REPO)
    main = store.branch_head(REPO, "main")
    job = snapshot_job(dataset, lead, "round-1")
    real = getattr(type(store), step)

    def then_die(self: Any, repo: str, branch: str, *args: Any, **kwargs: Any) -> Any:
        result = real(self, repo, branch, *args, **kwargs)
        if branch.startswith("annolake-job-"):
            raise Killed(step)
        return result

    monkeypatch.setattr(type(store), step, then_die)
    with pytest.raises(Killed):
        run_inline(job)
    monkeypatch.setattr(type(store), step, real)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)
    if step == "commit":
        assert listing(store, REPO, "round-1") == {}  # nothing visible before the merge

    settings.JOB_STALE_AFTER_SECONDS = 0  # the sweeper's retry takes the stalled job over
    run_inline(job)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.attempts == 2
    head = store.branch_head(REPO, "round-1")
    assert (job.result["changed"], job.result["commit"]) == (True, head)
    made = keyed(store, REPO, "round-1", f"snapshot-job-{job.pk}")
    assert sorted(op for op, _ in made) == ["commit", "merge"]
    assert first_parents(store, REPO, "round-1") == [head, main]
    assert {b.name for b in store.list_branches(REPO)} == {"main", "round-1"}
    clean = run_inline(snapshot_job(dataset, lead, "clean"))
    assert clean.status == Job.Status.SUCCEEDED, clean.error
    assert assert_same_bytes(store, REPO, "round-1", "clean") == 21
