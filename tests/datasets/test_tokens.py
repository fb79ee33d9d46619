"""Read tokens for training jobs: every scope case (RELIABILITY S4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from datasets.models import ReadToken
from tests.datasets.support import create_dataset

pytestmark = pytest.mark.django_db


def _issue(api, lead, slug: str, **body) -> dict:
    response = api(lead).post(f"/api/datasets/{slug}/tokens", {"name": "trainer", **body},
                              format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()


def _bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_read_token_downloads_its_dataset_and_is_stored_hashed(api, lead, version):
    slug, _, _ = version
    issued = _issue(api, lead, slug)
    secret = issued["token"]
    assert secret.startswith("alk_")
    assert not ReadToken.objects.filter(key_hash=secret).exists()
    assert ReadToken.objects.get(pk=issued["id"]).prefix == secret[:12]
    response = _bearer(secret).get(f"/api/datasets/{slug}/refs/v1/export?format=jsonl")
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).splitlines()) == 3
    listed = api(lead).get(f"/api/datasets/{slug}/tokens").json()["results"]
    assert "token" not in listed[0]


def test_a_token_for_one_dataset_cannot_read_another_or_write_anything(
    api, lead, version, django_capture_on_commit_callbacks
):
    slug, project, _ = version
    other = create_dataset(api, lead, project, slug="other-set")
    client = _bearer(_issue(api, lead, slug)["token"])
    assert client.get(f"/api/datasets/{other}/refs/main/export").status_code == 404
    # The token authenticates (so 403, not 401) but grants nothing beyond its reads.
    snapshot = client.post(f"/api/datasets/{slug}/snapshots", {"branch": "x"}, format="json")
    assert snapshot.status_code == 403
    assert client.post(f"/api/datasets/{slug}/versions", {}, format="json").status_code == 403
    assert client.get(f"/api/datasets/{slug}/diff?head=main").status_code == 403
    assert client.get("/api/projects/").status_code == 403
    assert client.get(f"/api/projects/{project.pk}/").status_code == 403


def test_expired_and_revoked_tokens_stop_at_once(api, lead, version):
    slug, _, _ = version
    url = f"/api/datasets/{slug}/refs/v1/export"
    expired = _issue(api, lead, slug)
    ReadToken.objects.filter(pk=expired["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _bearer(expired["token"]).get(url).status_code == 401
    revoked = _issue(api, lead, slug)
    client = _bearer(revoked["token"])
    assert client.get(url).status_code == 200
    assert api(lead).delete(f"/api/datasets/{slug}/tokens/{revoked['id']}").status_code == 204
    assert client.get(url).status_code == 401
    assert _bearer("alk_not-a-real-token").get(url).status_code == 401


def test_token_lifetime_is_bounded(api, lead, version):
    slug, _, _ = version
    response = api(lead).post(
        f"/api/datasets/{slug}/tokens", {"name": "x", "days": 4000}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "days"
