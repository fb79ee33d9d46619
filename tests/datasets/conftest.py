"""Fixtures for the dataset tests."""

from __future__ import annotations

import pytest

from labeling.services.annotations import annotation_submit
from tests.datasets.support import answer
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
