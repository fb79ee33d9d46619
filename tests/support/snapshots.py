"""Helpers for the snapshot reliability tests: labelled data, inline jobs, trees, watchers."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import User
from django.db import connection

from core.jobs import job_run
from core.models import Job
from datasets.models import Dataset
from datasets.services.datasets import dataset_create
from datasets.services.snapshots import JOB_KIND, snapshot_build
from datasets.stores.base import (
    IDEMPOTENCY_KEY,
    OPERATION_KEY,
    NotFound,
    VersionStore,
    content_checksum,
)
from labeling.models import Annotation, Item, Project, Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

LABELS = "ABCDE"


def answer(label: str) -> list[dict[str, Any]]:
    return [{"control": "label", "type": "class", "labels": [label]}]


def labelled_project(lead: User, n: int, *, labels: str = LABELS) -> Project:
    """A text project of `n` done items, each with one annotation (label i mod len(labels))."""
    project = ProjectFactory()
    MembershipFactory(project=project, user=lead, role=Role.MANAGER)
    annotator = UserFactory()
    items = Item.objects.bulk_create(
        Item(project=project, text=f"text {i}", state=Item.State.DONE, annotation_count=1)
        for i in range(n)
    )
    Annotation.objects.bulk_create(
        Annotation(
            item=item, project=project, user=annotator, result=answer(labels[i % len(labels)])
        )
        for i, item in enumerate(items)
    )
    return project


def relabel(project: Project, label: str, *, every: int = 1) -> int:
    """Set every `every`-th annotation of the project (by item id) to `label`."""
    ids = list(
        Annotation.objects.filter(project=project).order_by("item_id").values_list("pk", flat=True)
    )
    chosen = ids[::every]
    Annotation.objects.filter(pk__in=chosen).update(result=answer(label))
    return len(chosen)


def dataset_of(lead: User, projects: Sequence[Project], slug: str) -> Dataset:
    return dataset_create(
        slug=slug, name=slug.title(), project_ids=[p.pk for p in projects], created_by=lead
    )


def snapshot_job(dataset: Dataset, lead: User, branch: str, *, source: str = "main") -> Job:
    """A queued snapshot job row, as `snapshot_start` makes it, but never published."""
    return Job.objects.create(
        kind=JOB_KIND,
        created_by=lead,
        params={
            "dataset_id": dataset.pk,
            "branch": branch,
            "from": source,
            "message": f"Snapshot onto {branch}",
            "projects": sorted(dataset.projects.values_list("pk", flat=True)),
            "include": "completed",
        },
    )


def run_inline(job: Job) -> Job:
    """Run the job in this process through the job runner (no broker), like a worker."""
    job_run(job_id=job.pk, body=snapshot_build)
    job.refresh_from_db()
    return job


def read_all(store: VersionStore, repo: str, ref: str) -> dict[str, bytes]:
    """Every object at `ref` with its bytes (read at the commit `ref` denotes, 4 at a time)."""
    commit = store.resolve(repo, ref)
    paths = [info.path for info in store.list_objects(repo, commit)]

    def read(chunk: list[str]) -> list[bytes]:
        try:
            return [store.read(repo, commit, path) for path in chunk]
        finally:
            connection.close()  # the pool thread's own database connection

    chunks = [paths[i::4] for i in range(4)]
    found: dict[str, bytes] = {}
    with ThreadPoolExecutor(4, thread_name_prefix="read-tree") as pool:
        for chunk, data in zip(chunks, pool.map(read, chunks), strict=True):
            found.update(zip(chunk, data, strict=True))
    return dict(sorted(found.items()))


def assert_same_bytes(store: VersionStore, repo: str, ref: str, reference: str) -> int:
    """Every object of `ref` has the bytes of its namesake in `reference`, and no more or
    fewer objects exist: the listings match and each object of `ref`, read back whole,
    hashes to the checksum (MD5) `reference` lists. Returns how many objects there are."""
    expected = listing(store, repo, reference)
    assert listing(store, repo, ref) == expected
    found = {path: content_checksum(data) for path, data in read_all(store, repo, ref).items()}
    assert found == expected
    return len(expected)


def listing(store: VersionStore, repo: str, ref: str) -> dict[str, str]:
    """Every object at `ref` (by name: a branch includes its staged objects) -> checksum."""
    return {info.path: info.checksum for info in store.list_objects(repo, ref)}


def keyed(store: VersionStore, repo: str, ref: str, key: str) -> list[tuple[str, str]]:
    """(operation, commit id) of every commit reachable from `ref` made with `key`."""
    return [
        (commit.metadata[OPERATION_KEY], commit.id)
        for commit in store.log(repo, ref)
        if commit.metadata.get(IDEMPOTENCY_KEY) == key
    ]


def first_parents(store: VersionStore, repo: str, ref: str) -> list[str]:
    """The first-parent chain of `ref`: one commit per operation that moved the branch."""
    chain, commit = [], store.get_commit(repo, ref)
    while True:
        chain.append(commit.id)
        if not commit.parents:
            return chain
        commit = store.get_commit(repo, commit.parents[0])


def digest(state: dict[str, str]) -> str:
    return hashlib.sha256(repr(sorted(state.items())).encode()).hexdigest()


class BranchWatcher:
    """Reads a branch (by name, staged objects included) over and over on a thread.

    Records every distinct state seen; a test then checks each was a whole version.
    """

    def __init__(self, store: VersionStore, repo: str, branch: str, *, every: float = 0.02) -> None:
        self.store, self.repo, self.branch, self.every = store, repo, branch, every
        self.states: dict[str, dict[str, str]] = {}
        self.reads = 0
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"watch-{branch}", daemon=True)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    state = listing(self.store, self.repo, self.branch)
                except NotFound:  # no repository or branch yet
                    state = {}
                self.states.setdefault(digest(state), state)
                self.reads += 1
                self._stop.wait(self.every)
        except BaseException as exc:  # reported by stop()
            self.errors.append(exc)
        finally:
            connection.close()  # this thread's own database connection

    @contextmanager
    def running(self) -> Iterator[BranchWatcher]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(30)
        assert not self.errors, self.errors

    def unexpected(self, *allowed: dict[str, str]) -> list[dict[str, str]]:
        """States seen that are none of `allowed` (each a listing: path -> checksum)."""
        ok = {digest(state) for state in allowed}
        return [state for key, state in self.states.items() if key not in ok]


def wait_until(predicate: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def use_lakefs(settings: Any, emulator: Any, **overrides: Any) -> None:
    """Point the version store settings at the emulator (`get_version_store` rebuilds)."""
    settings.VERSION_STORE = "lakefs"
    settings.LAKEFS_ENDPOINT = emulator.endpoint
    settings.LAKEFS_ACCESS_KEY_ID = emulator.access_key
    settings.LAKEFS_SECRET_ACCESS_KEY = emulator.secret_key
    settings.LAKEFS_STORAGE_NAMESPACE = "mem://snapshots/"
    for name, value in overrides.items():
        setattr(settings, name, value)
