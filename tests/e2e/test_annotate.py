"""The annotator's screens in a real browser: draw, relabel, submit; label a span after an emoji."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from labeling.demo import IMAGE_PROJECT, TEXT_SCHEMA, demo_load
from labeling.models import Annotation, Item, Project, Role
from labeling.services.items import items_create_text
from labeling.services.projects import membership_set, project_create
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()


def ready_stage(page, testid: str = "image-stage"):
    stage = page.locator(f'[data-testid="{testid}"][data-ready="true"]')
    expect(stage).to_be_visible()
    return stage


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=4)
    page.mouse.move(*end, steps=4)
    page.mouse.up()


def test_an_annotator_draws_two_boxes_relabels_one_by_hotkey_and_submits_exactly_those(
    page, live_server
):
    demo_load(images=3, texts=5)
    sign_in(page, "annotator", "annotator-demo")
    page.get_by_role("link", name=f"Start labeling {IMAGE_PROJECT}").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/annotate$"))

    stage = ready_stage(page)
    item = Item.objects.get(pk=int(stage.get_attribute("data-item-id")))
    stage_box = stage.bounding_box()
    screenshot(page, "annotate-image")

    # The expected image coordinates come from the mouse positions and the drawn image's box.
    image = page.locator('[data-testid="image-stage"] img').bounding_box()
    assert image is not None
    sx, sy = item.width / image["width"], item.height / image["height"]

    def on_image(fx: float, fy: float) -> tuple[float, float]:
        return image["x"] + fx * image["width"], image["y"] + fy * image["height"]

    def expected(a: tuple[float, float], b: tuple[float, float]) -> dict[str, float]:
        x0, y0 = (a[0] - image["x"]) * sx, (a[1] - image["y"]) * sy
        x1, y1 = (b[0] - image["x"]) * sx, (b[1] - image["y"]) * sy
        return {"x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0}

    first = (on_image(0.10, 0.15), on_image(0.40, 0.45))
    second = (on_image(0.55, 0.60), on_image(0.85, 0.90))
    page.keyboard.press("1")  # car
    drag(page, *first)
    drag(page, *second)
    expect(page.get_by_role("list", name="Regions").get_by_role("listitem")).to_have_count(2)

    # Select the first box on the image, relabel it "person" with its hotkey; pick a class.
    page.mouse.click(*on_image(0.25, 0.30))
    page.keyboard.press("2")
    page.keyboard.press("d")
    regions = page.get_by_role("list", name="Regions")
    expect(regions.get_by_role("button", name=re.compile(r"^person"))).to_be_visible()
    expect(regions.get_by_role("button", name=re.compile(r"^car"))).to_be_visible()
    screenshot(page, "annotate-image-drawn")

    page.keyboard.press("Control+Enter")
    next_stage = page.locator(
        f'[data-testid="image-stage"][data-ready="true"]:not([data-item-id="{item.pk}"])'
    )
    expect(next_stage).to_be_visible()
    # The next item replaced the first in place: the stage did not move or resize.
    assert next_stage.bounding_box() == stage_box
    expect(page.get_by_role("list", name="Regions")).to_have_count(0)

    annotator = get_user_model().objects.get(username="annotator")
    stored = Annotation.objects.get(item=item, user=annotator).result
    boxes = [r for r in stored if r["type"] == "bbox"]
    assert [r["label"] for r in boxes] == ["person", "car"]
    for region, corners in zip(boxes, [first, second], strict=True):
        for key, value in expected(*corners).items():
            assert abs(region["bbox"][key] - value) <= 1, (key, region["bbox"], expected(*corners))
    assert [r for r in stored if r["type"] == "class"] == [
        {"control": "time_of_day", "type": "class", "labels": ["day"]}
    ]
    assert len(stored) == 3


TICKET = "🎉 Thanks! Maria from Acme Corp loves the app"


def test_an_entity_span_after_an_emoji_is_stored_with_code_point_offsets(page, live_server):
    demo_load(images=1, texts=1)
    users = {u.username: u for u in get_user_model().objects.all()}
    project = project_create(
        name="Emoji tickets",
        kind=Project.Kind.TEXT,
        label_schema=TEXT_SCHEMA,
        created_by=users["lead"],
        instructions="Mark **companies** as ORG.",
    )
    membership_set(project=project, user=users["annotator"], role=Role.ANNOTATOR)
    items_create_text(project=project, rows=[{"text": TICKET}])

    sign_in(page, "annotator", "annotator-demo")
    page.get_by_role("link", name="Start labeling Emoji tickets").click()
    stage = ready_stage(page, "text-stage")
    expect(stage).to_have_text(TICKET)

    # Drag over "Acme Corp" with the mouse: find where the browser drew its first and last letter.
    rects = page.evaluate(
        """([needle]) => {
            const stage = document.querySelector('[data-testid="text-stage"]');
            const walker = document.createTreeWalker(stage, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(needle);
                if (at === -1) continue;
                const rect = (from, to) => {
                    const range = document.createRange();
                    range.setStart(node, from);
                    range.setEnd(node, to);
                    const r = range.getBoundingClientRect();
                    return {left: r.left, right: r.right, y: r.top + r.height / 2};
                };
                return [rect(at, at + 1), rect(at + needle.length - 1, at + needle.length)];
            }
            return null;
        }""",
        ["Acme Corp"],
    )
    assert rects is not None
    first, last = rects
    drag(page, (first["left"] + 1, first["y"]), (last["right"] - 1, last["y"]))
    page.keyboard.press("e")  # ORG
    page.keyboard.press("1")  # topic: billing
    expect(stage.locator("[data-label='ORG']")).to_have_text("Acme Corp")
    screenshot(page, "annotate-text")

    page.get_by_role("button", name=re.compile("^Submit")).click()
    expect(page.get_by_role("heading", name="Nothing left to label")).to_be_visible()
    screenshot(page, "annotate-done")

    stored = Annotation.objects.get(item__project=project).result
    # Python str indices are code points: 21, where JavaScript's UTF-16 index would be 22.
    start = TICKET.index("Acme Corp")
    assert start == 21
    assert stored == [
        {
            "control": "entities",
            "type": "span",
            "label": "ORG",
            "start": start,
            "end": start + len("Acme Corp"),
            "text": "Acme Corp",
        },
        {"control": "topic", "type": "class", "labels": ["billing"]},
    ]
