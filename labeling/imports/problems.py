"""Collect the problems of an all-or-nothing import and turn them into one error."""

from __future__ import annotations

from typing import Any

from core.errors import ValidationFailed

MAX_LISTED = 1000


class ImportMalformed(ValidationFailed):
    """The input cannot be parsed at all (broken JSON/CSV, bad UTF-8): parsing stops here."""

    code = "import_malformed"


class ImportTooLarge(ValidationFailed):
    code = "import_too_large"


class Problems:
    """Rows rejected so far: the first ``MAX_LISTED`` problems and a count of rejected rows.

    Only a bounded list is kept so that a file that is wrong on every row does not grow
    memory with its size.
    """

    def __init__(self) -> None:
        self.listed: list[dict[str, Any]] = []
        self.rows = 0
        self._last_row: object = None

    def __bool__(self) -> bool:
        return self.rows > 0

    def add(self, row: int | str | None, field: str | None, message: str, **extra: Any) -> None:
        if row is None or row != self._last_row:
            self.rows += 1
        self._last_row = row
        if len(self.listed) < MAX_LISTED:
            self.listed.append({"row": row, "field": field, "message": message, **extra})

    def add_error(self, row: int | str | None, exc: ValidationFailed, prefix: str = "") -> None:
        """Add a result validation error, renaming its leading ``result`` to ``prefix``."""
        field = exc.field
        if prefix and field and field.startswith("result"):
            field = prefix + field[len("result") :]
        self.add(row, field, exc.message)

    def raise_if_any(self) -> None:
        if self:
            raise self.error()

    def error(self) -> ValidationFailed:
        noun = "row" if self.rows == 1 else "rows"
        return ValidationFailed(
            f"{self.rows} {noun} rejected; nothing was imported",
            code="import_rejected",
            details={"rejected": self.listed, "rejected_count": self.rows},
        )
