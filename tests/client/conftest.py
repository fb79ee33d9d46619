"""A released dataset version served by the real app on a live server, and a read token.

The client talks real HTTP to pytest-django's ``live_server`` (a threaded WSGI server in this
process, on PostgreSQL), as a training job would. Setup goes through the API in-process.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from labeling.models import Annotation, Item
from tests.datasets.support import answer, create_dataset, run_snapshot
from tests.factories import MembershipFactory, ProjectFactory

CLI = Path(sys.executable).with_name("annolake")
WORDS = {
    "A": "good great lovely excellent",
    "B": "bad awful terrible broken",
    "C": "fine okay average plain",
}


@dataclass
class Version:
    server: str
    slug: str
    ref: str
    token: str
    items: list[Item]
    commit: str


def labelled_items(project, annotator, count: int) -> list[Item]:
    """``count`` text items with one pending annotation each (a complete item when k=1).

    Made in bulk: the queue's services are tested elsewhere; here only the version matters.
    The class follows the words, so a bag-of-words model can learn it.
    """
    labels = [("A", "B", "C")[n % 3] for n in range(count)]
    items = Item.objects.bulk_create(
        Item(project=project, text=f"{WORDS[label]} review {n}", state=Item.State.DONE,
             annotation_count=1)
        for n, label in enumerate(labels)
    )  # fmt: skip
    Annotation.objects.bulk_create(
        Annotation(item=item, project=project, user=annotator, result=answer(label))
        for item, label in zip(items, labels, strict=True)
    )
    return items


@pytest.fixture
def make_version(live_server, api, lead, annotator, django_capture_on_commit_callbacks):
    """Release a version of ``count`` labelled items as ``v1``; a read token for it."""

    def make(count: int = 12, slug: str = "reviews") -> Version:
        project = ProjectFactory()
        MembershipFactory(project=project, user=lead, role="manager")
        items = labelled_items(project, annotator, count)
        create_dataset(api, lead, project, slug=slug)
        run_snapshot(api, lead, slug, django_capture_on_commit_callbacks)
        merged = api(lead).post(f"/api/datasets/{slug}/merges", {"source": "round-1"},
                                format="json")  # fmt: skip
        assert merged.status_code == 201, merged.content
        released = api(lead).post(f"/api/datasets/{slug}/versions", {}, format="json")
        assert released.status_code == 201, released.content
        issued = api(lead).post(f"/api/datasets/{slug}/tokens", {"name": "trainer"},
                                format="json")  # fmt: skip
        assert issued.status_code == 201, issued.content
        return Version(
            server=live_server.url, slug=slug, ref=released.json()["name"],
            token=issued.json()["token"], items=items, commit=released.json()["commit"],
        )  # fmt: skip

    return make


@pytest.fixture
def version(make_version) -> Version:
    return make_version()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    """Run the installed ``annolake`` console script (what ``pip install ./client`` gives)."""
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: run `make bootstrap-dev` (installs ./client)")
    return subprocess.run(
        [str(CLI), *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def start_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(CLI), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(version: Version, **query: str) -> dict:
    """The manifest as the server sends it, fetched without the client."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {version.token}")
    response = client.get(f"/api/datasets/{version.slug}/refs/{version.ref}/manifest", query)
    assert response.status_code == 200, response.content
    return json.loads(response.getvalue())  # streamed or not


def assert_verified(out: Path, body: dict) -> None:
    """Every manifest file sits at its path with its sha256, and no ``.part`` is left."""
    for entry in body["files"]:
        assert sha256(out / entry["path"]) == entry["sha256"], entry["path"]
    assert not list(out.rglob("*.part"))
