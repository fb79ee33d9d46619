"""Branches through the API: list, create from a ref, delete (not main, not a job's)."""

from __future__ import annotations

import pytest

from core.models import Job
from datasets.services import snapshots
from datasets.stores import get_version_store
from tests.datasets.support import create_dataset as _dataset
from tests.datasets.support import run_snapshot as _snapshot

pytestmark = pytest.mark.django_db


def _branches(api, user, slug):
    return {b["name"]: b["commit"] for b in api(user).get(f"/api/datasets/{slug}/branches").json()}


def test_a_manager_creates_a_branch_from_a_ref_and_deletes_it(
    api, lead, labelled, django_capture_on_commit_callbacks
):
    project, _ = labelled
    slug = _dataset(api, lead, project)
    first = _snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    response = api(lead).post(
        f"/api/datasets/{slug}/branches", {"name": "round-2", "from": "round-1"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"name": "round-2", "commit": first["commit"]}
    assert _branches(api, lead, slug)["round-2"] == first["commit"]

    response = api(lead).delete(f"/api/datasets/{slug}/branches/round-2")
    assert response.status_code == 204
    assert "round-2" not in _branches(api, lead, slug)
    assert get_version_store().resolve(slug, first["commit"]) == first["commit"]


def test_a_branch_from_main_works_before_any_snapshot(api, lead, labelled):
    project, _ = labelled
    slug = _dataset(api, lead, project)
    response = api(lead).post(f"/api/datasets/{slug}/branches", {"name": "round-1"}, format="json")
    assert response.status_code == 201, response.content
    assert set(_branches(api, lead, slug)) == {"main", "round-1"}


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"name": "main"}, 409, "name", "exists"),
        ({"name": "annolake-job-7"}, 400, "name", "invalid"),
        ({"name": "has space"}, 400, "name", "invalid"),
        ({"name": "round-2", "from": "no-such-ref"}, 400, "from", "invalid"),
        ({}, 400, "name", "required"),
    ],
)
def test_bad_branch_creations_say_why(api, lead, labelled, body, status, field, code):
    project, _ = labelled
    slug = _dataset(api, lead, project)
    response = api(lead).post(f"/api/datasets/{slug}/branches", body, format="json")
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert (error["field"], error["code"]) == (field, code)


def test_main_and_job_branches_cannot_be_deleted(
    api, lead, labelled, django_capture_on_commit_callbacks
):
    project, _ = labelled
    slug = _dataset(api, lead, project)
    _snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    response = api(lead).delete(f"/api/datasets/{slug}/branches/main")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "protected_branch"
    response = api(lead).delete(f"/api/datasets/{slug}/branches/annolake-job-1")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "name"
    response = api(lead).delete(f"/api/datasets/{slug}/branches/round-9")
    assert response.status_code == 404
    assert set(_branches(api, lead, slug)) == {"main", "round-1"}


def test_a_branch_a_snapshot_is_writing_into_is_not_deleted(api, lead, labelled):
    project, _ = labelled
    slug = _dataset(api, lead, project)
    api(lead).post(f"/api/datasets/{slug}/branches", {"name": "round-1"}, format="json")
    from datasets.models import Dataset

    dataset = Dataset.objects.get(slug=slug)
    Job.objects.create(
        kind=snapshots.JOB_KIND,
        status=Job.Status.RUNNING,
        created_by=lead,
        params={"dataset_id": dataset.pk, "branch": "round-1"},
    )
    response = api(lead).delete(f"/api/datasets/{slug}/branches/round-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "snapshot_running"


def test_only_managers_create_and_delete_branches(api, lead, annotator, reviewer, labelled):
    project, _ = labelled
    slug = _dataset(api, lead, project)
    for user in (annotator, reviewer):
        response = api(user).post(f"/api/datasets/{slug}/branches", {"name": "x"}, format="json")
        assert response.status_code in (403, 404)
        assert api(user).delete(f"/api/datasets/{slug}/branches/main").status_code in (403, 404)
