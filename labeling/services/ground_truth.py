"""Ground-truth items: a known answer that annotators' work is scored against."""

from __future__ import annotations

from django.db import transaction

from core.errors import NotFound
from labeling.agreement import item_agreement
from labeling.models import Item, Project
from labeling.services.annotations import project_schema, result_validate


@transaction.atomic
def item_set_ground_truth(*, item_id: int, ground_truth: object) -> Item:
    """Set (or clear, with None) the item's known answer and re-score existing annotations."""
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound("No such item.", field="item")
    project = Project.objects.get(pk=item.project_id)
    if ground_truth is None:
        item.ground_truth = None
    else:
        item.ground_truth = result_validate(project, item, ground_truth)
    item.save(update_fields=["ground_truth"])
    schema = project_schema(project)
    for annotation in item.annotations.all():
        annotation.ground_truth_score = (
            None
            if item.ground_truth is None
            else item_agreement(schema, [item.ground_truth, annotation.result])
        )
        annotation.save(update_fields=["ground_truth_score"])
    return item
