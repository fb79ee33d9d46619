"""Neither a manifest nor an archive can make the client write outside its folder."""

from __future__ import annotations

import zipfile

import pytest
from annolake_client import UnsafePath
from annolake_client.archives import extract
from annolake_client.manifest import parse_manifest

UNSAFE = ["../evil", "a/../../evil", "/etc/evil", "C:/evil", "a\\..\\evil"]
RESERVED = ["COMMIT", "annolake-version.json", ".annolake/x"]


def _entry(path: str) -> dict:
    return {"path": path, "size": 1, "sha256": "0" * 64, "url": "/api/x"}


@pytest.mark.parametrize("name", [*UNSAFE, "a//b", "./a", ""])
def test_a_manifest_path_leaving_the_folder_is_refused(name):
    body = {"commit": "c1", "files": [_entry(name)]}
    with pytest.raises(UnsafePath):
        parse_manifest(body, dataset="d", ref="v1")


@pytest.mark.parametrize("name", [*UNSAFE, *RESERVED])
def test_an_archive_entry_leaving_the_folder_or_hitting_the_pin_is_refused(tmp_path, name):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("labels/ok.txt", "fine")
        zf.writestr(name, "evil")
    assert name in zipfile.ZipFile(archive).namelist()
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UnsafePath):
        extract(archive, out)
    assert list(out.rglob("*")) == []  # every name is checked before anything is written
    assert not (tmp_path / "evil").exists()


def test_a_symlink_in_an_archive_is_refused(tmp_path):
    archive = tmp_path / "export.zip"
    link = zipfile.ZipInfo("images/link")
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(link, "/etc/passwd")
    with pytest.raises(UnsafePath):
        extract(archive, tmp_path)
