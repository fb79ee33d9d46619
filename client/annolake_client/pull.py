"""Pull a version into a folder: manifest, parallel verified downloads, unpacking, provenance."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annolake_client._version import __version__
from annolake_client.archives import check_not_reserved, extract
from annolake_client.download import fetch_file
from annolake_client.errors import AnnolakeError, ServerError, VersionConflict
from annolake_client.manifest import FORMATS, SPLITS, FileEntry, Manifest, fetch_manifest, inside
from annolake_client.progress import Progress
from annolake_client.transport import NETWORK_ERRORS, Server, Transport, auth_header, env_token

VERSION_FILE = "annolake-version.json"
COMMIT_FILE = "COMMIT"
ARCHIVE_DIR = ".annolake"  # zip exports wait here until verified and unpacked


@dataclass(frozen=True)
class PullResult:
    """What a pull left in ``out``: the commit id it pinned and what it fetched."""

    commit: str
    dataset: str
    ref: str
    format: str | None
    out: Path
    files: int  # files in the manifest
    bytes: int  # their total size
    downloaded: int = 0  # fetched in this run (the rest were already present and verified)
    skipped: int = 0
    resumed: int = 0
    retried: int = 0
    extracted: int = 0  # files unpacked from zip exports
    fetched_bytes: int = 0  # over the network in this run (less than ``bytes`` after a resume)
    summary: str = ""  # the one line the CLI prints

    @property
    def version_file(self) -> Path:
        return self.out / VERSION_FILE


def make_transport(server: str, token: str | None, token_scheme: str | None = None) -> Transport:
    token = token or env_token()
    authorization = auth_header(token, token_scheme) if token else None
    return Transport(Server(server.rstrip("/"), authorization))


def pull(
    server: str,
    dataset: str,
    ref: str,
    *,
    format: str | None = None,
    out: str | os.PathLike[str],
    token: str | None = None,
    split: str | None = None,
    include_media: bool = False,
    jobs: int = 8,
    progress: bool | None = None,
    force: bool = False,
    token_scheme: str | None = None,
) -> PullResult:
    """Download ``dataset@ref`` into ``out`` and pin the commit id in ``out/COMMIT``.

    ``format`` None gives the canonical layout (``annolake.json``, ``items/``, ``media/``);
    a format name gives the built export (zips are unpacked). Safe to re-run: verified files
    are kept, ``.part`` files continue where they stopped. ``progress`` None shows a bar only
    when stderr is a terminal. ``token`` defaults to ``$ANNOLAKE_TOKEN``.
    """
    if format is not None and format not in FORMATS:
        raise AnnolakeError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
    if split is not None and split not in SPLITS:
        raise AnnolakeError(f"unknown split {split!r} (known: {', '.join(SPLITS)})")
    if jobs < 1:
        raise AnnolakeError("jobs must be at least 1")
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    with make_transport(server, token, token_scheme) as transport:
        manifest = _with_retries(
            lambda: fetch_manifest(
                transport, dataset, ref, format=format, split=split, include_media=include_media
            ),
            server,
        )
        previous = _previous_pull(root, manifest, force=force)
        show = sys.stderr.isatty() if progress is None else progress
        meter = Progress(files=len(manifest.files), total=manifest.total_bytes, show=show)
        with meter:
            placed = [_place(root, entry, previous) for entry in manifest.files]
            _download_all(transport, placed, meter, jobs)
    extracted = _unpack(root, placed, previous)
    _write_version(root, server, manifest, extracted)
    # Only now: a crash before this unpacks again from the verified archives.
    shutil.rmtree(root / ARCHIVE_DIR, ignore_errors=True)
    result = PullResult(
        commit=manifest.commit, dataset=manifest.dataset, ref=ref, format=manifest.format,
        out=root, files=len(manifest.files), bytes=manifest.total_bytes,
        downloaded=len(manifest.files) - meter.skipped, skipped=meter.skipped,
        resumed=meter.resumed, retried=meter.retried, extracted=extracted,
        fetched_bytes=meter.bytes_fetched,
    )  # fmt: skip
    result = dataclasses.replace(result, summary=summary_line(result, meter))
    if show:
        print(result.summary, file=sys.stderr)
    return result


def summary_line(result: PullResult, meter: Progress) -> str:
    what = f"pulled {result.dataset}@{result.ref} (commit {result.commit})"
    line = meter.summary(what)
    if result.extracted:
        line += f"; unpacked {result.extracted} from the archive"
    return line + f" -> {result.out}"


def _with_retries(call: Any, server: str, attempts: int = 3) -> Any:
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except ServerError as exc:
            if not exc.transient or attempt == attempts:
                raise
            time.sleep(min(exc.retry_after or 0.5 * 2 ** (attempt - 1), 10.0))
        except NETWORK_ERRORS as exc:
            if attempt == attempts:
                raise AnnolakeError(f"cannot reach {server}: {exc}") from exc
            time.sleep(0.5 * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def _unpack(
    root: Path, placed: list[tuple[FileEntry, Path | None]], previous: dict[str, Any] | None
) -> int:
    """Extract the verified zip exports into ``root``; the number of files they hold."""
    extracted = 0
    for entry, target in placed:
        if target is not None and _is_archive(entry):
            extracted += extract(target, root)
    if previous and not extracted:  # unpacked by the earlier pull of this same version
        extracted = int(previous.get("extracted") or 0)
    return extracted


def _is_archive(entry: FileEntry) -> bool:
    return entry.path.endswith(".zip")


def _previous_pull(root: Path, manifest: Manifest, *, force: bool) -> dict[str, Any] | None:
    """The earlier pull recorded in ``root`` if it is this same version, else None.

    A folder that holds another version is refused (unless ``force``): mixing the files of
    two versions would make the commit id in it a lie.
    """
    path = root / VERSION_FILE
    try:
        previous = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except ValueError:  # our own file, damaged: it proves nothing, so start afresh
        path.unlink()
        return None
    same = (
        previous.get("dataset") == manifest.dataset
        and previous.get("commit") == manifest.commit
        and previous.get("format") == manifest.format
        and previous.get("options") == _options(manifest)
    )
    if same:
        return dict(previous)
    if not force:
        raise VersionConflict(
            f"{root} already holds {previous.get('dataset')}@{previous.get('commit')} "
            f"(format {previous.get('format') or 'canonical'}, {previous.get('options')}); pull "
            "into an empty folder, or pass --force to overwrite it"
        )
    path.unlink()
    (root / COMMIT_FILE).unlink(missing_ok=True)
    return None


def _place(
    root: Path, entry: FileEntry, previous: dict[str, Any] | None
) -> tuple[FileEntry, Path | None]:
    """Where ``entry`` goes; None for an archive the same earlier pull already unpacked."""
    check_not_reserved(entry.path)
    if not _is_archive(entry):
        return entry, inside(root, entry.path)
    done = {(a["path"], a["sha256"]) for a in (previous or {}).get("archives", [])}
    if (entry.path, entry.sha256) in done:
        return entry, None
    return entry, inside(root / ARCHIVE_DIR, entry.path)


def _download_all(
    transport: Transport,
    placed: list[tuple[FileEntry, Path | None]],
    meter: Progress,
    jobs: int,
) -> None:
    """Fetch every file on ``jobs`` threads; the first failure cancels the rest."""
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="annolake-pull")
    futures: list[Future[bool]] = []
    try:
        for entry, target in placed:
            if target is None:
                meter.add_bytes(entry.size, fetched=False)
                meter.file_done(skipped=True)
                continue
            futures.append(pool.submit(fetch_file, transport, entry, target, meter, stop))
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            if future.exception() is not None:
                raise future.exception()  # type: ignore[misc]
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


def _options(manifest: Manifest) -> dict[str, Any]:
    return {"split": manifest.split, "include_media": manifest.include_media}


def _write_version(root: Path, server: str, manifest: Manifest, extracted: int) -> None:
    """Record what the folder holds, last: its presence means the pull completed."""
    record = {
        "server": server.rstrip("/"),
        "dataset": manifest.dataset,
        "ref": manifest.ref,
        "commit": manifest.commit,
        "format": manifest.format,
        "options": _options(manifest),
        "files": len(manifest.files),
        "bytes": manifest.total_bytes,
        "archives": [
            {"path": f.path, "sha256": f.sha256} for f in manifest.files if _is_archive(f)
        ],
        "extracted": extracted,
        "pulled_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "client": f"annolake-client {__version__}",
    }
    _atomic_write(root / COMMIT_FILE, manifest.commit + "\n")
    _atomic_write(root / VERSION_FILE, json.dumps(record, indent=2, sort_keys=True) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
