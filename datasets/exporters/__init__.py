"""A registry of export formats (DESIGN.md "Export"): ``jsonl``, ``csv``, ``coco``, ``yolo``,
``parquet``.

Every writer takes the dataset card (``layout.dataset_card``), an items *factory* — a callable
returning a fresh iterable of item documents (``layout.item_document``) each time it is called
— and a binary stream to write to::

    exporter = get_exporter("coco")
    exporter.write(card, lambda: iter_items(commit), response, media=store_open)

The factory lets a format walk the items more than once (COCO does: annotations, then images)
without holding them: memory stays flat in the number of items for every format. Output is
deterministic: the same card and items in the same order give byte-identical output (canonical
JSON, fixed number formatting, zip entries with fixed timestamps in a fixed order).

``media`` (``open(path) -> BinaryIO``) adds the images to formats that can carry them
(``media_capable``); their output then is a zip, see ``content_type_for``/``extension_for``.
Splitting is the caller's job; ``splits.split_of`` gives each item a stable split.

Writers import nothing from Django, ``rest_framework`` or any app's models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from datasets.exporters import coco, csv_table, jsonl, yolo
from datasets.exporters._common import Item, ItemsFactory, MediaSource

__all__ = [
    "EXPORTERS",
    "Exporter",
    "Item",
    "ItemsFactory",
    "MediaSource",
    "UnknownFormat",
    "get_exporter",
]

ZIP = "application/zip"

Writer = Callable[..., None]


class UnknownFormat(LookupError):
    pass


@dataclass(frozen=True)
class Exporter:
    name: str
    content_type: str
    extension: str
    media_capable: bool
    writer: Writer

    def write(
        self,
        card: dict[str, Any],
        items: ItemsFactory,
        out: BinaryIO,
        *,
        media: MediaSource | None = None,
    ) -> None:
        """Write the export to ``out``; ``media`` is ignored by formats without media."""
        self.writer(card, items, out, media=media if self.media_capable else None)

    def content_type_for(self, *, with_media: bool) -> str:
        return ZIP if with_media and self.media_capable else self.content_type

    def extension_for(self, *, with_media: bool) -> str:
        return "zip" if with_media and self.media_capable else self.extension


def _parquet_write(*args: Any, **kwargs: Any) -> None:
    # pyarrow (and numpy with it) costs ~80 MB per process: load it only to write Parquet.
    from datasets.exporters import parquet

    parquet.write(*args, **kwargs)


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter("jsonl", "application/x-ndjson", "jsonl", False, jsonl.write),
        Exporter("csv", "text/csv; charset=utf-8", "csv", False, csv_table.write),
        Exporter("coco", "application/json", "json", True, coco.write),
        Exporter("yolo", ZIP, "zip", True, yolo.write),
        Exporter("parquet", "application/vnd.apache.parquet", "parquet", False, _parquet_write),
    )
}


def get_exporter(name: str) -> Exporter:
    try:
        return EXPORTERS[name]
    except KeyError:
        raise UnknownFormat(
            f"unknown export format {name!r} (known: {', '.join(EXPORTERS)})"
        ) from None
