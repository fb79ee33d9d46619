"""The reviewer's screens in a real browser: reject with a comment, compare annotations."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from labeling.demo import IMAGE_PROJECT, TEXT_PROJECT, demo_load
from labeling.models import Annotation, Item, Project
from labeling.services.annotations import annotation_submit
from tests.e2e.conftest import screenshot
from tests.e2e.test_annotate import ready_stage, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

BOXES = [
    {
        "control": "objects",
        "type": "bbox",
        "label": "car",
        "bbox": {"x": 40, "y": 200, "w": 180, "h": 90},
    },
    {"control": "time_of_day", "type": "class", "labels": ["night"]},
]


def test_a_reviewer_rejects_with_a_comment_and_the_annotator_sees_it_in_their_history(
    page, browser, live_server
):
    demo_load(images=3, texts=5)
    project = Project.objects.get(name=IMAGE_PROJECT)
    project.review_required = True
    project.save()
    annotator = get_user_model().objects.get(username="annotator")
    item = Item.objects.filter(project=project).order_by("id").first()
    annotation, _ = annotation_submit(item_id=item.pk, user=annotator, result=BOXES)

    sign_in(page, "reviewer", "reviewer-demo")
    page.get_by_role("link", name=f"Review {IMAGE_PROJECT}").click()
    stage = ready_stage(page)
    assert stage.get_attribute("data-item-id") == str(item.pk)
    regions = page.get_by_role("list", name="Regions")
    expect(regions.get_by_role("button", name=re.compile(r"^car"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Accept"))).to_be_visible()
    screenshot(page, "review")

    page.keyboard.press("r")
    dialog = page.get_by_role("dialog", name="Reject annotator's annotation")
    expect(dialog).to_be_visible()
    comment = dialog.get_by_label("What should be fixed?")
    expect(comment).to_be_focused()
    comment.press("Enter")  # an empty comment is refused on the spot
    expect(dialog).to_contain_text("Say what is wrong")
    comment.fill("The car is the purple one; it is daytime.")
    screenshot(page, "review-reject")
    comment.press("Enter")
    expect(page.get_by_role("heading", name="Nothing to review")).to_be_visible()

    annotation.refresh_from_db()
    assert annotation.status == Annotation.Status.REJECTED
    assert annotation.review_comment == "The car is the purple one; it is daytime."

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        own = context.new_page()
        sign_in(own, "annotator", "annotator-demo")
        own.goto(f"/projects/{project.pk}/history")
        row = own.locator(f'tr[data-annotation="{annotation.pk}"]')
        expect(row).to_contain_text("Rejected")
        expect(row).to_contain_text("reviewer: The car is the purple one; it is daytime.")
        screenshot(own, "history")

        row.get_by_role("link", name="Fix & resubmit").click()
        ready_stage(own)
        expect(own.get_by_role("note")).to_contain_text("The car is the purple one")
        own.keyboard.press("d")  # day replaces night
        screenshot(own, "history-edit")
        own.keyboard.press("Control+Enter")
        expect(own.get_by_role("status").filter(has_text="saved")).to_be_visible()
        expect(own.locator(f'tr[data-annotation="{annotation.pk}"]')).to_contain_text("Pending")
    finally:
        context.close()
    annotation.refresh_from_db()
    assert annotation.status == Annotation.Status.PENDING
    assert annotation.result[-1] == {"control": "time_of_day", "type": "class", "labels": ["day"]}


def test_a_reviewer_compares_two_annotations_side_by_side_and_accepts_both(page, live_server):
    demo_load(images=1, texts=3)
    project = Project.objects.get(name=TEXT_PROJECT)
    project.overlap = 2
    project.agreement_threshold = 0.9
    project.save()
    users = {u.username: u for u in get_user_model().objects.all()}
    item = Item.objects.filter(project=project).order_by("id").first()
    for username, topic in [("annotator", "billing"), ("lead", "bug")]:
        annotation_submit(
            item_id=item.pk,
            user=users[username],
            result=[
                {"control": "topic", "type": "class", "labels": [topic]},
                {"control": "entities", "type": "span", "label": "PERSON", "start": 0, "end": 3},
            ],
        )
    item.refresh_from_db()
    assert item.state == Item.State.SUBMITTED

    sign_in(page, "reviewer", "reviewer-demo")
    page.goto(f"/projects/{project.pk}/review")
    compare = page.get_by_role("region", name="Annotations side by side")
    expect(compare).to_contain_text("Agreement 50%")
    expect(compare.locator("article")).to_have_count(2)
    cards = compare.locator("article")
    expect(cards.filter(has_text="annotator")).to_contain_text("billing")
    expect(cards.filter(has_text="lead")).to_contain_text("bug")
    expect(page.locator('[data-testid="text-stage"][data-ready="true"]')).to_have_count(2)
    screenshot(page, "review-compare")

    page.keyboard.press("a")  # the highlighted (first) one
    expect(cards.nth(0)).to_contain_text("Accepted")
    cards.nth(1).get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", name="Nothing to review")).to_be_visible()
    assert set(Annotation.objects.filter(item=item).values_list("status", flat=True)) == {
        "accepted"
    }
