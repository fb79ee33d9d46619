"""The labeling queue: lease the next item, keep it alive, give it back, skip it.

Correctness under concurrency (DESIGN.md "The queue", RELIABILITY.md 0.4): the candidate
row is taken with ``FOR UPDATE SKIP LOCKED``, its capacity is counted again in a new
statement while the lock is held, and every writer that changes an item's capacity locks
the item row first. Constraints back the rest: one lease row per user, project and kind;
one annotation per user and item. On SQLite, IMMEDIATE transactions serialise writers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.errors import Conflict, NotFound
from labeling.models import Item, Lease, Project, Role, Skip

# Candidates tried per call before concluding the queue is empty for this user; each
# miss means another transaction filled the item between our scan and our lock.
MAX_TRIES = 5


def live_lease_count(
    *, item_id: int, kind: str = Lease.Kind.ANNOTATE, exclude_user: int | None = None
) -> int:
    leases = Lease.objects.filter(item_id=item_id, kind=kind, expires_at__gt=timezone.now())
    if exclude_user is not None:
        leases = leases.exclude(user_id=exclude_user)
    return leases.count()


# The hot path is hand-written SQL: the ORM spent more time building these statements than
# PostgreSQL spent running them (W2 in bench/README.md). Shared by PostgreSQL and SQLite;
# only the row lock differs, since SQLite's IMMEDIATE transactions already serialise writers.
#
# Two shapes keep the pick's cost flat however many items are done (bench W2):
# - sequential order reads the open items of the project through item_queue_sequential as a
#   row-value range ordered by all its columns. With plain equalities PostgreSQL takes the
#   primary key instead (to its statistics, taken before anyone annotated, every item is
#   open) and filters out every done item, one heap visit each, on every call.
# - the NOT EXISTS subqueries carry OFFSET 0 on PostgreSQL so that they stay per-row index
#   probes of the few candidates visited; turned into anti-joins they were merge joins over
#   all of the user's annotations.
_SUBQUERY = {"postgresql": " OFFSET 0"}
_OPEN_ITEMS = {
    Project.Order.SEQUENTIAL: (
        "(i.project_id, i.state, i.id) > (%(project)s, 'open', 0)"
        " AND (i.project_id, i.state) <= (%(project)s, 'open')",
        "i.project_id, i.state, i.id",
    ),
    Project.Order.PRIORITY: (
        "i.project_id = %(project)s AND i.state = 'open'",
        "i.priority DESC, i.id",
    ),
    Project.Order.RANDOM: (
        "i.project_id = %(project)s AND i.state = 'open'",
        "i.order_key, i.id",
    ),
}
_ITEM_COLUMNS = ", ".join(f"i.{f.column}" for f in Item._meta.concrete_fields if not f.generated)
_OWN_LEASE = (
    "SELECT 1 FROM labeling_lease o WHERE o.project_id = %(project)s AND o.user_id = %(user)s"
    " AND o.kind = 'annotate'"
)


def _not_done_by_user(end: str) -> str:
    """Items the user already annotated or skipped are never offered to them again."""
    return (
        " AND NOT EXISTS (SELECT 1 FROM labeling_annotation a"  # noqa: S608
        f" WHERE a.item_id = i.id AND a.user_id = %(user)s{end})"
        " AND NOT EXISTS (SELECT 1 FROM labeling_skip s"
        f" WHERE s.item_id = i.id AND s.user_id = %(user)s{end})"
    )


_LIVE_LEASES = (
    "SELECT {what} FROM labeling_lease l"
    " WHERE l.item_id = i.id AND l.kind = 'annotate' AND l.expires_at > %(now)s"
)


def _has_room(overlap: int, end: str) -> str:
    if overlap == 1:  # an anti-join on live leases is cheaper than counting them
        return f" AND NOT EXISTS ({_LIVE_LEASES.format(what='1')}{end})"
    return f" AND i.annotation_count + ({_LIVE_LEASES.format(what='count(*)')}) < %(overlap)s"


def _pick_sql(project: Project, tried: int) -> str:
    """The best candidate for the user, row-locked; none while the user holds a live lease.

    Folding the user's own lease into this statement (evaluated once, not per row) keeps the
    usual call at two statements: this one and the lease insert. ``has_expired_lease`` says
    whether the user's one lease row must go first (no live lease passed the filter).
    """
    postgres = connection.vendor == "postgresql"
    end = _SUBQUERY.get(connection.vendor, "")
    where, order_by = _OPEN_ITEMS[Project.Order(project.order)]
    tried_sql = "".join(f", %(tried{n})s" for n in range(tried))
    return (
        f"SELECT {_ITEM_COLUMNS}, EXISTS ({_OWN_LEASE}) AS has_expired_lease"  # noqa: S608
        f" FROM labeling_item i WHERE {where}"
        f" AND NOT EXISTS ({_OWN_LEASE} AND o.expires_at > %(now)s)"
        f"{_not_done_by_user(end)}{_has_room(project.overlap, end)}"
        + (f" AND i.id NOT IN (-1{tried_sql})" if tried else "")
        + f" ORDER BY {order_by} LIMIT 1"
        + (" FOR UPDATE OF i SKIP LOCKED" if postgres else "")
    )


# A new statement, so under Read Committed it sees every lease and annotation committed
# before it began; the item row is ours (locked), so its counters cannot move meanwhile.
_TAKE_SQL = (
    "INSERT INTO labeling_lease (project_id, item_id, user_id, kind, expires_at, created_at)"  # noqa: S608
    " SELECT %(project)s, i.id, %(user)s, 'annotate', %(expires)s, %(now)s"
    " FROM labeling_item i WHERE i.id = %(item)s AND i.state = 'open'"
    f" AND i.annotation_count + ({_LIVE_LEASES.format(what='count(*)')}) < %(overlap)s"
    f"{_not_done_by_user('')}"
    " RETURNING id"
)
# An expired lease no longer counts; it only holds the user's one lease row.
_DROP_EXPIRED_SQL = (
    "DELETE FROM labeling_lease WHERE project_id = %(project)s AND user_id = %(user)s"
    " AND kind = 'annotate' AND expires_at <= %(now)s"
)


def queue_project(*, project_id: int, user: User) -> tuple[Project | None, Role | None]:
    """The project's queue settings and the user's role there (site admins: manager).

    One hand-written query for the queue's hot path; the project's other fields are
    deferred (loaded on first access).
    """
    projects = Project.objects.raw(
        'SELECT p.id, p.overlap, p.lease_seconds, p."order", (SELECT m.role'
        " FROM labeling_membership m WHERE m.project_id = p.id AND m.user_id = %s) AS member_role"
        " FROM labeling_project p WHERE p.id = %s",
        [user.pk, project_id],
    )
    project = next(iter(projects), None)
    if project is None:
        return None, None
    role = project.member_role  # type: ignore[attr-defined]  # a column of the query
    return project, Role.MANAGER if user.is_staff else (Role(role) if role else None)


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
            lease = _lease_next(project, user)
        except IntegrityError:
            # A concurrent call by the same user won the one-lease constraint; theirs is ours.
            continue
        return lease or _own_lease(project, user, Lease.Kind.ANNOTATE)
    return _own_lease(project, user, Lease.Kind.ANNOTATE)


@transaction.atomic
def _lease_next(project: Project, user: User) -> Lease | None:
    """Lease a new item; None when the queue is empty for the user or they hold a live lease."""
    now = timezone.now()
    expires = now + timedelta(seconds=project.lease_seconds)
    params: dict[str, Any] = {
        "project": project.pk,
        "user": user.pk,
        "now": now,
        "overlap": project.overlap,
        "expires": expires,
    }
    tried: list[int] = []
    for _ in range(MAX_TRIES):
        params.update({f"tried{n}": pk for n, pk in enumerate(tried)})
        picked = list(Item.objects.raw(_pick_sql(project, len(tried)), params))
        if not picked:
            return None
        item = picked[0]
        with connection.cursor() as cursor:
            if item.has_expired_lease:  # type: ignore[attr-defined]  # a column of the pick
                cursor.execute(_DROP_EXPIRED_SQL, params)  # later picks here see it gone
            cursor.execute(_TAKE_SQL, {**params, "item": item.pk})
            row = cursor.fetchone()
        if row is not None:
            return Lease(
                pk=row[0],
                project=project,
                item=item,
                user=user,
                kind=Lease.Kind.ANNOTATE,
                expires_at=expires,
                created_at=now,
            )
        # Another transaction filled the item between our scan and our lock.
        tried.append(item.pk)
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
