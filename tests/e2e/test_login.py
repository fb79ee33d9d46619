from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from labeling.demo import IMAGE_PROJECT, TEXT_PROJECT, demo_load
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_annotator_signs_in_and_sees_the_demo_projects(page, live_server):
    demo_load(images=3, texts=5)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    screenshot(page, "login")

    page.get_by_label("Username").fill("annotator")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")

    page.get_by_label("Password").fill("annotator-demo")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    expect(page.get_by_text(IMAGE_PROJECT)).to_be_visible()
    expect(page.get_by_text(TEXT_PROJECT)).to_be_visible()
    screenshot(page, "projects")


def test_a_deep_link_survives_the_login_redirect(page, live_server):
    demo_load(images=1, texts=1)
    page.goto("/projects?page=1")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill("lead-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/projects\?page=1$"))
    expect(page.get_by_text(TEXT_PROJECT)).to_be_visible()
