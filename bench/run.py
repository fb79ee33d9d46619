"""Run the shared workload against a real Annolake server and print the figures.

    .venv/bin/python -m bench --only w1,w2 --annotators 8,32 --seconds 60 --workers 4 --threads 4

``--workers`` and ``--threads`` take comma lists: every combination gets a fresh server and
database, and its own figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.server import LEAD, BenchServer, ServerConfig, environment_summary
from bench.w1_import import (
    ImportEndpointMissing,
    create_text_project,
    import_items,
    print_w1,
    run_w1,
    seed_items_via_service,
)
from bench.w2_queue import print_w2, run_w2
from bench.workload import verified_text_items

OUT_DIR = Path(__file__).resolve().parent / "out"
WORKLOADS = ("smoke", "w1", "w2")


def int_list(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="w1,w2", help=f"comma list of {', '.join(WORKLOADS)}")
    parser.add_argument("--annotators", type=int_list, default=[8, 32], help="W2: e.g. 8,32")
    parser.add_argument("--seconds", type=float, default=60.0, help="W2: wall clock per phase")
    parser.add_argument("--workers", type=int_list, default=[ServerConfig.workers])
    parser.add_argument("--threads", type=int_list, default=[ServerConfig.threads])
    parser.add_argument("--timeout", type=int, default=ServerConfig.timeout, help="gunicorn")
    parser.add_argument("--no-access-log", action="store_true", help="gunicorn without it")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="W2: ANALYZE the tables before the run (as autovacuum does within a minute)",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep annolake_bench afterwards")
    parser.add_argument("--json", action="store_true", help="also write bench/out/<time>.json")
    args = parser.parse_args(argv)
    args.only = [w.strip().lower() for w in args.only.split(",") if w.strip()]
    unknown = set(args.only) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workload(s): {', '.join(sorted(unknown))}")
    return args


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def smoke(server: BenchServer, lead_token: str) -> dict[str, Any]:
    response = server.client(lead_token).get("/api/projects/")
    print(f"smoke: GET /api/projects/ -> {response.status} {response.body[:120]!r}")
    return {"projects_status": response.status, "healthz": server.wait_healthy()}


def setup_w2_project(server: BenchServer, lead_token: str, items: list[dict[str, str]]) -> int:
    """The 100k project for W2 when W1 did not run: imported, or seeded without the API."""
    print(f"W2 setup: importing the {len(items):,} items (untimed for W2)", flush=True)
    lead = server.client(lead_token)
    project_id = create_text_project(lead, f"W2 text {len(items):,}")
    try:
        return import_items(server, lead, project_id, items).project_id
    except ImportEndpointMissing as exc:
        seconds = seed_items_via_service(server, project_id, items)
        print(f"W2 setup: {exc}; seeded with items_create_text in {seconds:.1f} s", flush=True)
        return project_id


def run_config(args: argparse.Namespace, config: ServerConfig, items: list[dict[str, str]]) -> dict:
    report: dict[str, Any] = {"environment": environment_summary(config), "config": vars(config)}
    print(f"\n=== {config.describe()} on {report['environment']['cores']} cores ===", flush=True)
    with BenchServer(config, keep_database=args.keep_db) as server:
        server.create_users([LEAD])
        lead_token = server.token(LEAD)
        if "smoke" in args.only:
            report["smoke"] = smoke(server, lead_token)
        project_100k = None
        if "w1" in args.only:
            try:
                report["w1"] = run_w1(server, lead_token, items)
                project_100k = report["w1"][-1]["project_id"]
            except ImportEndpointMissing as exc:
                print(f"W1 skipped: {exc}", flush=True)
        if "w2" in args.only:
            if project_100k is None:
                project_100k = setup_w2_project(server, lead_token, items)
            report["w2"] = run_w2(
                server, lead_token, project_100k, args.annotators, args.seconds, args.analyze
            )
    return report


def print_report(report: dict[str, Any]) -> None:
    env = report["environment"]
    print(f"\n--- {env['server']} | {env['database']} | {env['cores']} cores | client:")
    print("    threads in one Python process on the same machine (competes with the server)")
    if "w1" in report:
        print_w1(report["w1"])
    if "w2" in report:
        print_w2(report["w2"])


def write_json(reports: list[dict[str, Any]]) -> Path:
    OUT_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT_DIR / f"bench-{stamp}.json"
    path.write_text(json.dumps(reports, indent=2, default=str))
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    print(f"bench: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    items = verified_text_items(100_000) if {"w1", "w2"} & set(args.only) else []
    reports = []
    started = time.perf_counter()
    try:
        for workers in args.workers:
            for threads in args.threads:
                config = ServerConfig(
                    workers=workers,
                    threads=threads,
                    timeout=args.timeout,
                    access_log=not args.no_access_log,
                )
                reports.append(run_config(args, config, items))
    except KeyboardInterrupt:
        print("\nbench: interrupted; the server was stopped", file=sys.stderr)
        return 130
    finally:
        for report in reports:
            print_report(report)
        if args.json and reports:
            print(f"\nbench: wrote {write_json(reports)}")
    print(f"\nbench: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
