"""W3 (export of 100k labelled text items) and W4 (COCO/YOLO of 10k images, 3 boxes each).

Per run a child process starts a real server (gunicorn, its own PostgreSQL database and
MEDIA_ROOT), seeds the labelled project in-process through the same database and media folder
(untimed), snapshots it into a branch, merges into ``main`` and releases ``v1`` (timed and
printed separately, "snapshot" below), then downloads the exports of ``v1`` over HTTP with a
dataset read token, as a training job would:

- cold: the first request of (commit, format, options), which builds the export while
  streaming it;
- warm: the same request again, served from the built file;
- 304: the same request with ``If-None-Match``.

Printed per download: seconds to the first byte and to the last, bytes, and the peak RSS of
the gunicorn tree during the download. The W3 runs at 10k and 100k items give the RSS growth.

    .venv/bin/python -m bench.w3_export [--only w3,w4] [--n 10000,100000] [--images 10000]
        [--media] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import REPO, BenchServer, ServerConfig, postgres_version
from bench.workload import BOX_LABELS, IMAGE_HEIGHT, IMAGE_WIDTH, image_boxes

RESULT_MARK = "W3-RESULT "


# --- child: seed, release v1, download ------------------------------------------------------


def _django(server: BenchServer) -> None:
    for name in ("DATABASE_URL", "MEDIA_ROOT", "ANNOLAKE_VAR_DIR", "SECRET_KEY", "DEBUG"):
        os.environ[name] = server.env[name]
    os.environ["DJANGO_SETTINGS_MODULE"] = "annolake.settings"
    os.environ["CELERY_BROKER_URL"] = "memory://"  # jobs run in-process below
    import django

    django.setup()


def _seed_text(n: int) -> tuple[Any, Any]:
    from bench.w5_versions import seed

    lead, _project, dataset = seed(n)
    return lead, dataset


def _jpeg(index: int) -> bytes:
    """A distinct 640x480 JPEG: the index drawn as a row of white squares, one per set bit."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (IMAGE_WIDTH, IMAGE_HEIGHT), (40, 90, 140))
    draw = ImageDraw.Draw(image)
    for bit in range(16):
        if index >> bit & 1:
            x = 16 + bit * 38
            draw.rectangle((x, 220, x + 30, 250), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def _seed_images(n: int) -> tuple[Any, Any]:
    """``n`` distinct 640x480 JPEGs with the workload's 3 boxes each, one annotation each."""
    import hashlib

    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from datasets.models import Dataset
    from labeling.models import Annotation, Item, Project, media_key

    colours = ["#e6194b", "#3cb44b", "#4363d8"]
    labels = [
        {"name": name, "color": colour, "hotkey": str(i + 1)}
        for i, (name, colour) in enumerate(zip(BOX_LABELS, colours, strict=True))
    ]
    schema = {"controls": [{"name": "objects", "type": "bbox", "labels": labels}]}
    lead = User.objects.create_user("w4-lead")
    annotator = User.objects.create_user("w4-annotator")
    project = Project.objects.create(
        name=f"W4 images {n}", kind="image", label_schema=schema, created_by=lead
    )
    boxes = image_boxes(n)
    items, shas = [], []
    for i in range(n):
        data = _jpeg(i)
        sha = hashlib.sha256(data).hexdigest()
        default_storage.save(media_key(sha, "jpg"), ContentFile(data))
        shas.append(sha)
        items.append(
            Item(
                project=project,
                media_sha256=sha,
                media_ext="jpg",
                width=IMAGE_WIDTH,
                height=IMAGE_HEIGHT,
                state=Item.State.DONE,
                annotation_count=1,
            )
        )
    Item.objects.bulk_create(items, batch_size=2000)
    by_sha = dict(Item.objects.filter(project=project).values_list("media_sha256", "pk"))
    annotations = [
        Annotation(
            item_id=by_sha[sha],
            project=project,
            user=annotator,
            status=Annotation.Status.ACCEPTED,
            result=[
                {
                    "control": "objects",
                    "type": "bbox",
                    "label": box["label"],
                    "bbox": {k: round(box[k], 2) for k in ("x", "y", "w", "h")},
                }
                for box in image_boxes_of
            ],
        )
        for sha, image_boxes_of in zip(shas, boxes, strict=True)
    ]
    Annotation.objects.bulk_create(annotations, batch_size=2000)
    dataset = Dataset.objects.create(slug=f"w4-{n}", name=f"W4 {n}", created_by=lead)
    dataset.projects.set([project])
    return lead, dataset


def _release(lead: Any, dataset: Any) -> dict[str, float]:
    """Snapshot into ``round-1``, merge into ``main``, release ``v1``: seconds of each."""
    from bench.w5_versions import snapshot
    from datasets.services.merges import merge_create
    from datasets.services.versions import version_release

    started = time.perf_counter()
    snapshot(dataset, lead, "round-1")
    snapped = time.perf_counter()
    merge_create(dataset=dataset, source="round-1", target="main", message="", user=lead)
    merged = time.perf_counter()
    version_release(dataset=dataset, user=lead, notes="bench")
    released = time.perf_counter()
    return {
        "snapshot_s": round(snapped - started, 2),
        "merge_s": round(merged - snapped, 2),
        "release_s": round(released - merged, 2),
    }


def _read_token(lead: Any, dataset: Any) -> str:
    from datasets.services.tokens import token_issue

    _token, secret = token_issue(dataset=dataset, user=lead, name="bench", days=1)
    return str(secret)


def _download(server: BenchServer, path: str, token: str, etag: str | None = None) -> dict:
    assert server.rss is not None
    server.rss.reset()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-None-Match"] = etag
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size = len(first)
    while chunk := response.read(1 << 20):
        size += len(chunk)
    total = time.perf_counter() - started
    connection.close()
    server.rss.sample()
    if response.status not in (200, 304):
        raise RuntimeError(f"GET {path}: {response.status}")
    return {
        "status": response.status,
        "first_byte_s": round(first_byte, 3),
        "seconds": round(total, 3),
        "bytes": size,
        "etag": response.getheader("ETag"),
        "server_peak_rss_mib": round(server.rss.peak_kb / 1024, 1),
    }


def _exports(server: BenchServer, slug: str, token: str, formats: list[str]) -> dict:
    results = {}
    for fmt in formats:
        name, _, query = fmt.partition("&")
        path = f"/api/datasets/{slug}/refs/v1/export?format={name}" + (f"&{query}" if query else "")
        cold = _download(server, path, token)
        warm = _download(server, path, token)
        not_modified = _download(server, path, token, etag=warm["etag"])
        results[fmt] = {"cold": cold, "warm": warm, "not_modified": not_modified}
        print(f"  {fmt}: cold {cold['seconds']} s, warm {warm['seconds']} s", flush=True)
    return results


def child(workload: str, n: int, media: bool) -> dict[str, Any]:
    config = ServerConfig(database=f"annolake_{workload}_{n}", celery_worker=False)
    with BenchServer(config=config) as server:
        _django(server)
        started = time.perf_counter()
        lead, dataset = _seed_text(n) if workload == "w3" else _seed_images(n)
        setup = time.perf_counter() - started
        timings = _release(lead, dataset)
        token = _read_token(lead, dataset)
        if workload == "w3":
            formats = ["jsonl", "csv"]
        else:
            formats = ["coco", "yolo"]
            if media:
                formats += ["coco&include_media=1", "yolo&include_media=1"]
        downloads = _exports(server, dataset.slug, token, formats)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
    return {
        "workload": workload,
        "n": n,
        "setup_s": round(setup, 1),
        **timings,
        "exports": downloads,
        "server": config.describe(),
    }


# --- parent -----------------------------------------------------------------------------------


def run_child(workload: str, n: int, media: bool) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.w3_export", "--child", workload, "--n", str(n)]
    if media:
        argv.append("--media")
    print(f"{workload.upper()}: n={n:,} ...", flush=True)
    proc = subprocess.run(argv, cwd=REPO, stdout=subprocess.PIPE, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return dict(json.loads(line[len(RESULT_MARK) :]))
        print(line)
    raise RuntimeError(f"{workload} n={n}: child failed (exit {proc.returncode})")


def print_table(results: list[dict[str, Any]]) -> None:
    print()
    print(
        f"W3/W4 exports - {os.cpu_count()} cores, {postgres_version()}, local store,"
        f" load {os.getloadavg()[0]:.1f}, over HTTP with a read token"
    )
    head = (
        f"{'run':<4}{'n':>8} {'format':<22}{'cold s':>8}{'1st byte':>9}{'warm s':>8}"
        f"{'304 s':>7}{'MiB':>9}{'peak RSS':>10}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        for fmt, d in r["exports"].items():
            cold, warm = d["cold"], d["warm"]
            print(
                f"{r['workload']:<4}{r['n']:>8,} {fmt:<22}{cold['seconds']:>8.2f}"
                f"{cold['first_byte_s']:>9.3f}{warm['seconds']:>8.2f}"
                f"{d['not_modified']['seconds']:>7.3f}{cold['bytes'] / 2**20:>9.1f}"
                f"{max(cold['server_peak_rss_mib'], warm['server_peak_rss_mib']):>10.0f}"
            )
        print(
            f"{'':<4}{'':>8} snapshot {r['snapshot_s']} s, merge {r['merge_s']} s,"
            f" release {r['release_s']} s (seeding {r['setup_s']} s, untimed)"
        )
    w3 = sorted((r for r in results if r["workload"] == "w3"), key=lambda r: r["n"])
    if len(w3) > 1:
        peak = [max(d["cold"]["server_peak_rss_mib"] for d in r["exports"].values()) for r in w3]
        print(
            f"server peak RSS {peak[0]:.0f} MiB at {w3[0]['n']:,} -> {peak[-1]:.0f} MiB at"
            f" {w3[-1]['n']:,} (+{peak[-1] - peak[0]:.0f} MiB)"
        )
    print(
        "targets: W3 JSONL 100k <= 5 s, first byte <= 0.5 s; W4 COCO/YOLO labels <= 3 s;"
        " RSS +<= 100 MiB 10k->100k"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="w3,w4")
    parser.add_argument("--n", default="10000,100000", help="W3 item counts")
    parser.add_argument("--images", type=int, default=10_000, help="W4 image count")
    parser.add_argument("--media", action="store_true", help="W4 with images too")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=["w3", "w4"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        random.seed(42)
        result = child(args.child, int(args.n), args.media)
        print(RESULT_MARK + json.dumps(result), flush=True)
        return
    only = set(args.only.split(","))
    results = []
    if "w3" in only:
        results += [run_child("w3", int(n), False) for n in args.n.split(",")]
    if "w4" in only:
        results.append(run_child("w4", args.images, args.media))
    print_table(results)
    if args.json:
        out = REPO / "bench" / "out"
        out.mkdir(exist_ok=True)
        path = out / f"w3-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(results, indent=2))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
