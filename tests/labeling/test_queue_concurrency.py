"""The queue's invariants under real concurrency: threads against PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Count

from core.errors import Conflict
from labeling.models import Annotation, Item, Lease
from labeling.services import queue
from labeling.services.annotations import annotation_submit
from tests.factories import MembershipFactory, ProjectFactory, TextItemFactory, UserFactory

ANSWER = [{"control": "label", "type": "class", "labels": ["B"]}]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises all writers anyway)")


def _in_threads(count: int, work) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:  # collected and reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _leases_plus_annotations(item_id: int) -> int:
    """Both counts in ONE statement: one snapshot, so a submit landing between two separate
    counts (lease gone, annotation added) cannot make the sum look larger than it was."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM labeling_lease WHERE item_id = %s)"
            " + (SELECT count(*) FROM labeling_annotation WHERE item_id = %s)",
            [item_id, item_id],
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("overlap", [1, 3])
def test_next_never_over_assigns_under_32_annotators(overlap):
    project = ProjectFactory(overlap=overlap)
    TextItemFactory.create_batch(60, project=project)
    users = [UserFactory() for _ in range(32)]
    for user in users:
        MembershipFactory(project=project, user=user, role="annotator")
    peak_leases: Counter[int] = Counter()

    def annotate_until_done(index: int) -> None:
        user = users[index]
        while (lease := queue.item_lease_next(project=project, user=user)) is not None:
            used = _leases_plus_annotations(lease.item_id)
            peak_leases[lease.item_id] = max(peak_leases[lease.item_id], used)
            assert Lease.objects.filter(user=user, project=project).count() == 1
            annotation_submit(item_id=lease.item_id, user=user, result=ANSWER)

    assert _in_threads(len(users), annotate_until_done) == []
    per_item = dict(
        Annotation.objects.filter(project=project).values_list("item").annotate(n=Count("pk"))
    )
    assert set(per_item.values()) == {overlap}, "every item reaches exactly k"
    assert len(per_item) == 60
    assert max(peak_leases.values()) <= overlap
    assert not Annotation.objects.values("item", "user").annotate(n=Count("pk")).filter(n__gt=1)
    assert set(Item.objects.filter(project=project).values_list("state", flat=True)) == {"done"}
    assert Lease.objects.count() == 0


def test_two_users_submitting_the_last_slot_at_once_leave_one_winner():
    project = ProjectFactory(overlap=1)
    item = TextItemFactory(project=project)
    users = [UserFactory() for _ in range(8)]
    outcomes: list[str] = []

    def submit(index: int) -> None:
        try:
            annotation_submit(item_id=item.pk, user=users[index], result=ANSWER)
            outcomes.append("created")
        except Conflict as exc:
            outcomes.append(exc.code)

    assert _in_threads(len(users), submit) == []
    assert outcomes.count("created") == 1
    assert Counter(outcomes)["item_full"] == 7
    item.refresh_from_db()
    assert item.annotation_count == 1
    assert Annotation.objects.filter(item=item).count() == 1


def test_double_submit_by_one_user_stores_one_annotation():
    project = ProjectFactory(overlap=3)
    item = TextItemFactory(project=project)
    user = UserFactory()
    outcomes: list[str] = []

    def submit(index: int) -> None:
        try:
            _, created = annotation_submit(
                item_id=item.pk, user=user, result=ANSWER, idempotency_key="k1"
            )
            outcomes.append("created" if created else "replayed")
        except Conflict as exc:
            outcomes.append(exc.code)

    assert _in_threads(6, submit) == []
    assert outcomes.count("created") == 1
    assert set(outcomes) <= {"created", "replayed", "already_annotated"}
    assert Annotation.objects.filter(item=item).count() == 1
    item.refresh_from_db()
    assert item.annotation_count == 1
