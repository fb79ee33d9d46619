"""``annolake pull`` and ``pull()`` against the real app: formats, parallelism, tokens."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from annolake_client import ServerError, VersionConflict, pull
from rest_framework.authtoken.models import Token

from tests.client.conftest import assert_verified, manifest, run_cli
from tests.client.proxy import FaultProxy


def _pinned(out, version, fmt, split=None, media=False) -> dict:
    """The provenance files name the version exactly; their record."""
    assert (out / "COMMIT").read_text() == version.commit + "\n"
    record = json.loads((out / "annolake-version.json").read_text())
    assert record["commit"] == version.commit
    assert (record["dataset"], record["ref"], record["format"]) == (version.slug, "v1", fmt)
    assert record["options"] == {"split": split, "include_media": media}
    assert record["server"] == version.server
    return record


def test_every_format_pulls_files_that_verify_and_pins_the_commit(version, tmp_path):
    ids = sorted(item.pk for item in version.items)

    canonical = pull(version.server, version.slug, "v1", out=tmp_path / "raw", token=version.token)
    assert canonical.commit == version.commit
    assert canonical.files == len(ids) + 1  # the card and one object per item
    assert_verified(tmp_path / "raw", manifest(version))
    assert (tmp_path / "raw" / "annolake.json").is_file()
    assert _pinned(tmp_path / "raw", version, None)["files"] == canonical.files
    with pytest.raises(VersionConflict, match="pass --force"):  # never two versions in one folder
        pull(version.server, version.slug, "v1", format="csv", out=tmp_path / "raw",
             token=version.token)  # fmt: skip

    for fmt in ("jsonl", "csv", "parquet", "coco"):
        out = tmp_path / fmt
        result = pull(version.server, version.slug, "v1", format=fmt, out=out, token=version.token)
        assert result.commit == version.commit
        assert_verified(out, manifest(version, format=fmt))
        _pinned(out, version, fmt)
    (jsonl,) = (tmp_path / "jsonl").glob("*.jsonl")
    assert sorted(json.loads(line)["id"] for line in jsonl.read_text().splitlines()) == ids
    (parquet,) = (tmp_path / "parquet").glob("*.parquet")
    assert pq.read_table(parquet).num_rows == len(ids)

    # Zip exports are verified, then unpacked in place; the archive does not stay.
    yolo = pull(version.server, version.slug, "v1", format="yolo", out=tmp_path / "yolo",
                token=version.token)  # fmt: skip
    assert yolo.extracted >= 1
    assert (tmp_path / "yolo" / "data.yaml").is_file()
    assert not list((tmp_path / "yolo").rglob("*.zip"))
    assert not (tmp_path / "yolo" / ".annolake").exists()
    _pinned(tmp_path / "yolo", version, "yolo")
    media = pull(version.server, version.slug, "v1", format="coco", include_media=True,
                 split="train", out=tmp_path / "coco-media", token=version.token)  # fmt: skip
    assert media.extracted >= 1
    _pinned(tmp_path / "coco-media", version, "coco", split="train", media=True)


def test_the_cli_downloads_in_parallel_and_prints_one_summary_line(make_version, tmp_path):
    version = make_version(count=40)
    out = tmp_path / "out"
    with FaultProxy(version.server) as proxy:
        done = run_cli("pull", proxy.url, f"{version.slug}@v1", "--out", str(out), "--jobs", "4",
                       env={"ANNOLAKE_TOKEN": version.token})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert proxy.open_max >= 2  # several files in flight at once
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines  # not a TTY: no bar, just the summary
    assert lines[0].startswith(f"pulled {version.slug}@v1 (commit {version.commit}): 41 files")
    assert_verified(out, manifest(version))


def test_a_second_pull_of_the_same_version_downloads_nothing(version, tmp_path):
    first = pull(version.server, version.slug, "v1", out=tmp_path, token=version.token)
    again = pull(version.server, version.slug, "v1", out=tmp_path, token=version.token)
    assert (again.skipped, again.downloaded, again.fetched_bytes) == (first.files, 0, 0)
    shown = run_cli("pull", version.server, f"{version.slug}@v1", "--out", str(tmp_path),
                    "--token", version.token, "--progress")  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    *_, bar, summary = shown.stderr.splitlines()  # text mode reads the bar's \r as a newline
    assert bar.startswith("[#") and f"{first.files}/{first.files} files" in bar  # final redraw
    assert summary.endswith(f"{first.files} already present -> {tmp_path}")


def test_a_token_for_one_dataset_cannot_pull_another(make_version, lead, tmp_path):
    version = make_version(slug="reviews")
    other = make_version(slug="other-set")
    out = tmp_path / "other"
    done = run_cli("pull", version.server, "other-set@v1", "--out", str(out),
                   "--token", version.token)  # fmt: skip
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("annolake: error: HTTP 404")
    assert "token" in line
    assert not (out / "COMMIT").exists()
    with pytest.raises(ServerError) as raised:
        pull(version.server, "other-set", "v1", out=out, token=version.token)
    assert raised.value.status == 404
    # The data lead's own API token (DRF's "Token" scheme) opens every dataset they manage.
    key = Token.objects.get_or_create(user=lead)[0].key
    assert pull(version.server, "other-set", "v1", out=out, token=key).commit == other.commit


def test_a_wrong_token_fails_with_the_servers_message(version, tmp_path):
    done = run_cli("pull", version.server, f"{version.slug}@v1", "--out", str(tmp_path),
                   "--token", "alk_not-a-real-token")  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("annolake: error: HTTP 401")
    assert "Unknown, expired or revoked token." in done.stderr


def test_an_unknown_ref_names_the_field(version, tmp_path):
    done = run_cli("pull", version.server, f"{version.slug}@v9", "--out", str(tmp_path),
                   "--token", version.token)  # fmt: skip
    assert done.returncode == 1
    assert "(field: ref)" in done.stderr
