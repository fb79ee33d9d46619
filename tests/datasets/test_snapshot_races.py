"""Snapshots and a merge racing on one dataset lose nothing and show no half state
(RELIABILITY.md R8), with the same end result on the local store and on lakeFS.

Two snapshot jobs of the same labels (a double submit) go onto `round-1` while a merge of
`round-1` into `main` runs, all released at once from threads. Threads reading both
branches only ever see whole versions; both jobs succeed; the merge took one whole
snapshot; and the end state is byte-for-byte the same on both stores.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from core.errors import Conflict
from core.models import Job
from datasets.models import Dataset, Merge
from datasets.services.merges import merge_create
from datasets.stores import get_version_store
from labeling.models import Annotation
from tests.support.lakefs_emulator import LakeFSEmulator
from tests.support.snapshots import (
    BranchWatcher,
    dataset_of,
    labelled_project,
    listing,
    read_all,
    relabel,
    run_inline,
    snapshot_job,
    use_lakefs,
)

pytestmark = pytest.mark.django_db(transaction=True)

REPO = "racing"
ITEMS = 60


@pytest.fixture
def emulator() -> Iterator[LakeFSEmulator]:
    with LakeFSEmulator() as emulator:
        yield emulator
        assert emulator.internal_errors == []


def _in_threads(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on threads released together; return their results (or exceptions)."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        try:
            start.wait(10)
            return call()
        except Exception as exc:
            return exc
        finally:
            connection.close()  # the thread's own database connection

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _merge(dataset: Dataset, lead: Any) -> Merge | None:
    try:
        return merge_create(dataset=dataset, source="round-1", target="main", message="", user=lead)
    except Conflict as exc:
        if exc.code != "no_changes":  # nothing to merge: main has round-1 already
            raise
        return None


def _race(dataset: Dataset, lead: Any, project: Any) -> dict[str, dict[str, bytes]]:
    """Snapshot (S1), relabel, then race two snapshots (S2) and a merge; check, settle."""
    store = get_version_store()
    store.ensure_repository(REPO)
    first = run_inline(snapshot_job(dataset, lead, "round-1"))
    assert first.status == Job.Status.SUCCEEDED, first.error
    s1 = listing(store, REPO, "round-1")
    relabel(project, "E", every=3)

    watchers = [BranchWatcher(store, REPO, branch) for branch in ("round-1", "main")]
    jobs = [snapshot_job(dataset, lead, "round-1") for _ in range(2)]
    with watchers[0].running(), watchers[1].running():
        *done, merged = _in_threads(
            lambda: run_inline(jobs[0]), lambda: run_inline(jobs[1]), lambda: _merge(dataset, lead)
        )
    for job in done:
        assert isinstance(job, Job), job
        assert job.status == Job.Status.SUCCEEDED, job.error
    assert not isinstance(merged, Exception), merged
    s2 = listing(store, REPO, "round-1")
    assert s2 != s1 and len(s2) == len(s1) == ITEMS + 1
    # Exactly one of the two changed the branch; the other found its labels there already
    # (or made an empty merge of the same changes).
    assert any(job.result["changed"] for job in done)

    # Readers saw whole versions only; the merge took one whole snapshot.
    assert watchers[0].unexpected(s1, s2) == []
    assert watchers[1].unexpected({}, s1, s2) == []
    assert listing(store, REPO, "main") in (s1, s2)
    assert {b.name for b in store.list_branches(REPO)} == {"main", "round-1"}

    # Settle: main takes round-1's latest snapshot.
    _merge(dataset, lead)
    assert listing(store, REPO, "main") == s2
    return {branch: read_all(store, REPO, branch) for branch in ("round-1", "main")}


def test_two_snapshots_and_a_merge_racing_lose_nothing_and_end_alike_on_both_stores(
    lead, settings, emulator
):
    project = labelled_project(lead, ITEMS)
    dataset = dataset_of(lead, [project], REPO)
    initial = list(Annotation.objects.filter(project=project).values_list("pk", "result"))
    settings.VERSION_STORE = "local"
    on_local = _race(dataset, lead, project)

    # The same labels, the same steps, on lakeFS (same dataset, same repository name).
    for pk, result in initial:
        Annotation.objects.filter(pk=pk).update(result=result)
    use_lakefs(settings, emulator)
    on_lakefs = _race(dataset, lead, project)

    assert on_lakefs == on_local


@pytest.mark.parametrize("store_kind", ["local", "lakefs-emulator"])
def test_a_stalled_run_waking_after_its_takeover_finished_does_not_undo_the_job(
    lead, settings, store_kind, emulator, monkeypatch
):
    """The sweeper re-publishes a job whose heartbeat went stale - here a run stuck in a slow
    store call (no progress is written meanwhile) - and another worker finishes it. When the
    stuck run wakes up, its job branch is gone and its next step fails: that failure must
    not turn the finished job into a failed (or re-queued) one."""
    if store_kind == "lakefs-emulator":
        use_lakefs(settings, emulator)
    project = labelled_project(lead, 20)
    dataset = dataset_of(lead, [project], REPO)
    store = get_version_store()
    store.ensure_repository(REPO)
    job = snapshot_job(dataset, lead, "round-1")
    real_commit = type(store).commit
    stuck, wake = threading.Event(), threading.Event()

    def slow_commit(self: Any, *args: Any, **kwargs: Any) -> str:
        if threading.current_thread().name == "stuck-run":
            stuck.set()
            assert wake.wait(30)
        return real_commit(self, *args, **kwargs)

    monkeypatch.setattr(type(store), "commit", slow_commit)
    outcome: list[BaseException] = []

    def stuck_run() -> None:
        try:
            run_inline(job)
        except BaseException as exc:  # reported below
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=stuck_run, name="stuck-run")
    thread.start()
    assert stuck.wait(30)
    settings.JOB_STALE_AFTER_SECONDS = 0  # its heartbeat is stale: another run takes over
    taken_over = run_inline(Job.objects.get(pk=job.pk))
    assert (taken_over.status, taken_over.attempts) == (Job.Status.SUCCEEDED, 2)
    wake.set()
    thread.join(30)

    job.refresh_from_db()
    assert not outcome, outcome
    assert (job.status, job.error) == (Job.Status.SUCCEEDED, "")
    assert job.result == taken_over.result
    assert len(listing(store, REPO, "round-1")) == 21
