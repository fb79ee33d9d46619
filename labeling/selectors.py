"""Reads for projects and membership."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Count, OuterRef, QuerySet, Subquery

from labeling.models import ROLE_RANK, Item, Membership, Project, Role

User = AuthUser | AnonymousUser


def is_site_admin(user: User) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_staff", False))


def project_role(*, user: User, project_id: int) -> Role | None:
    """The user's role in the project; site admins act as managers everywhere."""
    if not user.is_authenticated:
        return None
    if is_site_admin(user):
        return Role.MANAGER
    role = (
        Membership.objects.filter(project_id=project_id, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def project_with_role(*, user: User, project_id: int) -> tuple[Project | None, Role | None]:
    """The project and the user's role in it, in one query (the queue's hot path needs both)."""
    if not user.is_authenticated:
        return None, None
    if is_site_admin(user):
        project = Project.objects.filter(pk=project_id).first()
        return project, Role.MANAGER if project else None
    own_role = Membership.objects.filter(project_id=OuterRef("pk"), user_id=user.pk).values("role")
    project = (
        Project.objects.filter(pk=project_id).annotate(member_role=Subquery(own_role[:1])).first()
    )
    if project is None or project.member_role is None:
        return None, None
    return project, Role(project.member_role)


def item_role(*, user: User, item_id: int) -> tuple[int | None, Role | None]:
    """(project id, the user's role there) for an item, in one query."""
    if not user.is_authenticated:
        return None, None
    own_role = Membership.objects.filter(project_id=OuterRef("project_id"), user_id=user.pk)
    row = (
        Item.objects.filter(pk=item_id)
        .annotate(member_role=Subquery(own_role.values("role")[:1]))
        .values_list("project_id", "member_role")
        .first()
    )
    if row is None:
        return None, None
    if is_site_admin(user):
        return row[0], Role.MANAGER
    return row[0], Role(row[1]) if row[1] else None


def role_at_least(role: Role | None, minimum: Role) -> bool:
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]


def projects_visible_to(*, user: User) -> QuerySet[Project]:
    """Projects the user is a member of (all of them for site admins), with role and size."""
    projects = Project.objects.all()
    if not is_site_admin(user):
        projects = projects.filter(memberships__user_id=user.pk or 0)
    own_role = Membership.objects.filter(project_id=OuterRef("pk"), user_id=user.pk or 0).values(
        "role"
    )
    return projects.annotate(
        item_count=Count("items", distinct=True), member_role=Subquery(own_role[:1])
    ).order_by("-created_at", "-pk")
