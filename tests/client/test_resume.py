"""Interrupted pulls resume; damaged bytes are caught by the sha256 (RELIABILITY R13)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from annolake_client import pull

from tests.client.conftest import assert_verified, manifest, run_cli, start_cli
from tests.client.proxy import FaultProxy


def _state(out: Path) -> tuple[dict[str, int], dict[str, int]]:
    """(complete files → inode, ``.part`` files → size) under ``out``."""
    complete, parts = {}, {}
    for path in out.rglob("*"):
        if path.is_file():
            name = str(path.relative_to(out))
            if name.endswith(".part"):
                parts[name] = path.stat().st_size
            else:
                complete[name] = path.stat().st_ino
    return complete, parts


def _settled(out: Path, deadline: float) -> None:
    """Wait until the frozen client has written what it received: some complete files and
    nothing changing for 3 polls."""
    last, same = None, 0
    while time.monotonic() < deadline:
        state = _state(out)
        same = same + 1 if state == last and state[0] else 0
        if same >= 3:
            return
        last = state
        time.sleep(0.05)
    raise AssertionError("the client kept writing after the proxy froze the download")


def _wire_bytes(version, out: Path, **options) -> int:
    """How many bytes a whole pull receives (headers included), measured through the proxy."""
    with FaultProxy(version.server) as proxy:
        pull(proxy.url, version.slug, "v1", out=out, token=version.token, **options)
    return proxy.sent


def test_a_pull_killed_mid_download_resumes_and_keeps_finished_files(make_version, tmp_path):
    version = make_version(count=60)
    body = manifest(version)
    out = tmp_path / "out"
    # Let the manifest and about half of the files through, then freeze the stream.
    budget = _wire_bytes(version, tmp_path / "measure") // 2
    with FaultProxy(version.server, budget=budget) as proxy:
        process = start_cli("pull", proxy.url, f"{version.slug}@v1", "--out", str(out),
                            "--token", version.token, "--jobs", "2")  # fmt: skip
        try:
            assert proxy.spent.wait(30), "the client never used up the proxy's budget"
            _settled(out, time.monotonic() + 30)
            assert process.poll() is None, process.communicate()
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
        finally:
            process.kill()
            process.communicate()
    complete, _parts = _state(out)  # what the killed process left, final
    assert 0 < len(complete) < len(body["files"])
    assert not (out / "COMMIT").exists()  # an interrupted pull never claims a version

    done = run_cli("pull", version.server, f"{version.slug}@v1", "--out", str(out),
                   "--token", version.token)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{len(complete)} already present" in done.stderr
    after, parts = _state(out)
    assert parts == {}
    assert {name: after[name] for name in complete} == complete  # not downloaded again
    assert_verified(out, body)
    assert (out / "COMMIT").read_text().strip() == version.commit


def _jsonl(version, out: Path) -> tuple[Path, bytes, int]:
    """Pull the JSONL export once: its path, its bytes, the bytes the whole pull received.

    One download at a time, in manifest (path) order: the dataset card, then the export,
    so the export's bytes are the last on the wire.
    """
    wire = _wire_bytes(version, out, format="jsonl", jobs=1)
    (path,) = out.glob("*.jsonl")
    return path, path.read_bytes(), wire


def _others(out: Path, path: Path) -> int:
    """The bytes of the manifest's other files (the dataset card) in ``out``."""
    return sum(p.stat().st_size for p in out.iterdir() if p.is_file() and p.name != path.name
               and p.name not in {"COMMIT", "annolake-version.json"})  # fmt: skip


def test_a_valid_part_is_continued_with_a_range_request(make_version, tmp_path):
    version = make_version(count=40)
    path, data, _wire = _jsonl(version, tmp_path / "first")
    out = tmp_path / "second"
    out.mkdir()
    half = len(data) // 2
    (out / (path.name + ".part")).write_bytes(data[:half])
    result = pull(version.server, version.slug, "v1", format="jsonl", out=out,
                  token=version.token)  # fmt: skip
    assert (result.resumed, result.retried) == (1, 0)
    # Only the rest crossed the network (and the card, which had no part).
    assert result.fetched_bytes == _others(out, path) + len(data) - half
    assert (out / path.name).read_bytes() == data


def test_a_corrupt_part_is_detected_and_downloaded_again(make_version, tmp_path):
    version = make_version(count=40)
    path, data, _wire = _jsonl(version, tmp_path / "first")
    out = tmp_path / "second"
    out.mkdir()
    (out / (path.name + ".part")).write_bytes(b"x" * (len(data) // 2))
    result = pull(version.server, version.slug, "v1", format="jsonl", out=out,
                  token=version.token)  # fmt: skip
    assert result.retried == 1
    assert (out / path.name).read_bytes() == data
    assert not list(out.glob("*.part"))


def test_a_connection_lost_mid_file_is_resumed_in_the_same_run(make_version, tmp_path):
    version = make_version(count=40)
    path, data, wire = _jsonl(version, tmp_path / "first")
    # The last response ends with the file: cut it halfway through the file's bytes.
    with FaultProxy(version.server, budget=wire - len(data) // 2, mode="cut") as proxy:
        result = pull(proxy.url, version.slug, "v1", format="jsonl", out=tmp_path / "second",
                      token=version.token, jobs=1)  # fmt: skip
        assert proxy.spent.is_set()
    assert (result.resumed, result.retried) == (1, 0)
    # Every byte crossed once: the second half came with Range, not the whole file again.
    assert result.fetched_bytes == _others(tmp_path / "second", path) + len(data)
    assert (tmp_path / "second" / path.name).read_bytes() == data
