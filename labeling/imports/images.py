"""Where imported images come from: uploaded files, zip archives, and configured buckets.

A source is read twice: once to inspect every image before anything is stored (so a bad
image rejects the import with no media written), and once to store it. Nothing is kept in
memory between the two reads but the image's hash and size.

Zip archives are read from the uploaded temporary file, never unpacked to disk. Entry
count and total declared size are capped before reading anything, and each entry is read
with a cap of its declared size plus one byte: an entry that inflates past its declared
size (a zip bomb lying in its headers) is caught at that byte, and the CRC check catches
the rest.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import Storage, storages

from core.errors import ValidationFailed
from labeling.imports.paths import entry_name_problem, external_id_from_name, is_ignored
from labeling.imports.problems import Problems
from labeling.media import ImageInfo, image_inspect, image_store

OnProgress = Callable[[int], None]

ZIP_MAGIC = b"PK\x03\x04"
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError)


@dataclass
class ImageCandidate:
    """An image that passed inspection, waiting to be stored and recorded."""

    row: int | str
    info: ImageInfo
    external_id: str | None


@dataclass(frozen=True)
class ImageSource:
    """One image to import: its row in the report, its name, and how to read its bytes."""

    row: int | str
    name: str
    read: Callable[[], bytes]
    extra: dict[str, Any] = field(default_factory=dict)


def _read_capped(fileobj: IO[bytes]) -> bytes:
    # One byte past the limit is enough for image_inspect to name the limit.
    return fileobj.read(settings.MAX_UPLOAD_BYTES + 1)


def is_zip(name: str, fileobj: IO[bytes]) -> bool:
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    return head == ZIP_MAGIC or name.lower().endswith(".zip")


def upload_sources(parts: list[tuple[str, IO[bytes]]], problems: Problems) -> Iterator[ImageSource]:
    """Images of uploaded parts: each part is an image or a zip of images (rows from 1)."""
    for index, (name, fileobj) in enumerate(parts, start=1):
        if is_zip(name, fileobj):
            yield from zip_sources(fileobj, name, index, problems)
        else:
            yield ImageSource(index, name, _file_reader(fileobj), {"name": name})


def _file_reader(fileobj: IO[bytes]) -> Callable[[], bytes]:
    def read() -> bytes:
        fileobj.seek(0)
        return _read_capped(fileobj)

    return read


def _open_zip(fileobj: IO[bytes], name: str, index: int, problems: Problems) -> Any:
    try:
        archive = zipfile.ZipFile(fileobj)
        infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        problems.add(index, "file", f"not a readable zip archive: {exc}", name=name)
        return None
    if len(infos) > settings.IMPORT_MAX_FILES:
        problems.add(
            index, "file", f"has {len(infos)} entries; the limit is {settings.IMPORT_MAX_FILES}",
            name=name,
        )  # fmt: skip
        return None
    declared = sum(info.file_size for info in infos)
    if declared > settings.IMPORT_ZIP_MAX_BYTES:
        problems.add(
            index, "file",
            f"unpacks to {declared} bytes; the limit is {settings.IMPORT_ZIP_MAX_BYTES}",
            name=name,
        )  # fmt: skip
        return None
    return archive


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    problem = entry_name_problem(info.orig_filename)
    if problem:
        return problem
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    if info.flag_bits & 0x1:
        return "is encrypted"
    if info.file_size > settings.MAX_UPLOAD_BYTES:
        return f"image is {info.file_size} bytes; the limit is {settings.MAX_UPLOAD_BYTES}"
    return None


def zip_sources(
    fileobj: IO[bytes], name: str, index: int, problems: Problems
) -> Iterator[ImageSource]:
    """The images of a zip archive; unsafe entries are rejected rows named by the entry."""
    archive = _open_zip(fileobj, name, index, problems)
    if archive is None:
        return
    for info in archive.infolist():
        entry = info.orig_filename
        problem = _entry_problem(info)
        if problem:
            problems.add(entry, "file", problem, archive=name)
        elif not info.is_dir() and not is_ignored(entry):
            yield ImageSource(entry, entry, _entry_reader(archive, info), {"archive": name})


def _entry_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            with archive.open(info) as entry:
                data = entry.read(info.file_size + 1)
                if len(data) == info.file_size:
                    entry.read(1)  # reach the end, where zipfile checks the CRC
        except _ZIP_ERRORS as exc:
            raise ValidationFailed(f"cannot unpack this entry: {exc}", field="file") from exc
        if len(data) != info.file_size:
            raise ValidationFailed(
                f"entry holds more or less than the {info.file_size} bytes its header declares",
                field="file",
            )
        return data

    return read


def count_upload_images(parts: list[tuple[str, IO[bytes]]]) -> int:
    """How many images the parts hold, cheaply (zip central directories only)."""
    total = 0
    for name, fileobj in parts:
        if not is_zip(name, fileobj):
            total += 1
            continue
        try:
            total += sum(1 for info in zipfile.ZipFile(fileobj).infolist() if not info.is_dir())
        except _ZIP_ERRORS:
            total += 1  # rejected later, with the reason
        fileobj.seek(0)
    return total


def storage_sources(storage: Storage, root: str) -> Iterator[ImageSource]:
    """Every file under ``root`` of a configured storage, recursively, in name order."""
    count = 0
    pending = [root]
    while pending:
        folder = pending.pop()
        dirs, files = storage.listdir(folder)
        for sub in sorted(dirs, reverse=True):
            if not is_ignored(sub):
                pending.append(f"{folder}/{sub}" if folder else sub)
        for name in sorted(files):
            path = f"{folder}/{name}" if folder else name
            if is_ignored(name):
                continue
            count += 1
            if count > settings.IMPORT_MAX_FILES:
                raise ValidationFailed(
                    f"more than {settings.IMPORT_MAX_FILES} files under this prefix",
                    field="prefix",
                )
            relative = path[len(root) :].lstrip("/") if root else path
            yield ImageSource(relative, name, _storage_reader(storage, path))


def _storage_reader(storage: Storage, path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with storage.open(path, "rb") as fileobj:
            return _read_capped(fileobj)

    return read


def source_storage(name: object) -> tuple[Storage, str]:
    """The storage and root prefix of a source from settings.IMPORT_SOURCES (and only there)."""
    config = settings.IMPORT_SOURCES.get(name) if isinstance(name, str) else None
    if config is None:
        known = ", ".join(sorted(settings.IMPORT_SOURCES)) or "none are configured"
        raise ValidationFailed(f"unknown import source (configured: {known})", field="source")
    return storages.create_storage(config["storage"]), str(config.get("prefix", ""))


def inspect_images(
    sources: Iterable[ImageSource], problems: Problems, on_progress: OnProgress | None
) -> tuple[list[tuple[ImageSource, ImageCandidate]], list[dict[str, Any]]]:
    """Check every image before anything is stored; duplicates within the upload are noted.

    Returns the images to store with their candidates, and the duplicates found.
    """
    first: dict[str, int | str] = {}
    found, duplicates = [], []
    for done, source in enumerate(sources, start=1):
        try:
            info = image_inspect(source.read())
        except ValidationFailed as exc:
            problems.add(source.row, "file", exc.message, **source.extra)
            continue
        if on_progress is not None:
            on_progress(done)
        if info.sha256 in first:
            duplicates.append(
                {"row": source.row, "sha256": info.sha256, "same_as_row": first[info.sha256]}
            )
            continue
        first[info.sha256] = source.row
        candidate = ImageCandidate(source.row, info, external_id_from_name(source.name))
        found.append((source, candidate))
    return found, duplicates


def store_image(source: ImageSource, candidate: ImageCandidate) -> None:
    data = source.read()
    if hashlib.sha256(data).hexdigest() != candidate.info.sha256:
        raise ValidationFailed(f"{source.row}: the file changed during the import", field="file")
    image_store(data, candidate.info)
