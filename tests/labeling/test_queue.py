from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, NotFound
from labeling.models import Item, Lease, Project, Skip
from labeling.services import queue
from labeling.services.annotations import annotation_submit
from tests.factories import TextItemFactory, UserFactory

ANSWER = [{"control": "label", "type": "class", "labels": ["A"]}]

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(project: Project) -> list[Item]:
    return [TextItemFactory(project=project) for _ in range(5)]


def test_next_returns_the_first_item_in_sequential_order(project, items, annotator):
    lease = queue.item_lease_next(project=project, user=annotator)
    assert lease.item_id == items[0].pk
    assert lease.expires_at > timezone.now() + timedelta(seconds=project.lease_seconds - 5)


def test_next_returns_the_same_live_lease_until_it_is_used(project, items, annotator):
    first = queue.item_lease_next(project=project, user=annotator)
    assert queue.item_lease_next(project=project, user=annotator).pk == first.pk


def test_a_leased_item_is_not_offered_to_another_annotator_when_overlap_is_one(
    project, items, member
):
    a, b = member("annotator"), member("annotator")
    assert queue.item_lease_next(project=project, user=a).item_id == items[0].pk
    assert queue.item_lease_next(project=project, user=b).item_id == items[1].pk


def test_overlap_lets_k_annotators_share_an_item_but_not_more(project, items, member):
    project.overlap = 2
    project.save()
    users = [member("annotator") for _ in range(3)]
    picks = [queue.item_lease_next(project=project, user=u).item_id for u in users]
    assert picks == [items[0].pk, items[0].pk, items[1].pk]


def test_an_expired_lease_stops_counting(project, items, member):
    a, b = member("annotator"), member("annotator")
    lease = queue.item_lease_next(project=project, user=a)
    Lease.objects.filter(pk=lease.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert queue.item_lease_next(project=project, user=b).item_id == items[0].pk


def test_priority_order_serves_high_priority_first(project, annotator):
    project.order = Project.Order.PRIORITY
    project.save()
    low = TextItemFactory(project=project, priority=0)
    high = TextItemFactory(project=project, priority=5)
    assert queue.item_lease_next(project=project, user=annotator).item_id == high.pk
    assert low.pk


def test_random_order_is_stable_and_follows_the_order_key(project, annotator):
    project.order = Project.Order.RANDOM
    project.save()
    TextItemFactory(project=project, order_key=50)
    first = TextItemFactory(project=project, order_key=10)
    assert queue.item_lease_next(project=project, user=annotator).item_id == first.pk


def test_skipped_and_annotated_items_are_not_served_again(project, items, annotator):
    lease = queue.item_lease_next(project=project, user=annotator)
    queue.item_skip(item_id=lease.item_id, user=annotator)
    assert Skip.objects.filter(item_id=items[0].pk, user=annotator).exists()
    lease = queue.item_lease_next(project=project, user=annotator)
    assert lease.item_id == items[1].pk
    annotation_submit(item_id=lease.item_id, user=annotator, result=ANSWER)
    assert queue.item_lease_next(project=project, user=annotator).item_id == items[2].pk


def test_nothing_left_returns_none(project, annotator):
    item = TextItemFactory(project=project)
    annotation_submit(item_id=item.pk, user=annotator, result=ANSWER)
    assert queue.item_lease_next(project=project, user=annotator) is None


def test_heartbeat_extends_and_release_frees_the_item(project, items, member):
    a, b = member("annotator"), member("annotator")
    lease = queue.item_lease_next(project=project, user=a)
    Lease.objects.filter(pk=lease.pk).update(expires_at=timezone.now() + timedelta(seconds=5))
    extended = queue.lease_heartbeat(lease_id=lease.pk, user=a)
    assert extended.expires_at > timezone.now() + timedelta(seconds=500)
    queue.lease_release(lease_id=lease.pk, user=a)
    assert queue.item_lease_next(project=project, user=b).item_id == items[0].pk


def test_heartbeat_of_an_expired_lease_taken_by_another_is_a_conflict(project, items, member):
    a, b = member("annotator"), member("annotator")
    lease = queue.item_lease_next(project=project, user=a)
    Lease.objects.filter(pk=lease.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    queue.item_lease_next(project=project, user=b)
    with pytest.raises(Conflict) as err:
        queue.lease_heartbeat(lease_id=lease.pk, user=a)
    assert err.value.code == "lease_expired"


def test_someone_elses_lease_cannot_be_touched(project, items, member):
    a, b = member("annotator"), member("annotator")
    lease = queue.item_lease_next(project=project, user=a)
    with pytest.raises(NotFound):
        queue.lease_release(lease_id=lease.pk, user=b)


def test_the_database_refuses_a_second_lease_for_one_user(project, items, annotator):
    queue.item_lease_next(project=project, user=annotator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Lease.objects.create(
            project=project,
            item=items[3],
            user=annotator,
            expires_at=timezone.now() + timedelta(minutes=5),
        )


def test_late_submit_after_the_item_was_re_leased_is_refused(project, items, member):
    a, b = member("annotator"), member("annotator")
    lease = queue.item_lease_next(project=project, user=a)
    Lease.objects.filter(pk=lease.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    queue.item_lease_next(project=project, user=b)
    with pytest.raises(Conflict) as err:
        annotation_submit(item_id=lease.item_id, user=a, result=ANSWER)
    assert err.value.code == "item_full"
    annotation_submit(item_id=lease.item_id, user=b, result=ANSWER)


def test_late_submit_is_accepted_when_nobody_took_the_slot(project, items, annotator):
    lease = queue.item_lease_next(project=project, user=annotator)
    Lease.objects.filter(pk=lease.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _, created = annotation_submit(item_id=lease.item_id, user=annotator, result=ANSWER)
    assert created
    assert not Lease.objects.filter(user=annotator).exists()


def test_unknown_user_gets_nothing_from_an_empty_project(db):
    project = Project.objects.create(name="empty", kind="text", label_schema={})
    assert queue.item_lease_next(project=project, user=UserFactory()) is None


def test_an_annotator_whose_lease_expired_gets_a_fresh_one(project, items, member):
    a, b = member("annotator"), member("annotator")
    old = queue.item_lease_next(project=project, user=a)
    Lease.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert queue.item_lease_next(project=project, user=b).item_id == items[0].pk
    fresh = queue.item_lease_next(project=project, user=a)
    assert (fresh.item_id, fresh.expires_at > timezone.now()) == (items[1].pk, True)
    assert list(Lease.objects.filter(user=a).values_list("pk", flat=True)) == [fresh.pk]
    assert fresh.pk != old.pk


def test_the_leased_item_comes_back_whole(project, items, annotator):
    Item.objects.filter(pk=items[0].pk).update(meta={"k": [1, 2]}, pre_annotation=ANSWER)
    lease = queue.item_lease_next(project=project, user=annotator)
    assert (lease.item.meta, lease.item.pre_annotation) == ({"k": [1, 2]}, ANSWER)
    assert lease.item.text == Item.objects.get(pk=items[0].pk).text
