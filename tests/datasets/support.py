"""Helpers shared by the dataset tests."""

from __future__ import annotations

from core.models import Job


def answer(label: str) -> list[dict]:
    return [{"control": "label", "type": "class", "labels": [label]}]


def create_dataset(api, lead, project, slug="reviews"):
    response = api(lead).post(
        "/api/datasets/", {"slug": slug, "name": "Reviews", "projects": [project.pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    return slug


def run_snapshot(api, user, slug, django_capture_on_commit_callbacks, **body):
    payload = {"branch": "round-1", "include": "completed", **body}
    with django_capture_on_commit_callbacks(execute=True):
        response = api(user).post(f"/api/datasets/{slug}/snapshots", payload, format="json")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.status == Job.Status.SUCCEEDED, job.error
    return job.result
