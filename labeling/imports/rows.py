"""Validate one imported text item and normalise it into the row the loader stages.

Every check that the database would otherwise make later (and fail on with a 500, or in
the middle of a COPY) is made here, per row, with the field named: NUL characters and
unpaired surrogates (PostgreSQL text and jsonb reject both), integer range, JSON size.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from core.errors import ValidationFailed
from labeling.imports.jsonstream import NON_FINITE
from labeling.imports.problems import Problems
from labeling.schemas import LabelSchema, validate_result

MAX_TEXT_CHARS = 100_000
MAX_EXTERNAL_ID = 200
MAX_META_CHARS = 64 * 1024
MAX_META_DEPTH = 16
INT32 = (-(2**31), 2**31 - 1)
FIELDS = ("text", "external_id", "meta", "priority", "pre_annotation")
_ALLOWED = frozenset(FIELDS)


@dataclass(frozen=True, slots=True)
class TextRow:
    """A validated item; ``meta`` and ``pre_annotation`` are already JSON text."""

    row: int
    external_id: str | None
    text: str
    meta: str
    priority: int
    pre_annotation: str | None

    def staged(self, project_id: int, salt: str) -> list[Any]:
        """The values the loader stages (its STAGED columns), the order key last."""
        key = order_key(project_id, salt, self.row, self.external_id)
        return [self.row, self.external_id, self.text, self.meta, self.priority,
                self.pre_annotation, key]  # fmt: skip


def string_problem(value: str) -> str | None:
    """Why PostgreSQL could not store ``value`` as text, or None if it can."""
    if "\x00" in value:
        return "must not contain NUL characters"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "must not contain unpaired surrogates"
    return None


def order_key(project_id: int, salt: str, row: int, external_id: str | None) -> int:
    """A stable pseudo-random 63-bit position for random-order projects.

    An item with an external id gets the same key whenever it is imported; others are keyed
    by the import (``salt``) and their row, so two imports of id-less rows interleave.
    """
    seed = f"{project_id}\x1f{external_id}" if external_id is not None else f"{salt}\x1f{row}"
    return int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big") >> 1


def _meta_problem(meta: object) -> tuple[str, str] | None:
    """Walk ``meta`` without recursion: (path suffix, problem) or None."""
    if type(meta) is not dict:
        return "", "must be an object"
    stack: list[tuple[object, str, int]] = [(meta, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_META_DEPTH:
            return path, f"is nested more than {MAX_META_DEPTH} levels deep"
        if isinstance(value, dict):
            for key, child in value.items():
                problem = string_problem(key)
                if problem:
                    return f"{path}.{key!r}", f"key {problem}"
                stack.append((child, f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(value))
        elif value is NON_FINITE:
            return path, "must be a finite number (NaN, Infinity and 1e400 are not JSON numbers)"
        elif isinstance(value, str) and (problem := string_problem(value)):
            return path, problem
    return None


def _text(raw: dict[str, Any], row: int, problems: Problems) -> str:
    text = raw.get("text")
    if type(text) is not str or not text.strip():
        problems.add(row, "text", "must be a non-empty string")
        return ""
    if len(text) > MAX_TEXT_CHARS:
        problems.add(row, "text", f"must be at most {MAX_TEXT_CHARS} characters (got {len(text)})")
    elif problem := string_problem(text):
        problems.add(row, "text", problem)
    return text


def _external_id(raw: dict[str, Any], row: int, problems: Problems) -> str | None:
    value = raw.get("external_id")
    if value is None:
        return None
    if type(value) is not str or not value.strip():
        problems.add(row, "external_id", "must be a non-empty string or null")
    elif len(value) > MAX_EXTERNAL_ID:
        problems.add(row, "external_id", f"must be at most {MAX_EXTERNAL_ID} characters")
    elif problem := string_problem(value):
        problems.add(row, "external_id", problem)
    else:
        return value
    return None


def _meta(raw: dict[str, Any], row: int, problems: Problems) -> str:
    meta = raw.get("meta")
    if meta is None or meta == {}:
        return "{}"
    found = _meta_problem(meta)
    if found:
        problems.add(row, f"meta{found[0]}", found[1])
        return "{}"
    text = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    if len(text) > MAX_META_CHARS:
        problems.add(row, "meta", f"must be at most {MAX_META_CHARS} characters of JSON")
    return text


def _priority(raw: dict[str, Any], row: int, problems: Problems) -> int:
    value = raw.get("priority", 0)
    if value is None:
        return 0
    if type(value) is not int or not INT32[0] <= value <= INT32[1]:
        problems.add(row, "priority", f"must be an integer from {INT32[0]} to {INT32[1]}")
        return 0
    return value


def relaxed(schema: LabelSchema) -> LabelSchema:
    """The schema with no required controls: a pre-annotation is a start, not a submission."""
    controls = tuple(dataclasses.replace(control, required=False) for control in schema.controls)
    return LabelSchema(controls)


def pre_annotation_json(
    schema: LabelSchema,
    value: object,
    row: int | str,
    problems: Problems,
    *,
    prefix: str = "pre_annotation",
    **size: Any,
) -> str | None:
    """Validate a pre-annotation; JSON text of its canonical form, None when empty or bad.

    Problems name the field as ``<prefix>[i].bbox.w`` (validate_result says ``result``).
    """
    if value is None:
        return None
    try:
        result = validate_result(schema, value, **size)
    except ValidationFailed as exc:
        problems.add_error(row, exc, prefix=prefix)
        return None
    return json.dumps(result, separators=(",", ":")) if result else None


def text_row(raw: object, row: int, schema: LabelSchema, problems: Problems) -> TextRow | None:
    """Validate one item; its problems go to ``problems`` and the result is None."""
    if type(raw) is not dict:
        problems.add(row, None, "must be an object with a 'text'")
        return None
    before = problems.rows
    if not raw.keys() <= _ALLOWED:
        unknown = sorted(str(key) for key in raw if key not in _ALLOWED)
        problems.add(row, unknown[0], f"unknown field (allowed: {', '.join(FIELDS)})")
    text = _text(raw, row, problems)
    external_id = _external_id(raw, row, problems)
    meta = _meta(raw, row, problems)
    priority = _priority(raw, row, problems)
    pre = None
    if text and raw.get("pre_annotation") is not None:
        pre = pre_annotation_json(schema, raw["pre_annotation"], row, problems, text=text)
    if problems.rows != before:
        return None
    return TextRow(row, external_id, text, meta, priority, pre)
