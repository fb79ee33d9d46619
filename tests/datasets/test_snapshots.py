from __future__ import annotations

import json

import pytest

from core.jobs import TransientJobError
from core.models import Job
from datasets.services import snapshots
from datasets.stores import get_version_store
from datasets.stores.base import StoreUnavailable
from labeling.models import Annotation, Project
from labeling.services.annotations import annotation_update
from labeling.services.items import item_create_image
from tests.datasets.support import answer as _answer
from tests.datasets.support import create_dataset as _dataset
from tests.datasets.support import run_snapshot as _snapshot
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.labeling.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_a_snapshot_writes_the_canonical_layout_onto_the_branch(
    api, lead, labelled, django_capture_on_commit_callbacks
):
    project, items = labelled
    slug = _dataset(api, lead, project)
    result = _snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    assert result["changed"] is True
    assert (result["items"], result["labelled"], result["uploaded"]) == (3, 3, 4)

    store = get_version_store()
    paths = sorted(info.path for info in store.list_objects(slug, "round-1"))
    expected = sorted(f"items/{project.pk}/{i.pk}.json" for i in items[:3])
    assert paths == ["annolake.json", *expected]
    with store.open(slug, result["commit"], f"items/{project.pk}/{items[0].pk}.json") as f:
        document = json.loads(f.read())
    assert document["label"] == _answer("A")
    assert document["text"] == items[0].text
    with store.open(slug, "round-1", "annolake.json") as f:
        card = json.loads(f.read())
    assert card["counts"] == {"items": 3, "labelled": 3}
    assert card["label_histogram"] == {"label:A": 1, "label:B": 1, "label:C": 1}
    head = store.get_commit(slug, "round-1")
    assert head.metadata["annolake.items"] == "3"
    branches = api(lead).get(f"/api/datasets/{slug}/branches").json()
    assert {b["name"] for b in branches} == {"main", "round-1"}


def test_unchanged_labels_commit_nothing_and_one_change_uploads_one_item(
    api, lead, annotator, labelled, django_capture_on_commit_callbacks
):
    project, items = labelled
    slug = _dataset(api, lead, project)
    first = _snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    again = _snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    assert again["changed"] is False
    assert again["commit"] == first["commit"]

    annotation = Annotation.objects.get(item=items[1])
    annotation_update(annotation_id=annotation.pk, user=annotator, result=_answer("E"))
    changed = _snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    assert changed["changed"] is True
    assert changed["uploaded"] == 2  # the item and the dataset card
    assert changed["deleted"] == 0


def test_a_failed_snapshot_leaves_the_target_branch_untouched_and_a_retry_finishes(
    lead, labelled, monkeypatch
):
    project, _ = labelled
    from datasets.services.datasets import dataset_create

    dataset = dataset_create(slug="atomic", name="A", project_ids=[project.pk], created_by=lead)
    job = Job.objects.create(
        kind=snapshots.JOB_KIND,
        created_by=lead,
        params={
            "dataset_id": dataset.pk,
            "branch": "round-1",
            "from": "main",
            "message": "m",
            "projects": [project.pk],
            "include": "completed",
        },
    )
    store = get_version_store()
    real_commit = type(store).commit

    def flaky_commit(self, *args, **kwargs):
        raise StoreUnavailable("store busy")

    monkeypatch.setattr(type(store), "commit", flaky_commit)
    from core.jobs import Progress

    with pytest.raises(TransientJobError):
        snapshots.snapshot_build(job, Progress(job.pk))
    assert list(store.list_objects("atomic", "round-1")) == []  # nothing visible on the target

    monkeypatch.setattr(type(store), "commit", real_commit)
    result = snapshots.snapshot_build(job, Progress(job.pk))
    assert result["changed"] is True
    assert result["items"] == 3
    assert {b.name for b in store.list_branches("atomic")} == {"main", "round-1"}


def test_media_is_uploaded_once_per_repository(
    api, lead, annotator, django_capture_on_commit_callbacks
):
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
    from labeling.services.annotations import annotation_submit

    for seed in range(2):
        item = item_create_image(project=project, data=jpeg_bytes(seed=seed))
        annotation_submit(
            item_id=item.pk,
            user=annotator,
            result=[{"control": "scene", "type": "class", "labels": ["day"]}],
        )
    slug = _dataset(api, lead, project, slug="scenes")
    first = _snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    assert first["uploaded"] == 5  # 2 items, 2 images, the card
    media = [i.path for i in get_version_store().list_objects(slug, "round-1", prefix="media/")]
    assert len(media) == 2
    # A new round branched from the last one re-uploads nothing: same bytes, same checksums.
    second = _snapshot(
        api, lead, slug, django_capture_on_commit_callbacks, branch="round-2", **{"from": "round-1"}
    )
    assert second["changed"] is False
    assert second["uploaded"] == 0


def test_only_managers_of_every_source_project_snapshot(api, lead, labelled, outsider):
    project, _ = labelled
    slug = _dataset(api, lead, project)
    annotator = UserFactory()
    MembershipFactory(project=project, user=annotator, role="annotator")
    body = {"branch": "round-1"}
    assert (
        api(annotator).post(f"/api/datasets/{slug}/snapshots", body, format="json").status_code
        == 403
    )
    assert (
        api(outsider).post(f"/api/datasets/{slug}/snapshots", body, format="json").status_code
        == 404
    )
    assert api(annotator).get(f"/api/datasets/{slug}/").status_code == 403


def test_bad_snapshot_requests_name_the_field(api, lead, labelled):
    project, _ = labelled
    slug = _dataset(api, lead, project)
    bad_branch = api(lead).post(
        f"/api/datasets/{slug}/snapshots", {"branch": "annolake-job-1"}, format="json"
    )
    assert bad_branch.json()["error"]["field"] == "branch"
    other = ProjectFactory()
    bad_project = api(lead).post(
        f"/api/datasets/{slug}/snapshots", {"branch": "r", "projects": [other.pk]}, format="json"
    )
    assert bad_project.json()["error"]["field"] == "projects"
    bad_slug = api(lead).post(
        "/api/datasets/", {"slug": "Bad Slug", "name": "x", "projects": [project.pk]}, format="json"
    )
    assert bad_slug.json()["error"]["field"] == "slug"
    not_manager = api(UserFactory()).post(
        "/api/datasets/", {"slug": "mine", "name": "x", "projects": [project.pk]}, format="json"
    )
    assert not_manager.status_code == 403
