"""Unpack a verified zip export (YOLO, COCO with media) into the output folder, safely."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path

from annolake_client.errors import UnsafePath
from annolake_client.manifest import inside

# Names the client writes itself; neither a manifest nor an archive may overwrite them.
RESERVED = ("annolake-version.json", "COMMIT", ".annolake")


def check_not_reserved(name: str) -> None:
    if name.split("/", 1)[0] in RESERVED:
        raise UnsafePath(f"refusing path {name!r}: the client keeps its own files there")


def extract(archive: Path, out: Path) -> int:
    """Extract every member of ``archive`` under ``out``; the number of files written.

    All names are checked before anything is written (absolute paths, ``..``, backslashes,
    symlinks and the client's own files are refused), and each member is written to a
    temporary name and renamed, so an interrupted extraction never leaves a half file.
    """
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        targets: list[tuple[zipfile.ZipInfo, Path]] = []
        for info in members:
            name = info.filename.rstrip("/") if info.is_dir() else info.filename
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UnsafePath(f"{archive.name}: refusing symlink entry {info.filename!r}")
            check_not_reserved(name)
            targets.append((info, inside(out, name)))
        written = 0
        for info, target in targets:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".extracting")
            with zf.open(info) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            os.replace(tmp, target)
            written += 1
    return written
