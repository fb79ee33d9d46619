"""Job bodies for media processing."""

from __future__ import annotations

from typing import Any

from core.jobs import Progress
from core.models import Job
from labeling.media import thumbnail_create
from labeling.models import Item

BATCH = 200


def thumbnails_generate(job: Job, progress: Progress) -> dict[str, Any]:
    """Make the missing thumbnails of a project's images, reporting progress as it goes.

    Idempotent: items that already have a thumbnail are skipped, so a retried job
    continues where the last attempt stopped.
    """
    pending = Item.objects.filter(project_id=job.params["project_id"], has_thumbnail=False).exclude(
        media_sha256=""
    )
    total = pending.count()
    progress.set(0, total=total, message=f"Generating {total} thumbnails")
    done = 0
    last_pk = 0
    while True:
        batch = list(
            pending.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "media_sha256", "media_ext")[:BATCH]
        )
        if not batch:
            break
        for pk, sha256, ext in batch:
            thumbnail_create(sha256=sha256, ext=ext)
            Item.objects.filter(pk=pk).update(has_thumbnail=True)
            done += 1
            progress.set(done)
        last_pk = batch[-1][0]
    progress.set(done, message=f"Generated {done} thumbnails")
    return {"thumbnails": done}
