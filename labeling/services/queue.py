"""The labeling queue: lease the next item, keep it alive, give it back, skip it.

Correctness under concurrency (DESIGN.md "The queue", RELIABILITY.md 0.4): the candidate
row is taken with ``FOR UPDATE SKIP LOCKED``, its capacity is counted again in a new
statement while the lock is held, and every writer that changes an item's capacity locks
the item row first. Constraints back the rest: one lease row per user, project and kind;
one annotation per user and item. On SQLite, IMMEDIATE transactions serialise writers.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import Conflict, NotFound
from labeling.models import Annotation, Item, Lease, Project, Skip

# Candidates tried per call before concluding the queue is empty for this user; each
# miss means another transaction filled the item between our scan and our lock.
MAX_TRIES = 5


def _live_leases(kind: str, now: object) -> QuerySet[Lease]:
    return Lease.objects.filter(item=OuterRef("pk"), kind=kind, expires_at__gt=now)


def live_lease_count(
    *, item_id: int, kind: str = Lease.Kind.ANNOTATE, exclude_user: int | None = None
) -> int:
    leases = Lease.objects.filter(item_id=item_id, kind=kind, expires_at__gt=timezone.now())
    if exclude_user is not None:
        leases = leases.exclude(user_id=exclude_user)
    return leases.count()


def queue_order(project: Project) -> list[str]:
    if project.order == Project.Order.PRIORITY:
        return ["-priority", "id"]
    if project.order == Project.Order.RANDOM:
        return ["order_key", "id"]
    return ["id"]


def _candidates(project: Project, user: User, now: object) -> QuerySet[Item]:
    """Open items this user has not annotated or skipped, with room for another lease."""
    items = (
        Item.objects.filter(project=project, state=Item.State.OPEN)
        .exclude(Exists(Annotation.objects.filter(item=OuterRef("pk"), user=user)))
        .exclude(Exists(Skip.objects.filter(item=OuterRef("pk"), user=user)))
    )
    live = _live_leases(Lease.Kind.ANNOTATE, now)
    if project.overlap == 1:
        return items.exclude(Exists(live))
    live_count = Subquery(
        live.order_by().values("item").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )
    return items.annotate(live=Coalesce(live_count, Value(0))).filter(
        Q(annotation_count__lt=project.overlap - F("live"))
    )


def _own_lease(project: Project, user: User, kind: str) -> Lease | None:
    return (
        Lease.objects.select_related("item")
        .filter(project=project, user=user, kind=kind, expires_at__gt=timezone.now())
        .first()
    )


def item_lease_next(*, project: Project, user: User) -> Lease | None:
    """Return the user's live lease, or lease them the best eligible item; None when done."""
    for _ in range(2):
        try:
            return _lease_next(project, user)
        except IntegrityError:
            # A concurrent call by the same user won the one-lease constraint; theirs is ours.
            continue
    return _own_lease(project, user, Lease.Kind.ANNOTATE)


@transaction.atomic
def _lease_next(project: Project, user: User) -> Lease | None:
    now = timezone.now()
    own = (
        Lease.objects.select_related("item")
        .filter(project=project, user=user, kind=Lease.Kind.ANNOTATE)
        .first()
    )
    if own is not None:
        if own.expires_at > now:
            return own
        own.delete()  # expired: it no longer counts, and the user may take another item
    tried: list[int] = []
    for _ in range(MAX_TRIES):
        candidate = (
            _candidates(project, user, now)
            .exclude(pk__in=tried)
            .order_by(*queue_order(project))
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        # Re-count in a new statement while holding the row lock (Read Committed sees
        # everything committed before this statement began).
        live = Q(leases__kind=Lease.Kind.ANNOTATE, leases__expires_at__gt=now)
        item = Item.objects.annotate(live=Count("leases", filter=live)).get(pk=candidate)
        used = item.annotation_count + item.live
        if item.state == Item.State.OPEN and used < project.overlap:
            return Lease.objects.create(
                project=project,
                item=item,
                user=user,
                kind=Lease.Kind.ANNOTATE,
                expires_at=now + timedelta(seconds=project.lease_seconds),
            )
        tried.append(candidate)
    return None


def _locked_lease(lease_id: int, user: User) -> tuple[Lease, Item]:
    lease = Lease.objects.filter(pk=lease_id, user=user).first()
    if lease is None:
        raise NotFound("No such lease (it was released, used or taken over).", field="lease")
    item = Item.objects.select_for_update().get(pk=lease.item_id)
    return lease, item


@transaction.atomic
def lease_heartbeat(*, lease_id: int, user: User) -> Lease:
    """Extend a lease; an expired one is revived only if nobody else filled its slot."""
    lease, item = _locked_lease(lease_id, user)
    project = Project.objects.get(pk=lease.project_id)
    now = timezone.now()
    if lease.expires_at <= now and lease.kind == Lease.Kind.ANNOTATE:
        others = live_lease_count(item_id=item.pk, exclude_user=user.pk)
        if item.state != Item.State.OPEN or item.annotation_count + others >= project.overlap:
            lease.delete()
            raise Conflict(
                "The lease expired and the item was given to someone else.",
                code="lease_expired",
                field="lease",
            )
    lease.expires_at = now + timedelta(seconds=project.lease_seconds)
    lease.save(update_fields=["expires_at"])
    return lease


@transaction.atomic
def lease_release(*, lease_id: int, user: User) -> None:
    lease, _ = _locked_lease(lease_id, user)
    lease.delete()


@transaction.atomic
def item_skip(*, item_id: int, user: User) -> None:
    """Record that the user passes on this item; it stays available to everyone else."""
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound("No such item.", field="item")
    Skip.objects.get_or_create(item=item, user=user)
    Lease.objects.filter(item=item, user=user, kind=Lease.Kind.ANNOTATE).delete()
