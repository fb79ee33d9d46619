from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from datasets.exporters import EXPORTERS, UnknownFormat, get_exporter
from tests.datasets.exporters.data import card, factory, media_source, sample_items

ROOT = Path(__file__).resolve().parents[3]


def test_the_registry_holds_the_five_formats_of_the_design():
    assert list(EXPORTERS) == ["jsonl", "csv", "coco", "yolo", "parquet"]
    assert {name for name, e in EXPORTERS.items() if e.media_capable} == {"coco", "yolo"}
    assert get_exporter("coco").extension_for(with_media=True) == "zip"
    assert get_exporter("coco").content_type_for(with_media=False) == "application/json"
    assert get_exporter("csv").extension_for(with_media=True) == "csv"


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(UnknownFormat, match="known: jsonl, csv"):
        get_exporter("voc")


@pytest.mark.parametrize("name", list(EXPORTERS))
@pytest.mark.parametrize("with_media", [False, True])
def test_exporting_the_same_input_twice_is_byte_identical(name, with_media):
    outputs = []
    for _ in range(2):
        out = io.BytesIO()
        media = media_source if with_media else None
        get_exporter(name).write(card(), factory(sample_items()), out, media=media)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 0


class _Sink(io.RawIOBase):
    """A write-only, non-seekable stream, like an HTTP response."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)


@pytest.mark.parametrize("name", ["coco", "yolo"])
def test_zips_stream_to_a_non_seekable_target_with_the_same_entries(name):
    import zipfile

    sink = _Sink()
    get_exporter(name).write(card(), factory(sample_items()), sink, media=media_source)  # type: ignore[arg-type]
    streamed = zipfile.ZipFile(io.BytesIO(b"".join(sink.chunks)))
    seekable = io.BytesIO()
    get_exporter(name).write(card(), factory(sample_items()), seekable, media=media_source)
    reference = zipfile.ZipFile(seekable)
    assert streamed.namelist() == reference.namelist()
    for entry in reference.namelist():
        assert streamed.read(entry) == reference.read(entry)
        assert streamed.getinfo(entry).date_time == (1980, 1, 1, 0, 0, 0)


@pytest.mark.parametrize("name", ["jsonl", "csv", "coco", "parquet"])
def test_flat_formats_stream_to_a_non_seekable_target_byte_for_byte(name):
    sink = _Sink()
    get_exporter(name).write(card(), factory(sample_items()), sink)  # type: ignore[arg-type]
    seekable = io.BytesIO()
    get_exporter(name).write(card(), factory(sample_items()), seekable)
    assert b"".join(sink.chunks) == seekable.getvalue()


def test_the_writers_import_nothing_from_django_or_rest_framework():
    code = (
        "import sys, datasets.exporters, datasets.exporters.splits\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')"
        " or m.startswith(('labeling', 'core'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
