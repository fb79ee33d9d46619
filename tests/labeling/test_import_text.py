"""Importing text items through the API: formats, dedupe, all-or-nothing, limits, jobs."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Job
from labeling.models import Item, Project

pytestmark = pytest.mark.django_db


def url(project: Project) -> str:
    return f"/api/projects/{project.pk}/import"


def post(client, project, body, content_type="application/json", **extra):
    if isinstance(body, str):
        body = body.encode()
    return client.post(url(project), body, content_type=content_type, **extra)


def rejected(response) -> list[dict]:
    return response.json()["error"]["details"]["rejected"]


ITEMS = [
    {"text": "first", "external_id": "a", "meta": {"lang": "en"}, "priority": 3},
    {"text": "second", "external_id": "b"},
    {"text": "third"},
]


def test_a_json_array_is_imported_and_visible(api, project, lead):
    response = post(api(lead), project, json.dumps(ITEMS))
    assert response.status_code == 201, response.content
    assert response.json() == {
        "created": 3,
        "skipped_duplicates": 0,
        "rejected": [],
        "pre_annotations": 0,
    }
    items = list(Item.objects.filter(project=project).order_by("pk"))
    assert [i.text for i in items] == ["first", "second", "third"]
    assert items[0].meta == {"lang": "en"} and items[0].priority == 3
    assert items[2].external_id is None and items[2].meta == {}
    assert all(0 < i.order_key < 2**63 for i in items)
    assert len({i.order_key for i in items}) == 3
    listed = api(lead).get(f"/api/projects/{project.pk}/")
    assert listed.json()["item_count"] == 3


@pytest.mark.parametrize("content_type", ["application/x-ndjson", "application/jsonl"])
def test_jsonl_is_imported(api, project, lead, content_type):
    body = "\n".join(json.dumps(item) for item in ITEMS) + "\n"
    response = post(api(lead), project, body, content_type)
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 3


def test_csv_is_imported_with_meta_columns(api, project, lead):
    body = 'text,external_id,priority,meta.lang\nhello,h1,2,de\n"a, b",,,\n'
    response = post(api(lead), project, body, "text/csv")
    assert response.status_code == 201, response.content
    first, second = Item.objects.filter(project=project).order_by("pk")
    assert (first.text, first.external_id, first.priority, first.meta) == (
        "hello",
        "h1",
        2,
        {"lang": "de"},
    )
    assert (second.text, second.external_id, second.priority, second.meta) == ("a, b", None, 0, {})


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("items.json", json.dumps(ITEMS), None),
        ("items.jsonl", "\n".join(json.dumps(i) for i in ITEMS), None),
        ("items.csv", "text\nfirst\nsecond\nthird\n", None),
        ("items.txt", "\n".join(json.dumps(i) for i in ITEMS), "jsonl"),
    ],
)
def test_an_uploaded_file_is_imported_in_the_format_of_its_extension(
    api, project, lead, name, content, fmt
):
    upload = SimpleUploadedFile(name, content.encode(), content_type="application/octet-stream")
    query = f"?format={fmt}" if fmt else ""
    response = api(lead).post(url(project) + query, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 3


def test_format_query_overrides_the_content_type(api, project, lead):
    response = api(lead).post(
        url(project) + "?format=csv", b"text\nx\n", content_type="application/octet-stream"
    )
    assert response.status_code == 201, response.content


def test_an_unknown_content_type_asks_for_a_format(api, project, lead):
    response = post(api(lead), project, "x", "text/plain")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "format"


def test_reimporting_the_same_external_ids_skips_them(api, project, lead):
    client = api(lead)
    assert post(client, project, json.dumps(ITEMS)).status_code == 201
    again = [*ITEMS[:2], {"text": "new one", "external_id": "c"}]
    response = post(client, project, json.dumps(again))
    assert response.status_code == 201
    assert response.json()["created"] == 1
    assert response.json()["skipped_duplicates"] == 2
    assert Item.objects.filter(project=project).count() == 4
    assert Item.objects.get(project=project, external_id="a").text == "first"


def test_an_external_id_repeated_within_one_file_rejects_the_import(api, project, lead):
    body = [
        {"text": "x", "external_id": "same"},
        {"text": "y"},
        {"text": "z", "external_id": "same"},
    ]
    response = post(api(lead), project, json.dumps(body))
    assert response.status_code == 400
    assert rejected(response) == [
        {"row": 3, "field": "external_id", "message": "repeats the external_id of row 1"}
    ]
    assert not Item.objects.filter(project=project).exists()


BAD_ROWS = [
    ({"text": ""}, "text", "must be a non-empty string"),
    ({"text": "   "}, "text", "must be a non-empty string"),
    ({"external_id": "x"}, "text", "must be a non-empty string"),
    ({"text": 5}, "text", "must be a non-empty string"),
    ({"text": "x" * 100_001}, "text", "at most 100000"),
    ({"text": "nul \u0000 inside"}, "text", "NUL"),
    ({"text": "x", "external_id": 7}, "external_id", "string"),
    ({"text": "x", "external_id": "e" * 201}, "external_id", "at most 200"),
    ({"text": "x", "priority": "high"}, "priority", "integer"),
    ({"text": "x", "priority": True}, "priority", "integer"),
    ({"text": "x", "priority": 2**40}, "priority", "integer"),
    ({"text": "x", "meta": [1]}, "meta", "object"),
    ({"text": "x", "meta": {"k": "nul\u0000"}}, "meta.k", "NUL"),
    ({"text": "x", "colour": "red"}, "colour", "unknown field"),
]


@pytest.mark.parametrize(("row", "field", "message"), BAD_ROWS)
def test_a_bad_row_rejects_the_whole_import_and_names_row_and_field(
    api, project, lead, row, field, message
):
    body = [{"text": "fine"}, row, {"text": "also fine"}]
    response = post(api(lead), project, json.dumps(body))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "import_rejected"
    assert error["message"] == "1 row rejected; nothing was imported"
    assert error["details"]["rejected_count"] == 1
    (problem,) = error["details"]["rejected"]
    assert problem["row"] == 2 and problem["field"] == field
    assert message in problem["message"]
    assert not Item.objects.filter(project=project).exists()


def test_every_bad_row_is_listed_up_to_a_thousand_and_all_are_counted(api, project, lead):
    body = [{"text": ""} if i % 2 else {"text": "ok"} for i in range(2500)]
    response = post(api(lead), project, json.dumps(body))
    details = response.json()["error"]["details"]
    assert details["rejected_count"] == 1250
    assert len(details["rejected"]) == 1000
    assert details["rejected"][0]["row"] == 2
    assert not Item.objects.filter(project=project).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('[{"text": "x", "meta": {"score": NaN}}]', "meta.score"),
        ('[{"text": "x", "meta": {"score": 1e400}}]', "meta.score"),
        ('[{"text": "x", "meta": {"a": [Infinity]}}]', "meta.a[0]"),
        ('[{"text": "x", "priority": -Infinity}]', "priority"),
    ],
)
def test_nan_and_infinite_numbers_are_rejected_rows(api, project, lead, body, field):
    response = post(api(lead), project, body)
    assert response.status_code == 400
    assert rejected(response)[0]["field"] == field
    assert not Item.objects.filter(project=project).exists()


def test_unpaired_surrogates_are_rejected_rather_than_breaking_the_database(api, project, lead):
    response = post(api(lead), project, '[{"text": "bad \\ud800 half"}]')
    assert response.status_code == 400
    assert "surrogates" in rejected(response)[0]["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b'[{"text": "a"}, {"text": "b"', "application/json", "byte"),
        (b'[{"text": "a"}, {"text": "b"}', "application/json", "not closed"),
        (b'{"text": "a"}', "application/json", "expected a JSON array"),
        (b'[{"text": "caf\xe9"}]', "application/json", "not valid UTF-8 at byte 14"),
        (b"[" * 50_000 + b"]" * 50_000, "application/json", "nested too deeply"),
        (b'text\nok\n"unclosed\n', "text/csv", "malformed CSV at line"),
        (b"text\n\xff\n", "text/csv", "not valid UTF-8 at byte 5"),
    ],
)
def test_malformed_input_is_refused_with_its_position_and_nothing_is_written(
    api, project, lead, body, content_type, fragment
):
    response = post(api(lead), project, body, content_type)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "import_malformed"
    assert fragment in response.json()["error"]["message"]
    assert not Item.objects.filter(project=project).exists()


def test_deeply_nested_jsonl_line_is_a_rejected_row(api, project, lead):
    body = '{"text": "ok"}\n' + "[" * 50_000 + "]" * 50_000 + "\n"
    response = post(api(lead), project, body, "application/x-ndjson")
    assert response.status_code == 400
    assert rejected(response)[0]["row"] == 2
    assert "nested too deeply" in rejected(response)[0]["message"]


def test_a_csv_row_with_the_wrong_number_of_cells_is_rejected(api, project, lead):
    response = post(api(lead), project, "text,external_id\nok,1\nbad,2,3\n", "text/csv")
    assert response.status_code == 400
    assert rejected(response) == [
        {"row": 2, "field": None, "message": "has 3 cells; the header has 2 columns"}
    ]
    assert not Item.objects.filter(project=project).exists()


def test_a_bom_before_the_data_is_fine(api, project, lead):
    response = post(api(lead), project, b"\xef\xbb\xbftext\nhello\n", "text/csv")
    assert response.status_code == 201, response.content
    assert Item.objects.get(project=project).text == "hello"


def test_a_body_over_the_limit_is_refused_before_reading(api, project, lead, settings):
    settings.IMPORT_MAX_BYTES = 100
    body = json.dumps([{"text": "x" * 50}, {"text": "y" * 50}])
    response = post(api(lead), project, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import_too_large"
    assert not Item.objects.filter(project=project).exists()


def test_a_claimed_two_gigabyte_body_is_refused_from_its_header(api, project, lead):
    response = post(api(lead), project, b"[]", CONTENT_LENGTH=str(2 * 1024**3))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import_too_large"


def test_an_empty_body_is_refused(api, project, lead):
    response = post(api(lead), project, b"")
    assert response.status_code == 400


def test_an_empty_array_imports_nothing(api, project, lead):
    response = post(api(lead), project, b"[]")
    assert response.status_code == 201
    assert response.json()["created"] == 0


def test_pre_annotations_on_rows_are_validated_and_stored(api, project, lead):
    good = [{"control": "label", "type": "class", "labels": ["B"]}]
    body = [{"text": "x", "pre_annotation": good}, {"text": "y", "pre_annotation": []}]
    response = post(api(lead), project, json.dumps(body))
    assert response.status_code == 201, response.content
    assert response.json()["pre_annotations"] == 1
    first, second = Item.objects.filter(project=project).order_by("pk")
    assert first.pre_annotation == good
    assert second.pre_annotation is None


def test_a_bad_pre_annotation_names_its_path(api, project, lead):
    bad = [{"control": "label", "type": "class", "labels": ["Z"]}]
    response = post(api(lead), project, json.dumps([{"text": "x", "pre_annotation": bad}]))
    assert response.status_code == 400
    problem = rejected(response)[0]
    assert problem["row"] == 1 and problem["field"] == "pre_annotation[0].labels[0]"
    assert "unknown label 'Z'" in problem["message"]


def test_text_rows_cannot_go_into_an_image_project(api, project, lead):
    Project.objects.filter(pk=project.pk).update(kind=Project.Kind.IMAGE)
    response = post(api(lead), project, json.dumps(ITEMS))
    assert response.status_code == 400


def test_a_large_import_is_staged_and_run_as_a_job(
    api, project, lead, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 50
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api(lead), project, json.dumps(ITEMS))
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]["id"]
    job = api(lead).get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "succeeded", job
    assert job["result"] == {
        "created": 3,
        "skipped_duplicates": 0,
        "rejected": [],
        "pre_annotations": 0,
    }
    assert job["progress_done"] == job["progress_total"] == 3
    assert Item.objects.filter(project=project).count() == 3
    assert default_storage.listdir("imports")[1] == []  # the staged body is gone


def test_a_rejected_job_fails_with_the_report(
    api, project, lead, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api(lead), project, json.dumps([{"text": "ok"}, {"text": ""}]))
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.status == Job.Status.FAILED
    assert job.result["error"]["code"] == "import_rejected"
    assert job.result["error"]["details"]["rejected"][0]["row"] == 2
    assert not Item.objects.filter(project=project).exists()


def test_a_retried_job_that_already_imported_does_not_import_twice(
    api, project, lead, settings, django_capture_on_commit_callbacks
):
    from core.jobs import job_run
    from labeling.services.imports import import_job_run

    settings.IMPORT_SYNC_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api(lead), project, json.dumps([{"text": "a"}, {"text": "b"}]))
    job = Job.objects.get(pk=response.json()["job"]["id"])
    # Pretend the worker died after the import committed but before the job was finished.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, finished_at=None)
    job_run(job_id=job.pk, body=import_job_run)
    assert Item.objects.filter(project=project).count() == 2
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED


@pytest.mark.parametrize(
    ("persona", "status"), [("annotator", 403), ("reviewer", 403), ("outsider", 404), (None, 401)]
)
def test_only_managers_may_import(request, api, project, persona, status):
    user = request.getfixturevalue(persona) if persona else None
    response = post(api(user), project, json.dumps(ITEMS))
    assert response.status_code == status
    assert not Item.objects.filter(project=project).exists()


def test_a_missing_project_is_404_even_for_site_admins(api, site_admin):
    response = api(site_admin).post(
        "/api/projects/999999/import", b"[]", content_type="application/json"
    )
    assert response.status_code == 404


def test_tabs_newlines_and_backslashes_survive_the_staging_format(api, project, lead):
    tricky = ["tab\there", "new\nline\r\nwin", "back\\slash \\N \\t", "\\N", "ünï ✓ 𝄞"]
    body = [
        {"text": text, "external_id": f"id\t{i}\\", "meta": {"k\t": text}}
        for i, text in enumerate(tricky)
    ]
    response = post(api(lead), project, json.dumps(body))
    assert response.status_code == 201, response.content
    items = list(Item.objects.filter(project=project).order_by("pk"))
    assert [i.text for i in items] == tricky
    assert [i.external_id for i in items] == [f"id\t{i}\\" for i in range(len(tricky))]
    assert [i.meta for i in items] == [{"k\t": text} for text in tricky]


def test_items_create_text_checks_rows_like_an_import(project):
    from core.errors import ValidationFailed
    from labeling.services.items import items_create_text

    assert items_create_text(project=project, rows=[{"text": "a", "external_id": "x"}]) == 1
    assert items_create_text(project=project, rows=[{"text": "a", "external_id": "x"}]) == 0
    with pytest.raises(ValidationFailed) as err:
        items_create_text(project=project, rows=[{"text": ""}])
    assert err.value.code == "import_rejected"


def test_a_large_uploaded_file_is_staged_with_its_format_and_imported_by_a_job(
    api, project, lead, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    upload = SimpleUploadedFile("items.csv", b"text,external_id\nhello,h\nworld,w\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(lead).post(url(project), {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.params["format"] == "csv"
    assert job.params["key"].startswith("imports/") and job.params["key"].endswith(".csv")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert set(Item.objects.values_list("external_id", flat=True)) == {"h", "w"}


def test_a_json_body_with_a_bom_is_fine(api, project, lead):
    response = post(api(lead), project, b"\xef\xbb\xbf" + json.dumps(ITEMS).encode())
    assert response.status_code == 201, response.content
