"""Project statistics for the dashboard: progress, throughput, lead time, agreement, labels."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone

from labeling.models import Annotation, Item, Project
from labeling.schemas import result_labels


def project_stats(project: Project) -> dict[str, Any]:
    items = Item.objects.filter(project=project)
    by_state = dict(items.values_list("state").annotate(n=Count("pk")).order_by())
    annotations = Annotation.objects.filter(project=project)
    return {
        "items": {
            "total": sum(by_state.values()),
            **{state: by_state.get(state, 0) for state in Item.State.values},
            "ground_truth": items.filter(ground_truth__isnull=False).count(),
        },
        "annotations": dict(annotations.values_list("status").annotate(n=Count("pk")).order_by()),
        "agreement": items.filter(agreement__isnull=False).aggregate(mean=Avg("agreement"))["mean"],
        "annotators": _per_annotator(annotations),
        "labels": _label_histogram(annotations),
    }


def _per_annotator(annotations: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = (
        annotations.values("user_id", "user__username")
        .annotate(
            annotations=Count("pk"),
            last_hour=Count("pk", filter=Q(created_at__gte=now - timedelta(hours=1))),
            last_day=Count("pk", filter=Q(created_at__gte=now - timedelta(days=1))),
            accepted=Count("pk", filter=Q(status=Annotation.Status.ACCEPTED)),
            rejected=Count("pk", filter=Q(status=Annotation.Status.REJECTED)),
            mean_lead_time_ms=Avg("lead_time_ms"),
            mean_agreement=Avg("item__agreement"),
            mean_ground_truth_score=Avg("ground_truth_score"),
            ground_truth_items=Count("pk", filter=Q(ground_truth_score__isnull=False)),
        )
        .order_by("user__username")
    )
    return [
        {
            **{k: v for k, v in row.items() if k not in {"user_id", "user__username"}},
            "user_id": row["user_id"],
            "username": row["user__username"],
        }
        for row in rows
    ]


def _label_histogram(annotations: Any) -> dict[str, int]:
    """Counts of "control:label" over annotations that still count (not rejected).

    Streams results in chunks so memory stays flat on big projects.
    """
    counts: Counter[str] = Counter()
    results = annotations.exclude(status=Annotation.Status.REJECTED).values_list(
        "result", flat=True
    )
    for result in results.iterator(chunk_size=5000):
        counts.update(f"{control}:{label}" for control, label in result_labels(result))
    return dict(counts.most_common())
