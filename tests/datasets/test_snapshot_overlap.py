"""Two snapshots of different label states overlapping on one branch (RELIABILITY: races).

Snapshot X reads labels L1 and commits on its job branch; the labels change to L2; snapshot
Y, branched from the same target head, reads L2 and commits. X merges first, so Y's merge
conflicts on every relabelled item. Y must not fail for good nor leave its job branch: it
is retried (a transient error) from the target's new head and lands L2 whole.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from core.jobs import TransientJobError
from core.models import Job
from datasets.stores import get_version_store
from tests.support.snapshots import (
    dataset_of,
    labelled_project,
    listing,
    relabel,
    run_inline,
    snapshot_job,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

REPO = "overlap"


def test_overlapping_snapshots_of_different_labels_both_succeed_and_the_later_wins(
    lead, any_store, monkeypatch
):
    project = labelled_project(lead, 30)
    dataset = dataset_of(lead, [project], REPO)
    store = get_version_store()
    store.ensure_repository(REPO)
    x, y = snapshot_job(dataset, lead, "round-1"), snapshot_job(dataset, lead, "round-1")

    # Hold X just before its merge until Y has committed too (both branched from one head).
    real_merge = type(store).merge
    both_committed = threading.Barrier(2)

    def merge(self: Any, repo: str, source: str, dest: str, **kwargs: Any) -> str:
        if source.startswith("annolake-job-") and not x_done.is_set():
            both_committed.wait(30)
            if source == f"annolake-job-{y.pk}":
                wait_until(lambda: x_done.is_set(), timeout=30, what="X's merge")
        result = real_merge(self, repo, source, dest, **kwargs)
        if source == f"annolake-job-{x.pk}":
            x_done.set()
        return result

    x_done = threading.Event()
    monkeypatch.setattr(type(store), "merge", merge)

    def run_x() -> None:
        try:
            run_inline(x)
        finally:
            connection.close()

    thread = threading.Thread(target=run_x)
    thread.start()
    wait_until(lambda: both_committed.n_waiting == 1, timeout=30, what="X to reach its merge")
    relabel(project, "E", every=2)  # L2: Y sees other labels than X
    with pytest.raises(TransientJobError, match="moved during the snapshot"):
        run_inline(y)
    thread.join(30)
    y.refresh_from_db()
    assert y.status == Job.Status.QUEUED  # for Celery's retry, without its job branch
    assert f"annolake-job-{y.pk}" not in {b.name for b in store.list_branches(REPO)}
    run_inline(y)  # the retry
    x.refresh_from_db()

    assert x.status == Job.Status.SUCCEEDED, x.error
    assert y.status == Job.Status.SUCCEEDED, y.error
    # The later snapshot's labels are the branch's, whole; no job branch is left behind.
    assert {b.name for b in store.list_branches(REPO)} == {"main", "round-1"}
    fresh = run_inline(snapshot_job(dataset, lead, "check"))  # the labels now, from scratch
    assert listing(store, REPO, "round-1") == listing(store, REPO, "check"), fresh.error
