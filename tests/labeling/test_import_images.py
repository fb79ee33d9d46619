"""Importing images: single files, zips, duplicates, and everything that must be refused."""

from __future__ import annotations

import zipfile

import pytest

from core.models import Job
from labeling.models import Item
from tests.labeling.images import image_bytes, jpeg_bytes
from tests.labeling.test_import_support import (
    make_image_project,
    make_manager,
    media_files,
    png_claiming,
    upload,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_project(db):
    return make_image_project()


@pytest.fixture
def image_lead(image_project):
    return make_manager(image_project)


def url(project) -> str:
    return f"/api/projects/{project.pk}/import"


def send(client, project, *files):
    return client.post(url(project), {"file": list(files)}, format="multipart")


def rejected(response) -> list[dict]:
    return response.json()["error"]["details"]["rejected"]


def test_uploaded_images_become_items_named_by_their_file(
    api, image_project, image_lead, tmp_path, django_capture_on_commit_callbacks
):
    files = [upload("cat.jpg", jpeg_bytes(seed=1)), upload("dog.png", image_bytes("PNG", seed=2))]
    with django_capture_on_commit_callbacks(execute=True):
        response = send(api(image_lead), image_project, *files)
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["created"] == 2 and report["duplicates"] == [] and report["rejected"] == []
    items = {i.external_id: i for i in Item.objects.filter(project=image_project)}
    assert set(items) == {"cat.jpg", "dog.png"}
    assert (items["dog.png"].media_ext, items["dog.png"].width) == ("png", 64)
    assert len(media_files(tmp_path)) == 2
    thumbnails = Job.objects.get(pk=report["thumbnail_job"])
    assert thumbnails.kind == "labeling.generate_thumbnails"
    assert thumbnails.status == Job.Status.SUCCEEDED
    assert all(item.has_thumbnail for item in Item.objects.filter(project=image_project))


def test_a_zip_of_images_is_imported_and_litter_is_ignored(api, image_project, image_lead):
    archive = zip_bytes(
        {
            "photos/a.jpg": jpeg_bytes(seed=1),
            "photos/sub/b.webp": image_bytes("WEBP", seed=2),
            "__MACOSX/photos/._a.jpg": b"resource fork",
            "photos/.DS_Store": b"finder",
            "photos/Thumbs.db": b"windows",
            "photos/": b"",
        }
    )
    response = send(api(image_lead), image_project, upload("photos.zip", archive))
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2
    names = set(Item.objects.filter(project=image_project).values_list("external_id", flat=True))
    assert names == {"a.jpg", "b.webp"}


def test_duplicates_in_the_upload_and_in_the_project_are_reported_not_stored(
    api, image_project, image_lead
):
    client = api(image_lead)
    assert send(client, image_project, upload("one.jpg", jpeg_bytes(seed=1))).status_code == 201
    existing = Item.objects.get(project=image_project)
    response = send(
        client,
        image_project,
        upload("again.jpg", jpeg_bytes(seed=1)),
        upload("new.jpg", jpeg_bytes(seed=2)),
        upload("new-copy.jpg", jpeg_bytes(seed=2)),
    )
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["created"] == 1
    assert report["skipped_duplicates"] == 2
    by_row = {d["row"]: d for d in report["duplicates"]}
    assert by_row[1]["item_id"] == existing.pk
    assert by_row[3]["same_as_row"] == 2
    assert Item.objects.filter(project=image_project).count() == 2


def test_a_name_already_used_as_external_id_is_not_reused(api, image_project, image_lead):
    client = api(image_lead)
    send(client, image_project, upload("same.jpg", jpeg_bytes(seed=1)))
    response = send(client, image_project, upload("dir/same.jpg", jpeg_bytes(seed=2)))
    assert response.status_code == 201
    first, second = Item.objects.filter(project=image_project).order_by("pk")
    assert (first.external_id, second.external_id) == ("same.jpg", None)


BAD_FILES = [
    ("svg.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("page.png", b"<html><script>alert(1)</script></html>"),
    ("anim.gif", image_bytes("GIF")),
    ("broken.jpg", jpeg_bytes(size=(200, 200))[:300]),
    ("bomb.png", png_claiming(30000, 30000)),
]


@pytest.mark.parametrize(("name", "data"), BAD_FILES, ids=[name for name, _ in BAD_FILES])
def test_a_bad_image_rejects_the_upload_and_no_media_is_written(
    api, image_project, image_lead, tmp_path, name, data
):
    response = send(
        api(image_lead), image_project, upload("good.jpg", jpeg_bytes(seed=5)), upload(name, data)
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "import_rejected"
    (problem,) = rejected(response)
    assert problem["row"] == 2 and problem["field"] == "file" and problem["name"] == name
    assert not Item.objects.filter(project=image_project).exists()
    assert media_files(tmp_path) == []


def test_the_decompression_bomb_is_rejected_cheaply(api, image_project, image_lead, tmp_path):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = send(api(image_lead), image_project, upload("bomb.png", png_claiming(30000, 30000)))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert response.status_code == 400
    assert "pixels" in rejected(response)[0]["message"]
    assert grown_kb < 100 * 1024
    assert media_files(tmp_path) == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("../evil.jpg", "'..'"),
        ("photos/../../evil.jpg", "'..'"),
        ("/etc/evil.jpg", "absolute"),
        ("C:/evil.jpg", "absolute"),
        ("photos\\..\\evil.jpg", "backslash"),
    ],
)
def test_zip_entries_that_climb_out_are_rejected(
    api, image_project, image_lead, tmp_path, entry, message
):
    archive = zip_bytes({"fine.jpg": jpeg_bytes(seed=1), entry: jpeg_bytes(seed=2)})
    response = send(api(image_lead), image_project, upload("x.zip", archive))
    assert response.status_code == 400, response.content
    (problem,) = rejected(response)
    assert problem["row"] == entry and message in problem["message"]
    assert media_files(tmp_path) == []
    assert not (tmp_path / "evil.jpg").exists()


def test_symlink_entries_are_rejected(api, image_project, image_lead):
    archive = zip_bytes({"link.jpg": b"/etc/passwd"}, symlinks=("link.jpg",))
    response = send(api(image_lead), image_project, upload("x.zip", archive))
    assert response.status_code == 400
    assert "symbolic link" in rejected(response)[0]["message"]


def test_a_zip_bomb_is_refused_by_its_declared_size(api, image_project, image_lead, settings):
    settings.IMPORT_ZIP_MAX_BYTES = 10 * 1024 * 1024
    archive = zip_bytes({f"{i}.jpg": b"\0" * (4 * 1024 * 1024) for i in range(3)})
    assert len(archive) < 100_000
    response = send(api(image_lead), image_project, upload("bomb.zip", archive))
    assert response.status_code == 400
    assert "unpacks to" in rejected(response)[0]["message"]


def test_an_entry_that_inflates_past_its_declared_size_is_caught(api, image_project, image_lead):
    data = jpeg_bytes(seed=3)
    archive = bytearray(zip_bytes({"liar.jpg": data}))
    # Shrink the declared size in both headers: the entry then inflates past it.
    small = (len(data) - 100).to_bytes(4, "little")
    local = archive.find(b"PK\x03\x04")
    archive[local + 22 : local + 26] = small
    central = archive.find(b"PK\x01\x02")
    archive[central + 24 : central + 28] = small
    response = send(api(image_lead), image_project, upload("x.zip", bytes(archive)))
    assert response.status_code == 400, response.content
    assert rejected(response)[0]["row"] == "liar.jpg"


def test_too_many_zip_entries_are_refused(api, image_project, image_lead, settings):
    settings.IMPORT_MAX_FILES = 2
    archive = zip_bytes({f"{i}.jpg": jpeg_bytes(seed=i) for i in range(3)})
    response = send(api(image_lead), image_project, upload("x.zip", archive))
    assert response.status_code == 400
    assert "entries" in rejected(response)[0]["message"]


def test_a_file_that_is_not_a_zip_but_named_so_is_rejected(api, image_project, image_lead):
    response = send(api(image_lead), image_project, upload("x.zip", b"not a zip at all"))
    assert response.status_code == 400
    assert "zip" in rejected(response)[0]["message"]


def test_an_upload_with_no_images_is_refused(api, image_project, image_lead):
    archive = zip_bytes({".hidden.jpg": jpeg_bytes()})
    response = send(api(image_lead), image_project, upload("x.zip", archive))
    assert response.status_code == 400
    assert "no images" in response.json()["error"]["message"]


def test_many_images_are_imported_by_a_job(
    api, image_project, image_lead, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_FILES = 2
    archive = zip_bytes({f"img{i}.jpg": jpeg_bytes(seed=i) for i in range(3)})
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            api(image_lead),
            image_project,
            upload("many.zip", archive),
            upload("x.png", image_bytes("PNG", seed=9)),
        )
    assert response.status_code == 202, response.content
    job = api(image_lead).get(f"/api/jobs/{response.json()['job']['id']}").json()
    assert job["status"] == "succeeded", job
    assert job["result"]["created"] == 4
    assert job["progress_done"] == 4
    assert Item.objects.filter(project=image_project, has_thumbnail=True).count() == 4
    staged = tmp_path / "media" / "imports"
    assert not staged.exists() or not any(staged.iterdir())


def test_a_job_with_a_bad_image_fails_with_the_report_and_stores_nothing(
    api, image_project, image_lead, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_FILES = 1
    files = [upload("a.jpg", jpeg_bytes(seed=1)), upload("b.png", b"<svg></svg>")]
    with django_capture_on_commit_callbacks(execute=True):
        response = send(api(image_lead), image_project, *files)
    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.status == Job.Status.FAILED
    assert job.result["error"]["details"]["rejected"][0]["row"] == 2
    assert media_files(tmp_path) == []


@pytest.mark.parametrize(("persona", "status"), [("annotator", 403), ("outsider", 404)])
def test_only_managers_may_upload_images(api, image_project, request, persona, status):
    from labeling.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    if persona == "annotator":
        MembershipFactory(project=image_project, user=user, role=Role.ANNOTATOR)
    response = send(api(user), image_project, upload("a.jpg", jpeg_bytes()))
    assert response.status_code == status
    assert not Item.objects.filter(project=image_project).exists()


def test_zip_entry_names_are_checked_on_the_original_name():
    # zipfile cuts names at NUL; the check must see the name as stored in the archive.
    info = zipfile.ZipInfo("evil.jpg\x00.png")
    from labeling.imports.paths import entry_name_problem

    assert info.filename == "evil.jpg"
    assert entry_name_problem(info.orig_filename) == "name contains a NUL character"
