"""W1 — import: a text project with 10,000 items in one request, then one with 100,000.

The time runs from the first byte of the import request until the items are visible through
the API: the import answers 201 (synchronous) or 202 with a job that is polled until it has
succeeded; then ``item_count`` of the project must equal n.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from bench.client import ApiClient
from bench.server import BenchServer
from bench.workload import compact_json, text_schema

SIZES = (10_000, 100_000)
JOB_POLL_SECONDS = 0.25
JOB_TIMEOUT_SECONDS = 1800.0


class ImportEndpointMissing(RuntimeError):
    """The server has no ``POST /api/projects/{id}/import`` (yet)."""


@dataclass
class ImportResult:
    n: int
    project_id: int
    request_bytes: int
    status: int  # 201 synchronous, 202 job
    response_seconds: float  # until the import request answered
    seconds: float  # until item_count == n
    items_per_second: float
    peak_rss_mib: float  # gunicorn master + workers, during the import
    rss_before_mib: float
    worker_peak_rss_mib: float | None  # the Celery worker, when the import ran as a job
    item_count: int
    job: dict[str, Any] | None = None
    answer: dict[str, Any] | None = None  # the synchronous import's report (trimmed)


def _trimmed(answer: Any) -> dict[str, Any]:
    """The import report without long lists (problems, ids)."""
    if not isinstance(answer, dict):
        return {"answer": str(answer)[:200]}
    return {k: v if not isinstance(v, list | dict) else f"<{len(v)}>" for k, v in answer.items()}


def create_text_project(lead: ApiClient, name: str) -> int:
    payload = {
        "name": name,
        "kind": "text",
        "label_schema": text_schema(),
        "overlap": 1,
        "order": "sequential",
    }
    response = lead.post_json("/api/projects/", payload)
    if response.status != 201:
        raise RuntimeError(f"POST /api/projects/ -> {response.status} {response.body[:500]!r}")
    return int(response.json()["id"])


def wait_for_job(client: ApiClient, job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        response = client.get(f"/api/jobs/{job_id}")
        if response.status != 200:
            raise RuntimeError(f"GET /api/jobs/{job_id} -> {response.status} {response.body!r}")
        job = response.json()
        if job["status"] == "succeeded":
            return dict(job)
        if job["status"] == "failed":
            raise RuntimeError(f"import job {job_id} failed: {job.get('error') or job}")
        time.sleep(JOB_POLL_SECONDS)
    raise RuntimeError(f"import job {job_id} did not finish in {JOB_TIMEOUT_SECONDS:.0f} s")


def item_count(client: ApiClient, project_id: int) -> int:
    response = client.get(f"/api/projects/{project_id}/")
    if response.status != 200:
        raise RuntimeError(f"GET /api/projects/{project_id}/ -> {response.status}")
    return int(response.json()["item_count"])


def import_items(
    server: BenchServer, lead: ApiClient, project_id: int, items: list[dict[str, str]]
) -> ImportResult:
    n = len(items)
    body = compact_json(items)
    assert server.rss is not None
    rss_before = server.rss.reset()
    if server.worker_rss is not None:
        server.worker_rss.reset()
    started = time.perf_counter()
    response = lead.post_raw(f"/api/projects/{project_id}/import", body)
    answered = time.perf_counter()
    job = None
    if response.status in (404, 405):
        raise ImportEndpointMissing(f"import answered {response.status}: {response.body[:200]!r}")
    if response.status == 202:
        job = wait_for_job(lead, int(response.json()["job"]["id"]))
    elif response.status != 201:
        raise RuntimeError(f"import of {n:,} -> {response.status} {response.body[:500]!r}")
    count = item_count(lead, project_id)
    finished = time.perf_counter()
    time.sleep(0.2)  # one more RSS sample after the work
    if count != n:
        raise RuntimeError(f"import of {n:,}: item_count is {count:,}")
    seconds = finished - started
    worker_peak = server.worker_rss.peak_kb / 1024 if server.worker_rss and job else None
    return ImportResult(
        n=n,
        project_id=project_id,
        request_bytes=len(body),
        status=response.status,
        response_seconds=round(answered - started, 3),
        seconds=round(seconds, 3),
        items_per_second=round(n / seconds, 1),
        peak_rss_mib=round(server.rss.peak_kb / 1024, 1),
        rss_before_mib=round(rss_before / 1024, 1),
        worker_peak_rss_mib=round(worker_peak, 1) if worker_peak else None,
        item_count=count,
        job={k: job.get(k) for k in ("id", "status", "result", "attempts")} if job else None,
        answer=_trimmed(response.json()) if response.status == 201 else None,
    )


def seed_items_via_service(server: BenchServer, project_id: int, items: list[dict]) -> float:
    """Untimed set-up without the import endpoint: ``items_create_text`` in a Django shell."""
    assert server.tmp is not None
    path = server.tmp / f"items-{project_id}.json"
    path.write_bytes(compact_json(items))
    script = (
        "import json\n"
        "from labeling.models import Project\n"
        "from labeling.services.items import items_create_text\n"
        f"rows = json.loads(open({str(path)!r}).read())\n"
        f"items_create_text(project=Project.objects.get(pk={project_id}), rows=rows)\n"
    )
    started = time.perf_counter()
    server.manage("shell", "-c", script, quiet=True)
    path.unlink()
    return time.perf_counter() - started


def run_w1(
    server: BenchServer, lead_token: str, items: list[dict[str, str]]
) -> list[dict[str, Any]]:
    lead = server.client(lead_token)
    results = []
    for n in SIZES:
        project_id = create_text_project(lead, f"W1 text {n:,}")
        result = import_items(server, lead, project_id, items[:n])
        print(
            f"W1 import {n:>7,}: {result.seconds:8.2f} s  {result.items_per_second:9,.0f} items/s"
            f"  (answered {result.status} after {result.response_seconds:.2f} s)"
            f"  peak server RSS {result.peak_rss_mib:,.0f} MiB",
            flush=True,
        )
        results.append(asdict(result))
    return results


def print_w1(results: list[dict[str, Any]]) -> None:
    print("W1 import (one request; time until item_count == n)")
    print(f"  {'n':>8} {'seconds':>9} {'items/s':>9} {'status':>6} {'peak RSS MiB':>13}")
    for r in results:
        worker = r["worker_peak_rss_mib"]
        extra = f"  (Celery worker peak {worker:,.0f} MiB)" if worker else ""
        print(
            f"  {r['n']:>8,} {r['seconds']:>9.2f} {r['items_per_second']:>9,.0f}"
            f" {r['status']:>6} {r['peak_rss_mib']:>13,.0f}{extra}"
        )
    if len(results) >= 2:
        growth = results[-1]["peak_rss_mib"] - results[0]["peak_rss_mib"]
        print(f"  peak RSS growth {results[0]['n']:,} -> {results[-1]['n']:,}: {growth:+,.0f} MiB")
