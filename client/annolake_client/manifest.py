"""The manifest of a version: every file with its size, sha256 and URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlencode

from annolake_client.errors import AnnolakeError, UnsafePath
from annolake_client.transport import Transport

SHA256 = re.compile(r"^[0-9a-f]{64}$")
FORMATS = ("jsonl", "coco", "yolo", "csv", "parquet")
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str
    url: str


@dataclass(frozen=True)
class Manifest:
    dataset: str
    ref: str
    commit: str
    format: str | None
    split: str | None
    include_media: bool
    files: list[FileEntry]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def safe_relative(name: str) -> PurePosixPath:
    """``name`` as a relative path that stays inside its folder, or ``UnsafePath``.

    Refuses what could write elsewhere: absolute paths, drive letters, backslashes, ``..``,
    empty or ``.`` components and NUL, whatever the server or an archive says.
    """
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name)
        or any(part in {"", ".", ".."} for part in parts)
    ):
        raise UnsafePath(f"refusing unsafe path {name!r}")
    return PurePosixPath(*parts)


def inside(root: Path, name: str) -> Path:
    """The path of ``name`` under ``root``; checked twice (by name and resolved)."""
    target = root.joinpath(*safe_relative(name).parts)
    resolved_root = root.resolve()
    if not target.resolve().is_relative_to(resolved_root):
        raise UnsafePath(f"refusing path {name!r}: it leaves {root}")
    return target


def manifest_url(
    dataset: str, ref: str, *, format: str | None, split: str | None, include_media: bool
) -> str:
    query: dict[str, str] = {}
    if format:
        query["format"] = format
    if split:
        query["split"] = split
    if include_media:
        query["include_media"] = "1"
    url = f"/api/datasets/{quote(dataset, safe='')}/refs/{quote(ref, safe='')}/manifest"
    return f"{url}?{urlencode(query)}" if query else url


def fetch_manifest(
    transport: Transport,
    dataset: str,
    ref: str,
    *,
    format: str | None = None,
    split: str | None = None,
    include_media: bool = False,
) -> Manifest:
    url = manifest_url(dataset, ref, format=format, split=split, include_media=include_media)
    body = transport.get_json(url)
    return parse_manifest(body, dataset=dataset, ref=ref)


def parse_manifest(body: object, *, dataset: str, ref: str) -> Manifest:
    """Check the manifest's shape so that a bad one fails here, with the reason."""

    def bad(why: str) -> AnnolakeError:
        return AnnolakeError(f"the server sent an invalid manifest: {why}")

    if not isinstance(body, dict) or not isinstance(body.get("files"), list):
        raise bad("no 'files' list")
    commit = body.get("commit")
    if not isinstance(commit, str) or not commit:
        raise bad("no commit id")
    files, seen = [], set()
    for index, raw in enumerate(body["files"]):
        if not isinstance(raw, dict):
            raise bad(f"files[{index}] is not an object")
        path, size, sha, url = (raw.get(k) for k in ("path", "size", "sha256", "url"))
        if not isinstance(path, str) or not isinstance(url, str) or not url:
            raise bad(f"files[{index}] needs a path and a url")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise bad(f"files[{index}].size must be a whole number of bytes")
        if not isinstance(sha, str) or not SHA256.match(sha):
            raise bad(f"files[{index}].sha256 must be 64 lowercase hex digits")
        safe_relative(path)
        if path in seen:
            raise bad(f"{path} is listed twice")
        seen.add(path)
        files.append(FileEntry(path=path, size=size, sha256=sha, url=url))
    return Manifest(
        dataset=str(body.get("dataset") or dataset),
        ref=str(body.get("ref") or ref),
        commit=commit,
        format=body.get("format") or None,
        split=body.get("split") or None,
        include_media=bool(body.get("include_media")),
        files=files,
    )
