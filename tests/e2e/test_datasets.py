"""The data lead's dataset page in a browser: create a dataset, snapshot a round and follow
the job, read the diff against main, merge; resolve a conflicting merge item by item; release."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from datasets.models import Merge, Version
from labeling.demo import DEMO_USERS, IMAGE_PROJECT, TEXT_PROJECT, demo_load
from labeling.models import Annotation, Item
from labeling.services.annotations import annotation_submit, annotation_update
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, username: str = "lead") -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_USERS[username][0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()


def snap(page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("Array.from(document.images).every((image) => image.complete)")
    screenshot(page, name)


def boxes(label: str, x: float = 40, day: str = "day") -> list[dict]:
    return [
        {"control": "objects", "type": "bbox", "label": label,
         "bbox": {"x": x, "y": 200, "w": 160, "h": 120}},
        {"control": "objects", "type": "bbox", "label": "person",
         "bbox": {"x": 400, "y": 180, "w": 60, "h": 150}},
        {"control": "time_of_day", "type": "class", "labels": [day]},
    ]  # fmt: skip


def topic(label: str) -> list[dict]:
    return [
        {"control": "topic", "type": "class", "labels": [label]},
        {"control": "entities", "type": "span", "label": "PRODUCT", "start": 0, "end": 6},
    ]


def labelled_images() -> list[Item]:
    """The demo's image and text projects (the lead manages both), every item labelled once
    by the annotator (no review required); the image items, in order."""
    demo_load(images=2, texts=2)
    annotator = User.objects.get(username="annotator")
    image_items = list(Item.objects.filter(project__name=IMAGE_PROJECT).order_by("pk"))
    for item, label in zip(image_items, ["car", "bike"], strict=True):
        annotation_submit(item_id=item.pk, user=annotator, result=boxes(label))
    for item in Item.objects.filter(project__name=TEXT_PROJECT):
        annotation_submit(item_id=item.pk, user=annotator, result=topic("bug"))
    return image_items


def relabel(item: Item, result: list[dict]) -> None:
    annotation = Annotation.objects.get(item=item)
    annotator = User.objects.get(username="annotator")
    annotation_update(annotation_id=annotation.pk, user=annotator, result=result)


def snapshot(page: Page, branch: str, message: str) -> None:
    page.get_by_label("Branch", exact=True).fill(branch)
    page.get_by_label("Completed").check()
    page.get_by_label("Message", exact=True).fill(message)
    page.get_by_role("button", name="Snapshot now").click()
    expect(page.get_by_role("progressbar", name="Snapshot progress")).to_have_attribute(
        "aria-valuenow", "100"
    )
    expect(page.get_by_text(re.compile(f"Snapshot committed on {branch}"))).to_be_visible()


def test_a_lead_snapshots_compares_merges_resolves_a_conflict_and_releases(page, live_server):
    image_items = labelled_images()
    sign_in(page)

    # A dataset from both projects, made in the page.
    page.get_by_role("link", name="Datasets").click()
    expect(page.get_by_role("heading", name="Datasets", exact=True)).to_be_visible()
    page.get_by_role("button", name="New dataset").click()
    page.get_by_label("Name", exact=True).fill("Street and tickets")
    expect(page.get_by_label("Slug")).to_have_value("street-and-tickets")
    page.get_by_label(IMAGE_PROJECT).check()
    page.get_by_label(TEXT_PROJECT).check()
    snap(page, "datasets-new")
    page.get_by_role("button", name="Create dataset").click()
    expect(page).to_have_url(re.compile(r"/datasets/street-and-tickets$"))
    expect(page.get_by_role("heading", name="Street and tickets")).to_be_visible()
    expect(page.get_by_text("No snapshot yet.")).to_be_visible()

    # A bad branch name is refused next to the field.
    page.get_by_label("Branch", exact=True).fill("round 1")
    page.get_by_role("button", name="Snapshot now").click()
    expect(page.get_by_text("Use letters, digits")).to_be_visible()

    # Round 1: snapshot, follow the job, compare with main, merge.
    snapshot(page, "round-1", "Round 1 labels")
    expect(page.get_by_text(re.compile(r"4 items, 4 labelled"))).to_be_visible()
    branches = page.get_by_role("list", name="Branches")
    expect(branches).to_contain_text("round-1")
    page.get_by_role("button", name="Compare round-1 with main").click()
    diff = page.get_by_role("region", name="round-1 compared with main")
    expect(diff.get_by_role("term").filter(has_text="Added")).to_be_visible()
    expect(diff.locator(".ds-tile--added .mg-tile__value")).to_have_text("4")
    expect(diff.get_by_role("img", name=re.compile("Label count change"))).to_be_visible()
    expect(diff.get_by_role("img", name="2 regions").first).to_be_visible()
    snap(page, "datasets-round-1-diff")
    page.get_by_label("Merge message").fill("Round 1")
    page.get_by_role("button", name="Merge round-1 into main").click()
    expect(page.get_by_text(re.compile(r"Merged round-1 into main"))).to_be_visible()
    expect(diff.get_by_text("round-1 has nothing that main lacks.")).to_be_visible()
    expect(branches).to_contain_text("main")

    # Two rounds from main change the same image differently.
    first = image_items[0]
    relabel(first, boxes("bike", x=60))
    snapshot(page, "round-2a", "Round 2a")
    page.get_by_role("button", name="Compare round-2a with main").click()
    diff = page.get_by_role("region", name="round-2a compared with main")
    expect(diff.locator(".ds-tile--changed .mg-tile__value")).to_have_text("1")
    expect(diff.get_by_text("+1 objects:bike")).to_be_visible()
    expect(diff.get_by_text("\u22121 objects:car")).to_be_visible()
    expect(diff.get_by_text("Before (main)")).to_be_visible()
    snap(page, "datasets-round-2a-diff")
    page.get_by_role("button", name="Merge round-2a into main").click()
    expect(page.get_by_text(re.compile(r"Merged round-2a into main"))).to_be_visible()

    relabel(first, boxes("person", x=80, day="night"))
    snapshot_form = page.get_by_role("region", name="Snapshot now")
    snapshot_form.get_by_label("From").select_option("round-1")  # parted before round-2a
    snapshot(page, "round-2b", "Round 2b")
    page.get_by_role("button", name="Compare round-2b with main").click()
    page.get_by_role("button", name="Merge round-2b into main").click()

    conflicts = page.get_by_role("region", name="Resolve conflicts: round-2b → main")
    expect(conflicts).to_be_visible()
    expect(conflicts.get_by_text("Base (where they parted)")).to_be_visible()
    expect(conflicts.get_by_text("Source: round-2b")).to_be_visible()
    expect(conflicts.get_by_text("Target: main")).to_be_visible()
    resolve = conflicts.get_by_role("button", name="Resolve and merge")
    expect(resolve).to_be_disabled()
    expect(conflicts.get_by_text("1 item still to pick.")).to_be_visible()
    snap(page, "datasets-conflict")
    conflicts.get_by_label(re.compile(r"Keep source")).check()
    expect(conflicts.get_by_text("1 from round-2b, 0 from main.")).to_be_visible()
    resolve.click()
    expect(page.get_by_text(re.compile(r"Merged round-2b into main"))).to_be_visible()
    merge = Merge.objects.get(source="round-2b")
    assert merge.status == Merge.Status.MERGED

    # Release v1 with notes; releasing the same commit again is refused, readably.
    page.get_by_label("Release notes").fill("First release: rounds 1 and 2")
    page.get_by_role("button", name="Release as version").click()
    expect(page.get_by_text(re.compile(r"Released v1"))).to_be_visible()
    versions = page.get_by_role("list", name="Versions")
    expect(versions).to_contain_text("v1")
    expect(versions).to_contain_text("First release: rounds 1 and 2")
    assert Version.objects.get(name="v1").notes == "First release: rounds 1 and 2"
    page.get_by_role("button", name="Release as version").click()
    expect(page.get_by_role("alert").filter(has_text="Couldn't release")).to_be_visible()
    snap(page, "datasets-released")
