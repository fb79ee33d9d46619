"""Incremental snapshots: only changed items are rebuilt, and the result is byte-identical.

Every test snapshots, changes something, snapshots the same branch again (which must be
incremental) and then snapshots the same data onto a fresh branch from an empty ``main``
(which must be full): the two trees must hold the same paths with the same checksums.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from core.jobs import job_run
from datasets.models import Dataset, SnapshotRecord
from datasets.services.datasets import dataset_create
from datasets.services.snapshot_records import Table, decode, encode
from datasets.services.snapshots import snapshot_build, snapshot_start
from datasets.stores import get_version_store
from labeling.models import Annotation, Item, Project
from labeling.services.annotations import annotation_submit, annotation_update
from labeling.services.ground_truth import item_set_ground_truth
from labeling.services.items import item_create_image
from labeling.services.projects import project_update
from labeling.services.review import annotation_review
from tests.datasets.support import answer
from tests.factories import TEXT_SCHEMA, MembershipFactory, ProjectFactory, TextItemFactory
from tests.labeling.images import jpeg_bytes

pytestmark = pytest.mark.django_db

_checks = 0


def snapshot(dataset: Dataset, user: User, branch: str, **options) -> dict:
    with transaction.atomic():
        job = snapshot_start(dataset=dataset, branch=branch, message="", created_by=user, **options)
    job_run(job_id=job.pk, body=snapshot_build)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return dict(job.result)


def tree(dataset: Dataset, ref: str) -> dict[str, str]:
    return {i.path: i.checksum for i in get_version_store().list_objects(dataset.slug, ref)}


def assert_same_as_full(dataset: Dataset, user: User, branch: str, **options) -> dict:
    """Snapshot ``branch`` again (incremental), then the same data from scratch: same bytes."""
    global _checks
    again = snapshot(dataset, user, branch, **options)
    assert again["mode"] == "incremental"
    _checks += 1
    fresh = f"full-check-{_checks}"
    full = snapshot(dataset, user, fresh, source="main", **options)
    assert full["mode"] == "full"
    assert tree(dataset, branch) == tree(dataset, fresh)
    assert again["items"] == full["items"]
    return again


@pytest.fixture
def world(lead, annotator, reviewer):
    """A text project: 6 items, 5 labelled (4 by one annotator, 1 by two), 2 accepted."""
    project = ProjectFactory(review_required=True)
    for user, role in ((lead, "manager"), (reviewer, "reviewer")):
        MembershipFactory(project=project, user=user, role=role)
    items = TextItemFactory.create_batch(6, project=project)
    for item, label in zip(items[:5], "ABCDE", strict=True):
        annotation_submit(item_id=item.pk, user=annotator, result=answer(label))
    for item in items[:2]:
        pending = Annotation.objects.get(item=item)
        annotation_review(annotation_id=pending.pk, reviewer=reviewer, verdict="accept")
    dataset = dataset_create(
        slug="rounds", name="Rounds", project_ids=[project.pk], created_by=lead
    )
    return dataset, project, items


def _relabel(items, **_):
    annotation = Annotation.objects.get(item=items[2])
    annotation_update(annotation_id=annotation.pk, user=annotation.user, result=answer("E"))


def _relabel_in_bulk(items, **_):
    # .update() bypasses auto_now: the fingerprint reads the result itself, not updated_at.
    Annotation.objects.filter(item=items[1]).update(result=answer("A"))


def _reject_accepted(items, **_):
    Annotation.objects.filter(item=items[0]).update(status=Annotation.Status.REJECTED)


def _review_fix(items, reviewer, **_):
    pending = Annotation.objects.get(item=items[3])
    annotation_review(
        annotation_id=pending.pk, reviewer=reviewer, verdict="fix", result=answer("A")
    )


def _reject_pending(items, reviewer, **_):
    pending = Annotation.objects.get(item=items[3])
    annotation_review(annotation_id=pending.pk, reviewer=reviewer, verdict="reject", comment="no")


def _delete_item(items, **_):
    Item.objects.filter(pk=items[1].pk).delete()


def _edit_item_data(items, **_):
    Item.objects.filter(pk=items[0].pk).update(text="edited", meta={"source": "fixed"})
    Item.objects.filter(pk=items[2].pk).update(external_id="ext-2")


def _agreement_changes_in_the_last_digit(items, **_):
    Item.objects.filter(pk=items[0].pk).update(agreement=0.1 + 0.2)
    Item.objects.filter(pk=items[1].pk).update(agreement=0.3)


def _rename_annotator(annotator, **_):
    User.objects.filter(pk=annotator.pk).update(username="renamed-annotator")


def _schema_change_with_mapping(project, **_):
    schema = {
        "controls": [
            {**TEXT_SCHEMA["controls"][0], "labels": [
                {**label, "name": "Alpha" if label["name"] == "A" else label["name"]}
                for label in TEXT_SCHEMA["controls"][0]["labels"]
            ]}
        ]
    }  # fmt: skip
    mapping = {"label:A": "label:Alpha"}
    project_update(project=project, data={}, label_schema=schema, label_mapping=mapping)


def _ground_truth(items, **_):
    item_set_ground_truth(item_id=items[0].pk, ground_truth=answer("B"))


def _new_annotation(items, lead, **_):
    annotation_submit(item_id=items[5].pk, user=lead, result=answer("C"))


MUTATIONS: dict[str, Callable[..., None]] = {
    "relabel": _relabel,
    "relabel-in-bulk": _relabel_in_bulk,
    "reject-accepted": _reject_accepted,
    "reject-pending": _reject_pending,
    "review-fix": _review_fix,
    "delete-item": _delete_item,
    "edit-item-data": _edit_item_data,
    "agreement": _agreement_changes_in_the_last_digit,
    "rename-annotator": _rename_annotator,
    "schema-mapping": _schema_change_with_mapping,
    "ground-truth": _ground_truth,
    "new-annotation": _new_annotation,
}


@pytest.mark.parametrize("include", ["accepted", "completed"])
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_an_incremental_snapshot_is_byte_identical_to_a_full_one(
    world, lead, annotator, reviewer, mutation, include
):
    dataset, project, items = world
    first = snapshot(dataset, lead, "round-1", include=include)
    assert first["mode"] == "full"
    MUTATIONS[mutation](
        items=items, project=project, lead=lead, annotator=annotator, reviewer=reviewer
    )
    assert_same_as_full(dataset, lead, "round-1", include=include)


@pytest.fixture
def lakefs(settings):
    """The lakeFS store, against the emulator over real HTTP."""
    from tests.support.lakefs_emulator import LakeFSEmulator

    with LakeFSEmulator() as emulator:
        settings.VERSION_STORE = "lakefs"
        settings.LAKEFS_ENDPOINT = emulator.endpoint
        settings.LAKEFS_ACCESS_KEY_ID = emulator.access_key
        settings.LAKEFS_SECRET_ACCESS_KEY = emulator.secret_key
        settings.LAKEFS_STORAGE_NAMESPACE = "mem://incremental/"
        yield emulator


@pytest.mark.parametrize("mutation", ["relabel-in-bulk", "delete-item", "reject-pending"])
def test_incremental_equals_full_on_the_lakefs_store_too(
    lakefs, world, lead, annotator, reviewer, mutation
):
    dataset, project, items = world
    snapshot(dataset, lead, "round-1", include="completed")
    MUTATIONS[mutation](
        items=items, project=project, lead=lead, annotator=annotator, reviewer=reviewer
    )
    again = assert_same_as_full(dataset, lead, "round-1", include="completed")
    assert again["rebuilt"] <= 1


def test_only_the_changed_item_is_rebuilt_and_uploaded(world, lead):
    dataset, _, items = world
    snapshot(dataset, lead, "round-1", include="completed")
    unchanged = snapshot(dataset, lead, "round-1", include="completed")
    assert (unchanged["mode"], unchanged["changed"], unchanged["rebuilt"]) == (
        "incremental",
        False,
        0,
    )
    _relabel(items)
    again = assert_same_as_full(dataset, lead, "round-1", include="completed")
    assert (again["rebuilt"], again["uploaded"], again["deleted"]) == (1, 2, 0)


def test_changing_include_or_projects_stays_identical(world, lead, annotator):
    dataset, _, _ = world
    other = ProjectFactory()
    MembershipFactory(project=other, user=lead, role="manager")
    for item, label in zip(TextItemFactory.create_batch(3, project=other), "ABC", strict=True):
        annotation_submit(item_id=item.pk, user=annotator, result=answer(label))
    dataset.projects.add(other)
    snapshot(dataset, lead, "round-1", include="completed")
    assert_same_as_full(dataset, lead, "round-1", include="accepted")
    assert_same_as_full(dataset, lead, "round-1", include="completed", project_ids=[other.pk])
    assert_same_as_full(dataset, lead, "round-1", include="completed")


def test_a_branch_from_another_ref_starts_from_that_refs_record(world, lead):
    dataset, _, items = world
    snapshot(dataset, lead, "round-1", include="completed")
    _relabel(items)
    second = snapshot(dataset, lead, "round-2", source="round-1", include="completed")
    assert (second["mode"], second["rebuilt"]) == ("incremental", 1)
    _delete_item(items)
    assert_same_as_full(dataset, lead, "round-2", include="completed")


def test_a_branch_edited_outside_snapshots_is_rebuilt_in_full(world, lead):
    dataset, project, items = world
    snapshot(dataset, lead, "round-1", include="completed")
    store = get_version_store()
    store.put(dataset.slug, "round-1", f"items/{project.pk}/{items[0].pk}.json", b"{}")
    store.commit(dataset.slug, "round-1", "hand edit")
    again = snapshot(dataset, lead, "round-1", include="completed")
    assert again["mode"] == "full"
    assert again["uploaded"] == 1  # the hand-edited item is put back
    # Files outside the layout do not matter: the next snapshot is incremental again.
    store.put(dataset.slug, "round-1", "notes/readme.txt", b"hello")
    store.commit(dataset.slug, "round-1", "notes")
    assert snapshot(dataset, lead, "round-1", include="completed")["mode"] == "incremental"


def test_a_merged_branch_and_main_after_the_merge_stay_incremental(world, lead):
    from datasets.services.merges import merge_create

    dataset, _, items = world
    snapshot(dataset, lead, "round-1", include="completed")
    merge_create(dataset=dataset, source="round-1", target="main", message="", user=lead)
    _relabel(items)
    second = snapshot(dataset, lead, "round-2", source="main", include="completed")
    assert (second["mode"], second["rebuilt"]) == ("incremental", 1)


def test_media_follows_its_items(api, lead, annotator):
    project = Project.objects.create(
        name="imgs",
        kind="image",
        label_schema={
            "controls": [
                {"name": "scene", "type": "class", "labels": [{"name": "day", "color": "#ff0000"}]}
            ]
        },
    )
    MembershipFactory(project=project, user=lead, role="manager")
    items = []
    for seed in range(3):
        item = item_create_image(project=project, data=jpeg_bytes(seed=seed))
        annotation_submit(
            item_id=item.pk, user=annotator, result=[
                {"control": "scene", "type": "class", "labels": ["day"]}
            ],
        )  # fmt: skip
        items.append(item)
    dataset = dataset_create(slug="scenes", name="S", project_ids=[project.pk], created_by=lead)
    snapshot(dataset, lead, "round-1", include="completed")
    Item.objects.filter(pk=items[0].pk).delete()
    again = assert_same_as_full(dataset, lead, "round-1", include="completed")
    assert again["deleted"] == 2  # the item and its image
    assert len([p for p in tree(dataset, "round-1") if p.startswith("media/")]) == 2


def test_the_merge_into_an_unmoved_branch_is_recorded_as_the_snapshot_itself(world, lead):
    dataset, _, _ = world
    made = snapshot(dataset, lead, "round-1", include="completed")
    head = get_version_store().get_commit(dataset.slug, "round-1")
    recorded = set(SnapshotRecord.objects.filter(dataset=dataset).values_list("commit", flat=True))
    assert head.id == made["commit"]
    assert recorded == {made["commit"]}


def test_records_round_trip_and_are_kept_per_dataset(world, lead):
    dataset, _, _ = world
    snapshot(dataset, lead, "round-1", include="completed")
    record = SnapshotRecord.objects.filter(dataset=dataset).first()
    state = decode(record.commit, bytes(record.payload))
    assert state is not None
    assert len(state.table) == record.items == 5
    again = decode(record.commit, encode(state.table, state.card))
    assert again is not None
    columns = ("ids", "projects", "groups", "fingerprints", "checksums", "keys", "media")
    for column in columns:
        assert getattr(again.table, column) == getattr(state.table, column)
    assert again.card == state.card


def test_a_scan_is_matched_against_a_record_by_id_fingerprint_and_project():
    table = Table()
    for item_id, project_id, fingerprint in ((30, 1, b"c" * 16), (10, 1, b"a" * 16),
                                             (20, 1, b"b" * 16), (40, 2, b"d" * 16)):  # fmt: skip
        table.add(item_id, project_id, fingerprint, "0" * 32, None, "")
    scanned = array("q", [10, 20, 30, 40, 50])
    fingerprints = b"a" * 16 + b"X" * 16 + b"c" * 16 + b"d" * 16 + b"e" * 16
    kept, changed, previous = table.match(scanned, fingerprints, 1)
    assert sorted(kept) == [0, 1]  # items 30 and 10, unchanged
    assert changed == [20, 40, 50]  # new fingerprint, other project, not recorded
    assert previous == {20: 2, 40: 3}
