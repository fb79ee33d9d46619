"""Importing every image under a prefix of a configured bucket or folder."""

from __future__ import annotations

import pytest

from core.models import Job
from labeling.imports.paths import prefix_problem
from labeling.models import Item
from tests.labeling.images import image_bytes, jpeg_bytes
from tests.labeling.test_import_support import (
    make_image_project,
    make_manager,
    media_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_project(db):
    return make_image_project()


@pytest.fixture
def image_lead(image_project):
    return make_manager(image_project)


@pytest.fixture
def bucket(tmp_path, settings):
    """A folder source 'shared' rooted at <tmp>/bucket/root, with a secret beside the root."""
    root = tmp_path / "bucket" / "root"
    (root / "cats" / "young").mkdir(parents=True)
    (root / "cats" / "a.jpg").write_bytes(jpeg_bytes(seed=1))
    (root / "cats" / "young" / "b.png").write_bytes(image_bytes("PNG", seed=2))
    (root / "cats" / ".hidden.jpg").write_bytes(b"ignored")
    (root / "dogs").mkdir()
    (root / "dogs" / "c.jpg").write_bytes(jpeg_bytes(seed=3))
    (tmp_path / "bucket" / "secret.jpg").write_bytes(jpeg_bytes(seed=4))
    settings.IMPORT_SOURCES = {
        "shared": {
            "storage": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / "bucket")},
            },
            "prefix": "root/",
        }
    }
    return root


def start(client, project, body):
    return client.post(f"/api/projects/{project.pk}/import", body, format="json")


def test_everything_under_a_prefix_is_imported_by_a_job(
    api, image_project, image_lead, bucket, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = start(api(image_lead), image_project, {"source": "shared", "prefix": "cats/"})
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["created"] == 2
    names = set(Item.objects.filter(project=image_project).values_list("external_id", flat=True))
    assert names == {"a.jpg", "b.png"}
    assert len(media_files(tmp_path)) == 2


def test_an_empty_prefix_imports_the_whole_source_root(
    api, image_project, image_lead, bucket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = start(api(image_lead), image_project, {"source": "shared"})
    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.result["created"] == 3  # not the secret beside the root


def test_a_missing_prefix_fails_the_job_clearly(
    api, image_project, image_lead, bucket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = start(api(image_lead), image_project, {"source": "shared", "prefix": "nope/"})
    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.status == Job.Status.FAILED
    assert job.result["error"]["field"] == "prefix"


def test_only_configured_sources_can_be_used(api, image_project, image_lead, bucket):
    response = start(api(image_lead), image_project, {"source": "elsewhere", "prefix": ""})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "source"
    assert "shared" in response.json()["error"]["message"]
    assert not Job.objects.exists()


TRAVERSALS = [
    "../",
    "../secret.jpg",
    "cats/../../",
    "..%2f",
    "%2e%2e/",
    "/etc/",
    "C:/x",
    "cats\\..\\..",
    "cats/\x00",
    "cats//young",
    "./cats",
    "cats/./young",
    "\uff0e\uff0e/",  # fullwidth dots: NFKC makes them '..'
    "cats/\u202e",
]


@pytest.mark.parametrize("prefix", TRAVERSALS)
def test_prefixes_cannot_escape_the_source_root(api, image_project, image_lead, bucket, prefix):
    response = start(api(image_lead), image_project, {"source": "shared", "prefix": prefix})
    assert response.status_code == 400, prefix
    assert response.json()["error"]["field"] == "prefix"
    assert not Job.objects.exists()


@pytest.mark.parametrize("prefix", ["", "cats", "cats/", "cats/young/", "a b/ü-ok_1.2/"])
def test_ordinary_prefixes_are_accepted(prefix):
    assert prefix_problem(prefix) is None


def test_a_body_that_is_not_a_source_spec_is_refused(api, image_project, image_lead):
    response = api(image_lead).post(
        f"/api/projects/{image_project.pk}/import", b"[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400
