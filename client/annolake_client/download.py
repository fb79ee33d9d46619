"""Fetch one file of a manifest: resume its ``.part``, verify its sha256, rename it into place.

Nothing appears at a file's final path until its bytes match the manifest, so a folder
interrupted at any moment (Ctrl-C, SIGKILL, a lost connection) holds only verified files and
``.part`` files, and the next run continues each ``.part`` with ``Range: bytes=N-``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from annolake_client.errors import AnnolakeError, ChecksumMismatch, ServerError
from annolake_client.manifest import FileEntry
from annolake_client.progress import Progress
from annolake_client.transport import NETWORK_ERRORS, Transport

CHUNK = 256 * 1024
ATTEMPTS = 6  # network attempts per file without progress, with backoff in between
PART = ".part"


class Cancelled(AnnolakeError):
    """The pull was stopped (Ctrl-C, or another file failed) before this file finished."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def part_path(final: Path) -> Path:
    return final.with_name(final.name + PART)


def fetch_file(
    transport: Transport,
    entry: FileEntry,
    final: Path,
    progress: Progress,
    stop: threading.Event,
) -> bool:
    """Make ``final`` hold ``entry``'s verified bytes; False if it already did (skipped)."""
    if (
        final.is_file()
        and final.stat().st_size == entry.size
        and sha256_file(final) == entry.sha256
    ):
        progress.add_bytes(entry.size, fetched=False)
        progress.file_done(skipped=True)
        return False
    final.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(final)
    for check in (1, 2):
        digest = _fill_part(transport, entry, part, progress, stop)
        if digest == entry.sha256:
            os.replace(part, final)
            progress.file_done()
            return True
        # A corrupt prefix left by an earlier run, or bytes damaged in transit: start over once.
        part.unlink(missing_ok=True)
        progress.add_bytes(-entry.size, fetched=False)
        if check == 1:
            progress.count("retried")
    raise ChecksumMismatch(
        f"{entry.path}: sha256 {digest[:16]}... does not match the manifest's "
        f"{entry.sha256[:16]}... even after a fresh download; the file was removed"
    )


def _prefix(part: Path, size: int) -> tuple[int, hashlib._Hash]:
    """How much of ``part`` can be continued, with its running hash (0 if nothing)."""
    digest = hashlib.sha256()
    if not part.exists():
        return 0, digest
    offset = part.stat().st_size
    if offset > size:
        part.unlink()
        return 0, digest
    with open(part, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return offset, digest


def _fill_part(
    transport: Transport, entry: FileEntry, part: Path, progress: Progress, stop: threading.Event
) -> str:
    """Download ``entry`` into ``part`` from where it stops; its sha256 (or "" if too long)."""
    offset, digest = _prefix(part, entry.size)
    progress.add_bytes(offset, fetched=False)
    if offset == 0:
        part.write_bytes(b"")
    failures, resumed = 0, False
    while offset < entry.size:
        if stop.is_set():
            raise Cancelled("cancelled")
        if offset and not resumed:  # continued with Range: from an earlier run or a lost link
            progress.count("resumed")
            resumed = True
        before = offset
        try:
            offset, digest = _fetch_range(transport, entry, part, offset, digest, progress, stop)
        except ServerError as exc:
            if exc.status == 416:  # our part is not a prefix of theirs: start over
                progress.add_bytes(-offset, fetched=False)
                offset, digest = 0, hashlib.sha256()
                part.write_bytes(b"")
            elif not exc.transient:
                raise AnnolakeError(f"{entry.path}: {exc}") from exc
            failures += 1
            if failures >= ATTEMPTS:
                raise AnnolakeError(f"{entry.path}: {exc} (gave up; re-run to resume)") from exc
            _pause(failures, exc.retry_after, stop)
            continue
        except NETWORK_ERRORS as exc:
            transport.discard(entry.url)
            # What arrived before the failure is in the part (whole chunks): continue from it.
            offset, digest = _prefix(part, entry.size)
            failures = 0 if offset > before else failures + 1
            if failures >= ATTEMPTS:
                raise AnnolakeError(
                    f"{entry.path}: {type(exc).__name__}: {exc} (gave up after {ATTEMPTS} "
                    "tries; re-run to resume)"
                ) from exc
            _pause(failures, None, stop)
            continue
        if offset > entry.size:
            return ""  # the server sent more than the manifest says: corrupt
        if offset == before:  # an empty body: count it like a failure so this loop ends
            failures += 1
            if failures >= ATTEMPTS:
                raise AnnolakeError(f"{entry.path}: the server keeps sending no bytes")
    return digest.hexdigest()


def _pause(failures: int, retry_after: float | None, stop: threading.Event) -> None:
    stop.wait(min(retry_after or 0.25 * 2**failures, 10.0))


def _fetch_range(
    transport: Transport,
    entry: FileEntry,
    part: Path,
    offset: int,
    digest: hashlib._Hash,
    progress: Progress,
    stop: threading.Event,
) -> tuple[int, hashlib._Hash]:
    """One GET from ``offset`` on, appended to ``part``; the new offset and running hash."""
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    response = transport.get(entry.url, headers)
    if offset and response.status == 206:
        content_range = response.getheader("Content-Range") or ""
        if not content_range.startswith(f"bytes {offset}-"):
            transport.discard(entry.url)
            raise AnnolakeError(f"{entry.path}: asked for bytes {offset}-, got {content_range!r}")
    elif response.status == 200 and offset:  # the server ignored Range: take it from the start
        progress.add_bytes(-offset, fetched=False)
        offset, digest = 0, hashlib.sha256()
        part.write_bytes(b"")
    elif response.status != 200:
        transport.discard(entry.url)
        raise AnnolakeError(f"{entry.path}: unexpected HTTP {response.status}")
    with open(part, "ab") as out:
        while chunk := response.read1(CHUNK):  # what has arrived: a kill loses little
            if stop.is_set():
                transport.discard(entry.url)
                raise Cancelled("cancelled")
            out.write(chunk)
            digest.update(chunk)
            offset += len(chunk)
            progress.add_bytes(len(chunk))
            if offset > entry.size:
                break
    if offset != entry.size:  # cut short (or too long): this connection is done for
        transport.discard(entry.url)
    # read1() does not mark a fully read response closed; http.client then refuses the next
    # request on this kept-alive connection (ResponseNotReady) until we do.
    response.close()
    return offset, digest
