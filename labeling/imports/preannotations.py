"""Pre-annotations in our JSON Lines format, checked against the project's items and schema.

This and ``coco`` produce ``(item_id, result JSON or None)`` pairs for the service to write. Every
problem is collected with the place it came from (``result[0].bbox.w`` on a JSONL line,
``annotations[17].category_id`` in COCO) so one answer lists all that is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from labeling.imports.problems import Problems
from labeling.imports.rows import pre_annotation_json
from labeling.models import Item, Project
from labeling.schemas import LabelSchema

BATCH = 1000
_KEYS = frozenset({"external_id", "item_id", "result"})


def _batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _item_fields(project: Project) -> tuple[str, ...]:
    if project.kind == Project.Kind.TEXT:
        return ("id", "external_id", "text")
    return ("id", "external_id", "width", "height")


def _size(project: Project, item: dict[str, Any]) -> dict[str, Any]:
    if project.kind == Project.Kind.TEXT:
        return {"text": item["text"]}
    return {"width": item["width"], "height": item["height"]}


def items_by(project: Project, key: str, values: set[Any]) -> dict[Any, dict[str, Any]]:
    """The project's items whose ``key`` (id or external_id) is in ``values``."""
    found: dict[Any, dict[str, Any]] = {}
    for chunk in _batched(values, BATCH):
        rows = Item.objects.filter(project=project, **{f"{key}__in": chunk})
        found.update((row[key], row) for row in rows.values(*_item_fields(project)))
    return found


def _target(row: int, value: Any, problems: Problems) -> tuple[str, Any] | None:
    if type(value) is not dict:
        problems.add(row, None, "must be an object with 'external_id' or 'item_id' and 'result'")
        return None
    unknown = sorted(str(key) for key in value if key not in _KEYS)
    if unknown:
        problems.add(row, unknown[0], "unknown field (allowed: external_id, item_id, result)")
        return None
    if ("external_id" in value) == ("item_id" in value):
        problems.add(row, "external_id", "give exactly one of 'external_id' and 'item_id'")
        return None
    key = "external_id" if "external_id" in value else "id"
    wanted = value.get("external_id", value.get("item_id"))
    if key == "id" and (type(wanted) is not int or wanted < 1):
        problems.add(row, "item_id", "must be a positive integer")
        return None
    if key == "external_id" and type(wanted) is not str:
        problems.add(row, "external_id", "must be a string")
        return None
    if "result" not in value:
        problems.add(row, "result", "is required")
        return None
    return key, wanted


def jsonl_preannotations(
    lines: Iterable[tuple[int, Any]], project: Project, schema: LabelSchema, problems: Problems
) -> Iterator[tuple[int, str | None]]:
    """Check ``{"external_id" | "item_id", "result"}`` lines; yield (item id, result JSON)."""
    first_row: dict[int, int] = {}  # item id -> the row that set it: one result per item
    for batch in _batched(lines, BATCH):
        targets = [(row, value, _target(row, value, problems)) for row, value in batch]
        wanted: dict[str, set[Any]] = {"id": set(), "external_id": set()}
        for _, _, target in targets:
            if target:
                wanted[target[0]].add(target[1])
        found = {key: items_by(project, key, values) for key, values in wanted.items() if values}
        for row, value, target in targets:
            if target is None:
                continue
            key, ident = target
            field = "item_id" if key == "id" else "external_id"
            item = found.get(key, {}).get(ident)
            if item is None:
                problems.add(row, field, f"no item with {field} {ident!r} in this project")
                continue
            if item["id"] in first_row:
                problems.add(row, field, f"the same item as row {first_row[item['id']]}")
                continue
            first_row[item["id"]] = row
            before = problems.rows
            result = pre_annotation_json(
                schema, value["result"], row, problems, prefix="result", **_size(project, item)
            )
            if problems.rows == before:
                yield item["id"], result
