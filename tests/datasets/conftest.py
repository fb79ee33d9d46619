"""Fixtures for the dataset tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from labeling.services.annotations import annotation_submit
from tests.datasets.support import answer, create_dataset, run_snapshot
from tests.factories import MembershipFactory, ProjectFactory, TextItemFactory


@pytest.fixture
def labelled(lead, annotator):
    """A text project with 4 items, 3 of them labelled (no review required)."""
    project = ProjectFactory()
    MembershipFactory(project=project, user=lead, role="manager")
    items = TextItemFactory.create_batch(4, project=project)
    for item, label in zip(items[:3], "ABC", strict=False):
        annotation_submit(item_id=item.pk, user=annotator, result=answer(label))
    return project, items


@pytest.fixture
def version(api, lead, labelled, django_capture_on_commit_callbacks):
    """The labelled project snapshotted, merged into main and released as v1."""
    project, items = labelled
    slug = create_dataset(api, lead, project)
    run_snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    api(lead).post(f"/api/datasets/{slug}/merges", {"source": "round-1"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        api(lead).post(f"/api/datasets/{slug}/versions", {"notes": "first"}, format="json")
    return slug, project, items


@pytest.fixture(params=["local", "lakefs-emulator"])
def any_store(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """Runs the test on the local store, then on lakeFS through the emulator."""
    from tests.support.lakefs_emulator import LakeFSEmulator
    from tests.support.snapshots import use_lakefs

    if request.param == "local":
        settings.VERSION_STORE = "local"
        yield request.param
        return
    with LakeFSEmulator() as emulator:
        use_lakefs(settings, emulator)
        yield request.param
