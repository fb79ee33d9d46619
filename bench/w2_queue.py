"""W2 — the queue: N concurrent annotators loop ``next`` then ``submit`` for a fixed time.

Each annotator is a distinct user (a member with role annotator) with its own token and its
own keep-alive connection, run in a thread of this process. On a small machine the client's
threads compete with the server for the same cores: the CPU each side used is printed.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import resource
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.client import ApiClient
from bench.server import (
    BenchServer,
    PgCpuSampler,
    annotator_name,
    machine_cpu_ticks,
    tree_cpu_seconds,
)
from bench.workload import TEXT_LABELS

SUBMIT_LEAD_TIME_MS = 1000
CONNECTION_ERROR_PAUSE = 0.05  # seconds; a dead server must not turn the loop into a spin


@dataclass
class AnnotatorLog:
    """What one annotator thread saw."""

    index: int
    next_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    submitted: int = 0
    empty: bool = False  # the queue answered 204
    errors: Counter[str] = field(default_factory=Counter)
    submitted_items: list[int] = field(default_factory=list)
    reconnects: int = 0  # stale keep-alive connections re-opened by the client


def add_members(
    server: BenchServer, lead_token: str, project_id: int, usernames: list[str]
) -> None:
    lead = server.client(lead_token)
    for username in usernames:
        response = lead.post_json(
            f"/api/projects/{project_id}/members/", {"username": username, "role": "annotator"}
        )
        if response.status not in (200, 201):
            raise RuntimeError(
                f"add member {username} -> {response.status} {response.body[:300]!r}"
            )


def _error_key(action: str, status: int | str, body: bytes = b"") -> str:
    code = ""
    if body[:1] == b"{":
        try:
            code = json.loads(body).get("error", {}).get("code", "")
        except (ValueError, AttributeError):
            code = ""
    return f"{action} {status}" + (f" {code}" if code else "")


def annotate_loop(
    client: ApiClient,
    project_id: int,
    log: AnnotatorLog,
    start: threading.Barrier,
    deadline_holder: list[float],
) -> None:
    rng = random.Random(1000 + log.index)
    try:
        start.wait()
    except threading.BrokenBarrierError:
        return  # the phase was called off before it began
    deadline = deadline_holder[0]
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        try:
            response = client.request("POST", f"/api/projects/{project_id}/queue/next")
        except (OSError, http.client.HTTPException) as exc:
            log.errors[f"next {type(exc).__name__}"] += 1
            time.sleep(CONNECTION_ERROR_PAUSE)
            continue
        log.next_ms.append((time.perf_counter() - began) * 1000)
        if response.status == 204:
            log.empty = True
            return
        if response.status != 200:
            log.errors[_error_key("next", response.status, response.body)] += 1
            continue
        item_id = int(response.json()["item"]["id"])
        payload = {
            "result": [{"control": "label", "type": "class", "labels": [rng.choice(TEXT_LABELS)]}],
            "lead_time_ms": SUBMIT_LEAD_TIME_MS,
        }
        began = time.perf_counter()
        try:
            response = client.post_json(f"/api/items/{item_id}/annotations", payload)
        except (OSError, http.client.HTTPException) as exc:
            log.errors[f"submit {type(exc).__name__}"] += 1
            time.sleep(CONNECTION_ERROR_PAUSE)
            continue
        log.submit_ms.append((time.perf_counter() - began) * 1000)
        if response.status == 201:
            log.submitted += 1
            log.submitted_items.append(item_id)
        else:
            log.errors[_error_key("submit", response.status, response.body)] += 1


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in ms (nearest rank), and the count."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return round(ordered[index], 1)

    return {
        "n": len(ordered),
        "p50": rank(50),
        "p95": rank(95),
        "p99": rank(99),
        "max": round(ordered[-1], 1),
    }


def database_checks(server: BenchServer, project_id: int) -> dict[str, int]:
    """Counted with SQL after the run: duplicates despite overlap 1, and lease anomalies."""
    duplicated = server.sql(
        "SELECT count(*) FROM (SELECT item_id FROM labeling_annotation WHERE project_id = %s"
        " GROUP BY item_id HAVING count(*) > 1) d",
        (project_id,),
    )[0][0]
    annotations = server.sql(
        "SELECT count(*) FROM labeling_annotation WHERE project_id = %s", (project_id,)
    )[0][0]
    multi_lease_users = server.sql(
        "SELECT count(*) FROM (SELECT user_id FROM labeling_lease WHERE project_id = %s"
        " AND expires_at > now() GROUP BY user_id, kind HAVING count(*) > 1) u",
        (project_id,),
    )[0][0]
    multi_leased_items = server.sql(
        "SELECT count(*) FROM (SELECT item_id FROM labeling_lease WHERE project_id = %s"
        " AND kind = 'annotate' AND expires_at > now() GROUP BY item_id HAVING count(*) > 1) i",
        (project_id,),
    )[0][0]
    return {
        "annotations_in_db": int(annotations),
        "duplicated_items": int(duplicated),
        "users_with_more_than_one_live_lease": int(multi_lease_users),
        "items_leased_to_more_than_one_user": int(multi_leased_items),
    }


def _cpu_snapshot(server: BenchServer) -> dict[str, Any]:
    assert server.gunicorn is not None
    busy, total = machine_cpu_ticks()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "client": usage.ru_utime + usage.ru_stime,
        "server": tree_cpu_seconds(server.gunicorn.pid),
        "busy": busy,
        "total": total,
    }


def _cpu_report(
    before: dict[str, Any], after: dict[str, Any], postgres: float, wall: float
) -> dict[str, Any]:
    """Cores used by each side during the phase; ``postgres`` is in CPU seconds."""
    cores = os.cpu_count() or 1
    busy = (after["busy"] - before["busy"]) / max(1.0, after["total"] - before["total"])
    client = after["client"] - before["client"]
    server = after["server"] - before["server"]
    return {
        "machine_busy_pct": round(busy * 100, 1),
        "client_cores": round(client / wall, 2),
        "gunicorn_cores": round(server / wall, 2),
        "postgres_cores": round(postgres / wall, 2),
        "other_cores": round(busy * cores - (client + server + postgres) / wall, 2),
    }


def run_phase(
    server: BenchServer,
    project_id: int,
    tokens: list[str],
    seconds: float,
) -> dict[str, Any]:
    clients = [server.client(token) for token in tokens]
    logs = [AnnotatorLog(index=i) for i in range(len(tokens))]
    start = threading.Barrier(len(tokens) + 1)
    deadline_holder = [0.0]
    threads = [
        threading.Thread(
            target=annotate_loop,
            args=(client, project_id, log, start, deadline_holder),
            name=f"annotator-{log.index}",
            daemon=True,  # never keeps the process alive after an error
        )
        for client, log in zip(clients, logs, strict=True)
    ]
    pg_cpu = PgCpuSampler(server.config.database)
    for thread in threads:
        thread.start()
    try:
        pg_cpu.start()
        cpu_before = _cpu_snapshot(server)
        started = time.perf_counter()
        deadline_holder[0] = started + seconds
        start.wait()
    except BaseException:
        start.abort()
        raise
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu_after = _cpu_snapshot(server)
    postgres_cpu = pg_cpu.stop()
    for client, log in zip(clients, logs, strict=True):
        log.reconnects = client.reconnects
        client.close()
    cpu = _cpu_report(cpu_before, cpu_after, postgres_cpu, wall)
    return summarize(server, project_id, logs, wall, cpu)


def summarize(
    server: BenchServer,
    project_id: int,
    logs: list[AnnotatorLog],
    wall: float,
    cpu: dict[str, Any],
) -> dict[str, Any]:
    errors: Counter[str] = Counter()
    for log in logs:
        errors.update(log.errors)
    submitted = sum(log.submitted for log in logs)
    items = [item for log in logs for item in log.submitted_items]
    # CPU per annotation compares runs even when other work on the machine changes the
    # throughput: it is what one annotation costs the server side, whatever else was running.
    for side in ("gunicorn", "postgres"):
        cpu[f"{side}_ms_per_annotation"] = (
            round(cpu[f"{side}_cores"] * wall * 1000 / submitted, 1) if submitted else None
        )
    assert server.rss is not None
    return {
        "annotators": len(logs),
        "seconds": round(wall, 2),
        "annotations": submitted,
        "annotations_per_second": round(submitted / wall, 1),
        "next_ms": percentiles([ms for log in logs for ms in log.next_ms]),
        "submit_ms": percentiles([ms for log in logs for ms in log.submit_ms]),
        "errors": dict(sorted(errors.items())),
        "queue_empty_for": sum(log.empty for log in logs),
        "same_item_submitted_twice_by_client": len(items) - len(set(items)),
        "reconnects": sum(log.reconnects for log in logs),
        "cpu": cpu,
        "peak_rss_mib": round(server.rss.peak_kb / 1024, 1),
        **database_checks(server, project_id),
    }


def table_statistics(server: BenchServer) -> str:
    """When labeling_item was last analyzed: the queue's plan depends on it."""
    rows = server.sql(
        "SELECT last_analyze, last_autoanalyze FROM pg_stat_user_tables"
        " WHERE relname = 'labeling_item'"
    )
    manual, auto = rows[0] if rows else (None, None)
    latest = max((t for t in (manual, auto) if t is not None), default=None)
    return f"analyzed at {latest:%H:%M:%S}" if latest else "never analyzed"


