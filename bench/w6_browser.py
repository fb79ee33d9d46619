"""W6 — the browser: an annotator labels 50 demo images in a row with hotkeys in headless Chromium.

Measures the time from pressing Submit (Ctrl+Enter) to the next item fully drawn, and the
gzipped size of the JavaScript the annotator route loads. Prints numbers, never pass/fail.

    .venv/bin/python -m bench.w6_browser               # 50 items, SQLite, gunicorn 2x4
    .venv/bin/python -m bench.w6_browser --items 20 --postgres --json

The bench starts its own server: a temporary directory with a fresh database (a SQLite file, or
with ``--postgres`` the database ``annolake_w6`` at 127.0.0.1:5432, dropped afterwards),
``migrate``, the demo (``demo_load(images=items + 10)``), then gunicorn on a free port of
127.0.0.1 (``DEBUG=0``, in its own process group, stopped when the run ends, fails or is
interrupted). The frontend must be built (``cd frontend && npm run build``; ``--build`` does it).

Per item the annotator presses ``d`` or ``n`` (time of day), ``1`` (car), drags one box with the
mouse, and presses Ctrl+Enter. Two clocks, both per item:

- in the page: from the keydown event's timestamp (the ``annolake:submit`` performance mark the
  app sets with ``startTime = event.timeStamp``) to ``annolake:ready``, which the app marks once
  the next item's image is decoded and a frame has been scheduled after React committed it.
  This is what the annotator waits for; it includes submit + next + image fetch and decode.
- around the page: from just before Playwright sends Ctrl+Enter until the stage shows
  ``data-ready="true"`` for a new ``data-item-id`` (adds the DevTools protocol round trips).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (
    PG_URL,
    REPO,
    VENV_BIN,
    drop_database,
    free_port,
    recreate_database,
    stop_process_group,
)
from bench.w2_queue import percentiles

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DIST = REPO / "frontend" / "dist"
USER, PASSWORD = "annotator", "annotator-demo"
READY = '[data-testid="image-stage"][data-ready="true"]'
PG_DB = "annolake_w6"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50, help="items to label (default 50)")
    parser.add_argument(
        "--postgres", action="store_true", help=f"use {PG_URL}/{PG_DB} instead of SQLite"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--build", action="store_true", help="run `npm run build` first")
    parser.add_argument("--json", action="store_true", help="also write bench/out/w6-<time>.json")
    return parser.parse_args(argv)


# --- the server ---------------------------------------------------------------------------------


@contextlib.contextmanager
def demo_server(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    """A fresh database with the demo, served by gunicorn; everything is removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="annolake-w6-"))
    if args.postgres:
        recreate_database(PG_DB)
    database = f"{PG_URL}/{PG_DB}" if args.postgres else f"sqlite:///{tmp / 'w6.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        # Plain HTTP on 127.0.0.1, as bench/server.py: no HTTPS redirect, no secure-only cookies.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ANNOLAKE_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        "FRONTEND_DIST": str(DIST),
    }
    port = free_port()
    proc: subprocess.Popen[bytes] | None = None
    try:
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
        script = (
            "from labeling.demo import demo_load, IMAGE_PROJECT\n"
            f"result = demo_load(images={args.items + 10}, texts=1)\n"
            "print(next(p.pk for p in result.projects if p.name == IMAGE_PROJECT))\n"
        )
        out = subprocess.run(
            [*manage, "shell", "-c", script],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        project_id = int(out.stdout.strip().splitlines()[-1])
        log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115 - the child keeps it open
        argv = [
            str(VENV_BIN / "gunicorn"),
            "annolake.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ]
        proc = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        wait_healthy(port, proc, tmp / "gunicorn.log")
        yield {
            "url": f"http://127.0.0.1:{port}",
            "project_id": project_id,
            "database": database.split(":", 1)[0],
            "server": f"gunicorn {args.workers} workers x {args.threads} threads, DEBUG=0",
        }
    finally:
        if proc is not None:
            stop_process_group(proc, grace=10)
        if args.postgres:
            drop_database(PG_DB)
        shutil.rmtree(tmp, ignore_errors=True)


def wait_healthy(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"/healthz did not answer in {timeout:.0f} s")


# --- the browser --------------------------------------------------------------------------------


def route_js(page: Any) -> list[dict[str, Any]]:
    """The JavaScript files the page loaded, with their raw and gzipped sizes from dist/."""
    urls = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([...document.scripts].map(s => s.src)).filter(u => /\\.js(\\?|$)/.test(u))"
    )
    files = []
    for name in sorted({re.sub(r"^https?://[^/]+", "", url).split("?")[0] for url in urls}):
        path = DIST / name.lstrip("/")
        if path.is_file():
            data = path.read_bytes()
            files.append({"file": name, "bytes": len(data), "gzip": len(gzip.compress(data, 9))})
    return files


def label_items(page: Any, count: int) -> list[dict[str, Any]]:
    rng = random.Random(6)  # fixed boxes, the same on every run
    samples = []
    for _ in range(count):
        stage = page.locator(READY)
        item_id = stage.get_attribute("data-item-id")
        image = page.locator(f"{READY} img").bounding_box()
        page.keyboard.press(rng.choice("dn"))
        page.keyboard.press("1")
        fx, fy = rng.uniform(0.05, 0.6), rng.uniform(0.05, 0.6)
        fw, fh = rng.uniform(0.1, 0.35), rng.uniform(0.1, 0.35)
        x0, y0 = image["x"] + fx * image["width"], image["y"] + fy * image["height"]
        x1, y1 = x0 + fw * image["width"], y0 + fh * image["height"]
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x1, y1, steps=3)
        page.mouse.up()
        started = time.perf_counter()
        page.keyboard.press("Control+Enter")
        page.locator(f'{READY}:not([data-item-id="{item_id}"])').wait_for()
        wall = (time.perf_counter() - started) * 1000
        marks = page.evaluate(
            """() => {
                const last = (name) => performance.getEntriesByName(name).at(-1);
                const s = last('annolake:submit'), r = last('annolake:ready');
                return {submit: s && s.startTime, ready: r && r.startTime};
            }"""
        )
        in_page = marks["ready"] - marks["submit"]
        samples.append({"item": int(item_id), "in_page_ms": in_page, "wall_ms": wall})
    return samples


