"""Manager screens in a browser: project creation with the schema editor, imports (direct and
through a job), members, the items browser with ground truth, the dashboard and label mapping."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from labeling.demo import DEMO_USERS, IMAGE_PROJECT, demo_load
from labeling.models import Annotation, Item, Membership, Project, Role
from labeling.services.annotations import annotation_submit
from tests.e2e.conftest import screenshot
from tests.factories import UserFactory
from tests.labeling.images import jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, username: str = "lead") -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_USERS[username][0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()


def snap(page: Page, name: str) -> None:
    """A full-page picture from the top (the sticky header would otherwise sit mid-page),
    once the images (lazy thumbnails included) have loaded."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("Array.from(document.images).every((image) => image.complete)")
    screenshot(page, name)


def jpegs(count: int, first_seed: int = 1) -> list[dict]:
    return [
        {"name": f"photo{i}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(seed=i)}
        for i in range(first_seed, first_seed + count)
    ]


def test_a_manager_creates_a_project_with_the_schema_editor_and_imports_images(page, live_server):
    demo_load(images=1, texts=1)
    sign_in(page)
    page.get_by_role("link", name="New project").click()
    expect(page.get_by_role("heading", name="New project")).to_be_visible()

    page.get_by_label("Name", exact=True).fill("Pets")
    page.get_by_label("Description").fill("Cats and dogs")
    page.get_by_label("Annotations per item").fill("2")
    page.get_by_label("Label 1 name").fill("cat")
    page.get_by_role("button", name="Add label").click()
    page.keyboard.type("dog")  # the new label's name input has the focus
    page.get_by_label("Hotkey of dog").fill("1")
    expect(page.get_by_text("'1' is already the hotkey of objects \u203a cat.")).to_be_visible()
    page.get_by_label("Hotkey of dog").fill("2")
    expect(page.get_by_text("is already the hotkey")).to_have_count(0)

    page.get_by_role("button", name="Add control").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("weather")
    page.get_by_label("Type").nth(1).select_option("class")
    page.get_by_label("Several labels may be picked").check()
    page.get_by_label("Label 1 name").nth(1).fill("sunny")
    preview = page.get_by_role("region", name="Annotator preview")
    expect(preview).to_contain_text("weather")
    expect(preview).to_contain_text("pick any")
    expect(preview.get_by_label("hotkey 2")).to_be_visible()
    snap(page, "manage-create-project")

    page.get_by_role("button", name="Create project").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/import$"))
    expect(page.get_by_text("Project created.")).to_be_visible()
    project = Project.objects.get(name="Pets")
    assert project.overlap == 2
    assert project.label_schema["controls"][1] == {
        "name": "weather",
        "type": "class",
        "multiple": True,
        "required": False,
        "labels": [{"name": "sunny", "color": "#ffe119", "hotkey": "3"}],
    }
    assert Membership.objects.get(project=project).role == Role.MANAGER

    page.locator("input[type=file]").set_input_files(jpegs(3))
    page.get_by_role("button", name=re.compile(r"^Import 3 files")).click()
    expect(page.get_by_text("Import finished.")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Import progress")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    report = page.get_by_role("region", name="Import report")
    expect(report.locator(".mg-tile").filter(has_text="Created")).to_contain_text("3")
    expect(page.get_by_text("Thumbnails are ready.")).to_be_visible()
    snap(page, "manage-import-report")
    assert Item.objects.filter(project=project).count() == 3

    # The same images again: all duplicates, reported and not stored twice.
    page.get_by_role("button", name="Import more").click()
    page.locator("input[type=file]").set_input_files(jpegs(2))
    page.get_by_role("button", name=re.compile(r"^Import 2 files")).click()
    expect(report.locator(".mg-tile").filter(has_text="Skipped duplicates")).to_contain_text("2")
    expect(report.get_by_role("link", name=re.compile(r"item #\d+"))).to_have_count(2)
    assert Item.objects.filter(project=project).count() == 3

    # A file that is no image rejects the whole upload, row by row.
    page.get_by_role("button", name="Import more").click()
    bad = {"name": "notes.png", "mimeType": "image/png", "buffer": b"<svg></svg>"}
    page.locator("input[type=file]").set_input_files([*jpegs(1, first_seed=9), bad])
    page.get_by_role("button", name=re.compile(r"^Import 2 files")).click()
    expect(page.get_by_role("alert").filter(has_text="nothing was imported")).to_be_visible()
    rejected = page.get_by_role("table", name="Rejected rows")
    expect(rejected).to_contain_text("notes.png")
    expect(rejected).to_contain_text("not an image")
    snap(page, "manage-import-rejected")
    assert Item.objects.filter(project=project).count() == 3


def test_the_progress_bar_follows_an_import_job_until_it_finishes(page, live_server, settings):
    """Above IMPORT_SYNC_MAX_FILES images the server answers 202 with a job. Celery is eager
    here, so the job is done by the time the answer leaves; the test rewinds the job's state
    on the wire (queued, then running 2 of 4 until released) to watch the UI poll it."""
    settings.IMPORT_SYNC_MAX_FILES = 1
    demo_load(images=1, texts=1)
    project = Project.objects.get(name=IMAGE_PROJECT)
    state = {"release": False, "polls": 0}

    def answer_queued(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        assert response.status == 202, body
        body["job"].update(status="queued", progress_done=0, progress_total=None)
        route.fulfill(response=response, body=json.dumps(body))

    def job_in_progress(route: Route) -> None:
        state["polls"] += 1
        response = route.fetch()
        if state["release"]:
            route.fulfill(response=response)
            return
        body = response.json()
        body.update(status="running", progress_done=2, progress_total=4, result=None)
        route.fulfill(response=response, body=json.dumps(body))

    page.route(re.compile(r".*/api/projects/\d+/import$"), answer_queued)
    page.route(re.compile(r".*/api/jobs/\d+$"), job_in_progress)
    sign_in(page)
    page.goto(f"/projects/{project.pk}/import")
    page.locator("input[type=file]").set_input_files(jpegs(4, first_seed=20))
    page.get_by_role("button", name=re.compile(r"^Import 4 files")).click()

    bar = page.get_by_role("progressbar", name="Import progress")
    expect(page.get_by_text("Importing… 2 of 4")).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "50")
    snap(page, "manage-import-job-running")
    polls = state["polls"]
    page.wait_for_timeout(1200)
    assert state["polls"] >= polls + 2, "the job is polled about every 500 ms"

    state["release"] = True
    expect(page.get_by_text("Import finished.")).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "100")
    report = page.get_by_role("region", name="Import report")
    expect(report.locator(".mg-tile").filter(has_text="Created")).to_contain_text("4")
    snap(page, "manage-import-job-done")
    assert Item.objects.filter(project=project).count() == 5


def test_a_manager_adds_changes_and_removes_members(page, live_server):
    demo_load(images=1, texts=1)
    project = Project.objects.get(name=IMAGE_PROJECT)
    newbie = UserFactory(username="newbie")
    sign_in(page)
    page.get_by_role("link", name=f"Manage {IMAGE_PROJECT}").click()
    page.get_by_role("link", name="Members").click()
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/members$"))

    page.get_by_label("Username").fill("ghost")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("There is no user named “ghost”.")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Username").fill("newbie")
    page.get_by_label("Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Add member").click()
    role = page.get_by_label("Role of newbie")
    expect(role).to_have_value("reviewer")
    assert Membership.objects.get(project=project, user=newbie).role == Role.REVIEWER

    role.select_option("annotator")
    expect(page.get_by_text("newbie is now annotator.")).to_be_attached()
    assert Membership.objects.get(project=project, user=newbie).role == Role.ANNOTATOR

    # The only manager cannot leave: the 409 is explained in the row.
    page.get_by_role("button", name="Remove lead").click()
    page.get_by_role("button", name="Remove lead").click()
    expect(page.get_by_role("alert")).to_have_text(
        "A project keeps at least one manager. Make someone else a manager first."
    )
    snap(page, "manage-members")

    page.get_by_role("button", name="Remove newbie").click()
    page.get_by_role("button", name="Remove newbie").click()
    expect(page.get_by_text("newbie", exact=True)).to_have_count(0)
    assert not Membership.objects.filter(project=project, user=newbie).exists()
    assert Membership.objects.filter(project=project, role=Role.MANAGER).count() == 1


def _annotate(project: Project, item: Item, username: str, labels: list[str], night: bool) -> None:
    user = UserFactory(username=username)
    Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.ANNOTATOR})
    regions = [
        {
            "control": "objects",
            "type": "bbox",
            "label": label,
            "bbox": {"x": 40 + 90 * i, "y": 60, "w": 80, "h": 70},
        }
        for i, label in enumerate(labels)
    ]
    regions.append(
        {"control": "time_of_day", "type": "class", "labels": ["night" if night else "day"]}
    )
    annotation_submit(item_id=item.pk, user=user, result=regions, lead_time_ms=12_000)