def run_w2(
    server: BenchServer,
    lead_token: str,
    project_id: int,
    annotator_counts: list[int],
    seconds: float,
    analyze: bool = False,
) -> list[dict[str, Any]]:
    usernames = [annotator_name(i) for i in range(max(annotator_counts))]
    server.create_users(usernames)
    tokens = server.tokens(usernames)
    add_members(server, lead_token, project_id, usernames)
    if analyze:
        server.sql("ANALYZE labeling_item, labeling_lease, labeling_annotation, labeling_skip")
    stats = table_statistics(server)
    print(f"W2: planner statistics of labeling_item: {stats}", flush=True)
    if stats == "never analyzed":
        print("W2: autovacuum may be off: nothing analyzes it; --analyze gives the steady state")
    results = []
    for count in annotator_counts:
        assert server.rss is not None
        server.rss.reset()
        result = run_phase(server, project_id, [tokens[u] for u in usernames[:count]], seconds)
        result["bench_ran_analyze"] = analyze
        result["item_statistics_at_start"] = stats
        print_w2_line(result)
        results.append(result)
    return results


def print_w2_line(r: dict[str, Any]) -> None:
    n, s = r["next_ms"], r["submit_ms"]
    print(
        f"W2 queue {r['annotators']:>3} annotators: {r['annotations_per_second']:7.1f} ann/s"
        f"  next p50/p95/p99/max {n.get('p50')}/{n.get('p95')}/{n.get('p99')}/{n.get('max')} ms"
        f"  submit {s.get('p50')}/{s.get('p95')}/{s.get('p99')}/{s.get('max')} ms"
        f"  errors {sum(r['errors'].values())}  duplicates {r['duplicated_items']}",
        flush=True,
    )