def run(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    if args.build:
        subprocess.run(["npm", "run", "build"], cwd=REPO / "frontend", check=True)
    if not (DIST / "index.html").exists():
        raise SystemExit("frontend/dist is missing: `cd frontend && npm run build` (or --build)")
    with demo_server(args) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                base_url=server["url"], viewport={"width": 1280, "height": 800}
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto("/login")
            page.get_by_label("Username").fill(USER)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Projects").wait_for()
            first_load = time.perf_counter()
            page.goto(f"/projects/{server['project_id']}/annotate")
            page.locator(READY).wait_for()
            first_ms = (time.perf_counter() - first_load) * 1000
            js = route_js(page)
            samples = label_items(page, args.items)
            stored = page.request.get(f"/api/projects/{server['project_id']}/annotations").json()
            report = {
                "workload": "W6",
                "items": args.items,
                "cores": os.cpu_count(),
                "chromium": browser.version,
                "database": server["database"],
                "server": server["server"],
                "first_item_ms": round(first_ms, 1),
                "submit_to_next_drawn_ms": percentiles([s["in_page_ms"] for s in samples]),
                "wall_clock_ms": percentiles([s["wall_ms"] for s in samples]),
                "route_js": js,
                "route_js_gzip_bytes": sum(f["gzip"] for f in js),
                "route_js_bytes": sum(f["bytes"] for f in js),
                "annotations_stored": stored["count"],
                "page_errors": errors,
                "samples": samples,
            }
        finally:
            browser.close()
    return report


def print_report(report: dict[str, Any]) -> None:
    print(
        f"W6 browser · {report['chromium']} headless · {report['cores']} cores · "
        f"{report['database']} · {report['server']} · client and server on one machine"
    )
    print(f"first item shown after navigation: {report['first_item_ms']} ms")
    for title, key in [
        ("Submit -> next item drawn (in page)", "submit_to_next_drawn_ms"),
        ("Submit -> next item drawn (Playwright wall clock)", "wall_clock_ms"),
    ]:
        p = report[key]
        print(f"{title}: n={p['n']} p50 {p['p50']} ms  p95 {p['p95']} ms  max {p['max']} ms")
    print(
        f"annotator route JS: {report['route_js_gzip_bytes'] / 1024:.1f} KiB gzipped "
        f"({report['route_js_bytes'] / 1024:.1f} KiB raw) in {len(report['route_js'])} files"
    )
    for f in report["route_js"]:
        print(f"  {f['file']:<48} {f['bytes'] / 1024:8.1f} KiB  gzip {f['gzip'] / 1024:6.1f} KiB")
    print(f"annotations stored: {report['annotations_stored']} (expected {report['items']})")
    if report["page_errors"]:
        print(f"JavaScript errors: {report['page_errors']}")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so that `finally` stops the server on SIGTERM too


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    report = run(args)
    print_report(report)
    if args.json:
        out = REPO / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"w6-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
        path.write_text(json.dumps(report, indent=2))
        print(f"wrote {path}")
    ok = report["annotations_stored"] == report["items"] and not report["page_errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