def test_a_manager_reviews_items_sets_ground_truth_and_maps_removed_labels(page, live_server):
    demo_load(images=3, texts=1)
    project = Project.objects.get(name=IMAGE_PROJECT)
    Project.objects.filter(pk=project.pk).update(overlap=2)
    item = Item.objects.filter(project=project).order_by("pk").first()
    _annotate(project, item, "ann", ["car", "bike"], night=False)
    _annotate(project, item, "bob", ["car"], night=False)
    sign_in(page)

    page.goto(f"/projects/{project.pk}")
    expect(page.get_by_role("img", name="Items by state")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Label histogram"))).to_be_visible()
    expect(page.locator(".mg-tile").filter(has_text="Annotations")).to_contain_text("2")
    snap(page, "manage-dashboard")

    page.get_by_role("link", name="Items", exact=True).click()
    expect(page).to_have_url(re.compile(r"/items$"))
    page.get_by_label("State", exact=True).select_option("done")
    expect(page).to_have_url(re.compile(r"state=done"))
    expect(page.get_by_text("1 item matches")).to_be_visible()
    snap(page, "manage-items")
    page.get_by_role("link", name=re.compile(item.external_id or f"#{item.pk}")).click()

    expect(page.get_by_role("article", name="Annotation by ann")).to_be_visible()
    expect(page.get_by_role("article", name="Annotation by bob")).to_be_visible()
    ann = page.get_by_role("article", name="Annotation by ann")
    ann.get_by_role("button", name="Show on item").click()
    expect(page.get_by_role("img", name="2 regions")).to_be_visible()
    ann.get_by_role("button", name="Revisions").click()
    expect(ann.get_by_text("Submitted")).to_be_visible()
    ann.get_by_role("button", name="Use as ground truth").click()
    expect(page.locator(".mg-badge-gt")).to_have_text("Ground truth")
    expect(page.get_by_role("button", name="Clear ground truth")).to_be_visible()
    expect(page.get_by_role("article", name="Annotation by bob")).to_contain_text(
        "ground-truth score"
    )
    snap(page, "manage-item")
    item.refresh_from_db()
    assert item.ground_truth is not None and len(item.ground_truth) == 3

    # Removing "bike", which ann used, asks where its regions go.
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Remove bike").click()
    page.get_by_role("button", name="Save changes").click()
    mapping = page.get_by_role("region", name="A removed label is in use")
    expect(mapping).to_contain_text("bike")
    snap(page, "manage-settings-mapping")
    mapping.get_by_label("New label for objects:bike").select_option("objects:car")
    mapping.get_by_role("button", name="Save with this mapping").click()
    expect(page.get_by_text("Saved · schema version 2")).to_be_visible()
    labels = {
        region.get("label")
        for region in Annotation.objects.get(item=item, user__username="ann").result
    }
    assert labels == {"car", None}