def print_w2(results: list[dict[str, Any]]) -> None:
    print("W2 queue (each annotator: next, then submit; one user and connection each)")
    header = (
        f"  {'users':>5} {'secs':>6} {'ann/s':>7} | {'next p50':>8} {'p95':>7} {'p99':>7}"
        f" {'max':>7} | {'submit p50':>10} {'p95':>7} {'p99':>7} {'max':>7} | {'dup':>4}"
        f" {'errors':>6}"
    )
    print(header)
    for r in results:
        n, s = r["next_ms"], r["submit_ms"]
        print(
            f"  {r['annotators']:>5} {r['seconds']:>6.1f} {r['annotations_per_second']:>7.1f} |"
            f" {n.get('p50', '-'):>8} {n.get('p95', '-'):>7} {n.get('p99', '-'):>7}"
            f" {n.get('max', '-'):>7} | {s.get('p50', '-'):>10} {s.get('p95', '-'):>7}"
            f" {s.get('p99', '-'):>7} {s.get('max', '-'):>7} | {r['duplicated_items']:>4}"
            f" {sum(r['errors'].values()):>6}"
        )
    for r in results:
        cpu = r["cpu"]
        print(
            f"  {r['annotators']:>3} users: errors {r['errors'] or 'none'};"
            f" users with >1 live lease {r['users_with_more_than_one_live_lease']},"
            f" items leased to >1 user {r['items_leased_to_more_than_one_user']};"
            f" annotations in DB {r['annotations_in_db']:,};"
            f" CPU: machine {cpu['machine_busy_pct']}% busy, client {cpu['client_cores']} cores,"
            f" gunicorn {cpu['gunicorn_cores']}, PostgreSQL {cpu['postgres_cores']},"
            f" other processes {cpu['other_cores']};"
            f" CPU per annotation: gunicorn {cpu['gunicorn_ms_per_annotation']} ms,"
            f" PostgreSQL {cpu['postgres_ms_per_annotation']} ms;"
            f" peak server RSS {r['peak_rss_mib']:,.0f} MiB"
        )
