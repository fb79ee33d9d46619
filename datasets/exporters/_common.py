"""Shared pieces of the format writers: canonical JSON, categories, deterministic zips.

Nothing here imports Django: the writers run in Celery workers, the export API and the
standalone client alike.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, Protocol

Item = dict[str, Any]
# The items of an export. A factory rather than an iterable: COCO walks the items twice (once
# for the annotations, once for the images) so that neither list is ever held in memory.
ItemsFactory = Callable[[], Iterable[Item]]

# A fixed timestamp for every zip entry (the earliest a zip can hold), so zips are reproducible.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
CHUNK = 1 << 20


class MediaSource(Protocol):
    """Opens a media object by its dataset path (``media/ab/<sha256>.<ext>``)."""

    def __call__(self, path: str) -> BinaryIO: ...


def canonical_json(value: Any) -> str:
    """Sorted keys, compact separators, no NaN: the same value always gives the same text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def number(value: float) -> float | int:
    """A coordinate or area rounded to 2 decimals; whole numbers as ints (``10``, not ``10.0``)."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def stem(path: str) -> str:
    name = basename(path)
    return name.rsplit(".", 1)[0] if "." in name else name


@dataclass(frozen=True)
class Category:
    id: int
    control: str
    label: str
    name: str


def image_categories(card: dict[str, Any], types: tuple[str, ...]) -> list[Category]:
    """One category per (control, label) of the image sources' controls of ``types``.

    Ids run from 1 in a stable order: sources by id, then schema order of controls and labels.
    A pair used by several sources is one category. The name is the label, or
    ``control/label`` when two controls share a label name.
    """
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for source in sorted(card.get("sources", []), key=lambda s: s["id"]):
        if source.get("kind") != "image":
            continue
        for control in (source.get("label_schema") or {}).get("controls", []):
            if control.get("type") not in types:
                continue
            for label in control.get("labels", []):
                pair = (control["name"], label["name"])
                if pair not in seen:
                    seen.add(pair)
                    pairs.append(pair)
    names: dict[str, int] = {}
    for _, label in pairs:
        names[label] = names.get(label, 0) + 1
    return [
        Category(i, control, label, label if names[label] == 1 else f"{control}/{label}")
        for i, (control, label) in enumerate(pairs, start=1)
    ]


def schema_controls(card: dict[str, Any], ctype: str) -> list[dict[str, Any]]:
    """Controls of type ``ctype`` across the card's sources, first use of each name wins."""
    controls: dict[str, dict[str, Any]] = {}
    for source in sorted(card.get("sources", []), key=lambda s: s["id"]):
        for control in (source.get("label_schema") or {}).get("controls", []):
            if control.get("type") == ctype:
                controls.setdefault(control["name"], control)
    return list(controls.values())


def image_items(items: Iterable[Item]) -> Iterator[Item]:
    """The items that have an image: the only ones image formats can export."""
    for item in items:
        if item.get("kind") == "image" and item.get("media"):
            yield item


class DeterministicZip:
    """A zip written front to back with fixed timestamps, permissions and entry order.

    Works on non-seekable streams (entry sizes then go into data descriptors), so an HTTP
    response can be the target. Text is deflated; media is stored (it is compressed already).
    """

    def __init__(self, out: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(out, "w", allowZip64=True)

    def _info(self, name: str, *, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        info.create_system = 3
        return info

    def open(self, name: str, *, large: bool = False) -> IO[bytes]:
        """A deflated entry to write into; ``large`` when it may pass 2 GiB (forces zip64)."""
        return self._zip.open(self._info(name, compress=True), "w", force_zip64=large)

    def write_bytes(self, name: str, data: bytes) -> None:
        with self.open(name) as entry:
            entry.write(data)

    def copy(self, name: str, source: BinaryIO) -> None:
        with self._zip.open(self._info(name, compress=False), "w") as entry:
            while chunk := source.read(CHUNK):
                entry.write(chunk)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> DeterministicZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
