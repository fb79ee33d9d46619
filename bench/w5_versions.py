"""W5 — versions: snapshot the annotated project into a dataset branch, change 1%, again.

    .venv/bin/python -m bench.w5_versions                       # 10k and 100k, both stores
    .venv/bin/python -m bench.w5_versions --n 100000 --store lakefs --profile

In-process (no server): every (n, store) runs in a fresh child process with its own
PostgreSQL database ``annolake_w5_<store>_<n>`` (dropped afterwards), so peak RSS is that
run's own. Set-up, untimed: the W1 text items (``items_create_text``), one annotation per
item (label A-E and status pending/accepted from ``random.Random(42)``), items DONE with
``annotation_count`` 1, ``ANALYZE`` (as autovacuum would have run by then), a dataset of the
project. Timed, calling the services directly
(``snapshot_start`` + ``snapshot_build`` through ``core.jobs.job_run``, include=completed):

- snapshot 1 into branch ``round-1`` (from main): seconds, peak RSS of the process;
- the label of 1% of the items (every 100th) changed (``bulk_update``, so ``updated_at``
  does not move), snapshot 2: seconds and as a fraction of snapshot 1, whether it was
  incremental and how many items it rebuilt, objects and bytes uploaded, peak RSS, and the
  seconds of each phase (plan = record lookup + fingerprint scan, stage = rebuild + upload,
  commit, record, merge) as the job reports them;
- ``diff_page`` (first page of 50) and ``diff_summary`` of snapshot 1 -> snapshot 2;
- ``merge_create`` of ``round-1`` into ``main``.

The lakeFS store talks to a ``LakeFSEmulator`` (tests/support) in a process of its own, as
lakeFS would be: its CPU and its memory (it holds every object) are not counted here.
Prints numbers, never pass/fail.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import PG_URL, RssSampler, drop_database, postgres_version, recreate_database
from bench.workload import TEXT_LABELS, text_schema, verified_text_items

REPO = Path(__file__).resolve().parent.parent
RESULT_MARK = "W5-RESULT "


# --- child: one (n, store) run ------------------------------------------------------------------


def _django(database: str, work: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG_URL}/{database}"
    os.environ["MEDIA_ROOT"] = f"{work}/media"
    os.environ["ANNOLAKE_VAR_DIR"] = f"{work}/var"
    os.environ["DJANGO_SETTINGS_MODULE"] = "annolake.settings"
    os.environ["DEBUG"] = "0"  # with DEBUG on, Django keeps every query's SQL
    os.environ["SECRET_KEY"] = secrets.token_hex(32)
    os.environ["CELERY_BROKER_URL"] = "memory://"  # jobs are run in-process, not published
    os.environ.setdefault("VERSION_STORE", "local")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # Publishing the first job imports every tasks module (core.jobs.job_publish), and with
    # them the export writers' pyarrow/numpy (~85 MiB): done here, so the timed snapshot's
    # RSS is the snapshot's own.
    from celery import current_app

    current_app.loader.import_default_modules()


def _answer(label: str) -> list[dict[str, Any]]:
    return [{"control": "label", "type": "class", "labels": [label]}]


def seed(n: int) -> tuple[Any, Any, Any]:
    """The annotated project and its dataset (untimed)."""
    from django.contrib.auth.models import User

    from datasets.models import Dataset
    from labeling.models import Annotation, Item, Project
    from labeling.services.items import items_create_text

    lead = User.objects.create_user("w5-lead")
    annotator = User.objects.create_user("w5-annotator")
    project = Project.objects.create(
        name=f"W5 text {n}", kind="text", label_schema=text_schema(), created_by=lead
    )
    items_create_text(project=project, rows=verified_text_items(n))
    Item.objects.filter(project=project).update(state=Item.State.DONE, annotation_count=1)
    rng = random.Random(42)
    ids = list(Item.objects.filter(project=project).order_by("pk").values_list("pk", flat=True))
    batch = []
    statuses = (Annotation.Status.PENDING, Annotation.Status.ACCEPTED)
    for item_id in ids:
        batch.append(
            Annotation(
                item_id=item_id,
                project=project,
                user=annotator,
                result=_answer(rng.choice(TEXT_LABELS)),
                status=rng.choice(statuses),
            )
        )
        if len(batch) == 5000:
            Annotation.objects.bulk_create(batch)
            batch = []
    Annotation.objects.bulk_create(batch)
    # The mass update above left the planner believing every item is still open; labelling
    # through the app moves items a few at a time, and autovacuum keeps up with that.
    from labeling.services.items import table_statistics_refresh

    table_statistics_refresh(Item)
    table_statistics_refresh(Annotation)
    dataset = Dataset.objects.create(slug=f"w5-{n}", name=f"W5 {n}", created_by=lead)
    dataset.projects.set([project])
    return lead, project, dataset


def change_one_percent(project: Any) -> int:
    """Every 100th item (by id) gets the next label A-E: 1% of the items, spread evenly."""
    from labeling.models import Annotation

    rows = list(
        Annotation.objects.filter(project=project).order_by("item_id").values_list("pk", "result")
    )
    changed = []
    for pk, result in rows[::100]:
        label = result[0]["labels"][0]
        following = TEXT_LABELS[(TEXT_LABELS.index(label) + 1) % len(TEXT_LABELS)]
        changed.append(Annotation(pk=pk, result=_answer(following)))
    Annotation.objects.bulk_update(changed, ["result"], batch_size=1000)
    return len(changed)


def snapshot(dataset: Any, lead: Any, branch: str) -> dict[str, Any]:
    from django.db import transaction

    from core.jobs import job_run
    from core.models import Job
    from datasets.services.snapshots import snapshot_build, snapshot_start

    with transaction.atomic():
        job = snapshot_start(
            dataset=dataset, branch=branch, message="", created_by=lead, include="completed"
        )
    job_run(job_id=job.pk, body=snapshot_build)
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED:
        raise RuntimeError(f"snapshot job {job.pk}: {job.status} {job.error} {job.result}")
    return dict(job.result or {})


class Step:
    """Wall seconds, process CPU seconds and peak RSS (sampled every 0.05 s) of one step."""

    def __init__(self, sampler: RssSampler, profile: cProfile.Profile | None = None) -> None:
        self.sampler, self.profile = sampler, profile
        self.seconds = self.cpu = 0.0
        self.peak_mib = self.before_mib = 0.0

    def __enter__(self) -> Step:
        self.before_mib = self.sampler.reset() / 1024
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        if self.profile is not None:
            self.profile.enable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.profile is not None:
            self.profile.disable()
        self.seconds = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        self.sampler.sample()
        self.peak_mib = self.sampler.peak_kb / 1024


@contextlib.contextmanager
def version_store(kind: str) -> Any:
    from django.test import override_settings

    if kind == "local":
        with override_settings(VERSION_STORE="local"):
            yield "local store (database + MEDIA_ROOT files)"
        return
    key, secret = "AKIAW5BENCH", "w5-secret"
    # A process of its own, as lakeFS is: its CPU (and its GIL) and its memory, which holds
    # every object, are not this process's, whose RSS and CPU are measured.
    emulator = subprocess.Popen(
        [sys.executable, "-m", "tests.support.lakefs_emulator", key, secret],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        endpoint = emulator.stdout.readline().strip()
        with override_settings(
            VERSION_STORE="lakefs",
            LAKEFS_ENDPOINT=endpoint,
            LAKEFS_ACCESS_KEY_ID=key,
            LAKEFS_SECRET_ACCESS_KEY=secret,
        ):
            yield "lakefs store -> LakeFSEmulator in its own process"
    finally:
        emulator.communicate(timeout=30)  # closing stdin stops it


def child(n: int, kind: str, profile_dir: str | None) -> dict[str, Any]:
    database = f"annolake_w5_{kind}_{n}"
    work = tempfile.mkdtemp(prefix="annolake-w5-")
    recreate_database(database)
    try:
        _django(database, work)
        sampler = RssSampler(os.getpid(), interval=0.05, tree=False)  # not the emulator
        sampler.start()
        started = time.perf_counter()
        lead, project, dataset = seed(n)
        setup_seconds = time.perf_counter() - started
        from datasets.services.diff import diff_page, diff_summary
        from datasets.services.merges import merge_create
        from datasets.stores import get_version_store

        profile = cProfile.Profile() if profile_dir else None
        reprofile = cProfile.Profile() if profile_dir else None
        with version_store(kind) as describe:
            store, repo = get_version_store(), dataset.repository
            modules = set(sys.modules)
            with Step(sampler, profile) as first_step:
                first = snapshot(dataset, lead, "round-1")
            imported = sorted({m.split(".")[0] for m in set(sys.modules) - modules})
            changed = change_one_percent(project)
            with Step(sampler, reprofile) as second_step:
                second = snapshot(dataset, lead, "round-1")
            base, head = first["commit"], second["commit"]
            with Step(sampler) as page_step:
                rows, more = diff_page(store, repo, base, head, page=1, size=50)
            with Step(sampler) as summary_step:
                summary = diff_summary(store, repo, base, head)
            with Step(sampler) as merge_step:
                merge = merge_create(
                    dataset=dataset, source="round-1", target="main", message="", user=lead
                )
        sampler.stop()
        for name, prof in (("snapshot", profile), ("resnapshot", reprofile)):
            if prof is not None and profile_dir:
                prof.dump_stats(Path(profile_dir) / f"w5-{kind}-{n}-{name}.prof")
                print(f"--- cProfile of {name} ({kind}, {n:,}) ---", file=sys.stderr)
                stats = pstats.Stats(prof, stream=sys.stderr)
                stats.sort_stats("cumulative").print_stats(30)
                stats.sort_stats("tottime").print_stats(20)
        return {
            "n": n,
            "store": kind,
            "store_description": describe,
            "setup_seconds": round(setup_seconds, 1),
            "snapshot": {
                "seconds": round(first_step.seconds, 2),
                "cpu_seconds": round(first_step.cpu, 2),
                "rss_before_mib": round(first_step.before_mib, 1),
                "peak_rss_mib": round(first_step.peak_mib, 1),
                "items": first["items"],
                "uploaded": first["uploaded"],
                "uploaded_bytes": first["uploaded_bytes"],
                "mode": first.get("mode", "full"),
                "phases": first.get("seconds", {}),
            },
            "resnapshot": {
                "changed_labels": changed,
                "seconds": round(second_step.seconds, 2),
                "fraction_of_first": round(second_step.seconds / first_step.seconds, 4),
                "cpu_seconds": round(second_step.cpu, 2),
                "peak_rss_mib": round(second_step.peak_mib, 1),
                "uploaded": second["uploaded"],
                "uploaded_fraction": round(second["uploaded"] / max(first["uploaded"], 1), 4),
                "uploaded_bytes": second["uploaded_bytes"],
                "changed": second["changed"],
                "mode": second.get("mode", "full"),
                "rebuilt": second.get("rebuilt", second["items"]),
                "phases": second.get("seconds", {}),
            },
            "diff_first_page": {
                "seconds": round(page_step.seconds, 3),
                "rows": len(rows),
                "more": more,
            },
            "diff_summary": {
                "seconds": round(summary_step.seconds, 3),
                "changed": summary["changed"],
                "added": summary["added"],
                "removed": summary["removed"],
                "histogram_delta": summary["histogram_delta"],
            },
            "merge": {
                "seconds": round(merge_step.seconds, 3),
                "status": merge.status,
                "peak_rss_mib": round(merge_step.peak_mib, 1),
            },
            "process_peak_rss_mib": round(sampler.peak_kb / 1024, 1),
            "imported_during_snapshot": imported,  # first-use imports count in its RSS
        }
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        drop_database(database)
        import shutil

        shutil.rmtree(work, ignore_errors=True)


# --- parent: run the children, print the table --------------------------------------------------


def run_child(n: int, kind: str, profile_dir: str | None) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.w5_versions", "--child", "--n", str(n), "--store", kind]
    if profile_dir:
        argv += ["--profile-dir", profile_dir]
    print(f"W5: n={n:,} store={kind} ...", flush=True)
    proc = subprocess.run(argv, cwd=REPO, stdout=subprocess.PIPE, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return dict(json.loads(line[len(RESULT_MARK) :]))
    raise RuntimeError(f"W5 n={n} store={kind}: child failed (exit {proc.returncode})")


def print_table(results: list[dict[str, Any]]) -> None:
    print()
    print(
        f"W5 versions - {os.cpu_count()} cores, {postgres_version()} at 127.0.0.1:5432,"
        f" load {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}, in-process services"
    )
    head = (
        f"{'store':<7}{'n':>8} {'snap s':>7}{'peak MiB':>9} {'re-snap s':>9}{'re/snap':>8}"
        f"{'mode':>5}{'rebuilt':>8}{'objs':>6}{'objs%':>7}{'bytes':>9}{'re MiB':>7}"
        f" {'diff p1 s':>9}{'summary s':>10}{'merge s':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        s, re_, n = r["snapshot"], r["resnapshot"], r["n"]
        mode = "inc" if re_.get("mode") == "incremental" else "full"
        print(
            f"{r['store']:<7}{n:>8,} {s['seconds']:>7.1f}{s['peak_rss_mib']:>9.0f}"
            f" {re_['seconds']:>9.2f}{re_['seconds'] / s['seconds']:>8.1%}"
            f"{mode:>5}{re_.get('rebuilt', n):>8,}{re_['uploaded']:>6}{re_['uploaded'] / n:>7.2%}"
            f"{re_['uploaded_bytes']:>9,}{re_['peak_rss_mib']:>7.0f}"
            f" {r['diff_first_page']['seconds']:>9.3f}{r['diff_summary']['seconds']:>10.3f}"
            f"{r['merge']['seconds']:>8.2f}"
        )
    for r in results:
        for step in ("snapshot", "resnapshot"):
            phases = r[step].get("phases") or {}
            if phases:
                spent = ", ".join(f"{name} {seconds:.2f}" for name, seconds in phases.items())
                print(f"{r['store']} {r['n']:,} {step} phases (s): {spent}")
    by_store: dict[str, dict[int, float]] = {}
    for r in results:
        by_store.setdefault(r["store"], {})[r["n"]] = r["snapshot"]["peak_rss_mib"]
    for kind, peaks in by_store.items():
        if len(peaks) > 1:
            low, high = min(peaks), max(peaks)
            print(
                f"{kind}: snapshot peak RSS {peaks[low]:.0f} MiB at {low:,} -> {peaks[high]:.0f}"
                f" MiB at {high:,} (+{peaks[high] - peaks[low]:.0f} MiB)"
            )
    print(
        "targets: snapshot 100k <= 30 s local, <= 120 s lakeFS; re-snapshot <= 10% of it and"
        " <= 2% objects; diff page <= 1 s, summary <= 3 s; RSS +<= 200 MiB 10k->100k"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="10000,100000", help="comma list: 10000 and/or 100000")
    parser.add_argument("--store", choices=["local", "lakefs", "both"], default="both")
    parser.add_argument("--profile", action="store_true", help="cProfile snapshot 1 (stderr)")
    parser.add_argument("--profile-dir", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="also write bench/out/w5-<time>.json")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.n.split(",") if part.strip()]
    kinds = ["local", "lakefs"] if args.store == "both" else [args.store]
    if args.child:
        result = child(sizes[0], kinds[0], args.profile_dir)
        print(RESULT_MARK + json.dumps(result), flush=True)
        return
    profile_dir = args.profile_dir
    if args.profile and not profile_dir:
        profile_dir = str(REPO / "bench" / "out")
        Path(profile_dir).mkdir(exist_ok=True)
    results = [run_child(n, kind, profile_dir) for kind in kinds for n in sizes]
    for r in results:
        print(json.dumps(r))
    print_table(results)
    if args.json:
        out = REPO / "bench" / "out" / f"w5-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
        print(f"written {out}")


if __name__ == "__main__":
    main()
