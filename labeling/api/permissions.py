"""Per-project role checks as DRF permission classes.

Objects outside the user's projects answer 404 (their existence is not disclosed);
members whose role is too low get 403.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from labeling.models import Role
from labeling.selectors import item_role, project_role, project_with_role, role_at_least


class ProjectRole(BasePermission):
    """Require a role in the project named by the view's ``project_id`` (URL kwarg or object).

    ``read_role`` applies to safe methods and ``write_role`` to the rest; views may narrow
    them per action by setting ``required_role``.
    """

    read_role = Role.ANNOTATOR
    write_role = Role.MANAGER
    message = "Your role in this project does not allow this."

    def _required(self, request: Request, view: APIView) -> Role:
        explicit = getattr(view, "required_role", None)
        if explicit is not None:
            return explicit
        return self.read_role if request.method in SAFE_METHODS else self.write_role

    def _check(self, request: Request, view: APIView, project_id: Any) -> bool:
        project, role = project_with_role(user=request.user, project_id=int(project_id))
        if project is None or role is None:
            raise Http404
        view.project = project  # type: ignore[attr-defined]  # saves the view a query
        return role_at_least(role, self._required(request, view))

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        project_id = view.kwargs.get("project_id")
        if project_id is None:
            return True  # checked per object instead
        return self._check(request, view, project_id)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if "project_id" in view.kwargs:
            return True  # already checked in has_permission
        return self._check(request, view, getattr(obj, "project_id", getattr(obj, "pk", None)))


def require_role(request: Request, project_id: int, minimum: Role) -> Role:
    """For views reached by item or annotation id: 404 outside the project, 403 below minimum."""
    role = project_role(user=request.user, project_id=project_id)
    if role is None:
        raise Http404
    if not role_at_least(role, minimum):
        raise PermissionDenied(ProjectRole.message)
    return role


def require_item_role(request: Request, item_id: int, minimum: Role) -> int:
    """Like ``require_role`` for an item; returns its project id. One query."""
    project_id, role = item_role(user=request.user, item_id=item_id)
    if project_id is None or role is None:
        raise Http404
    if not role_at_least(role, minimum):
        raise PermissionDenied(ProjectRole.message)
    return project_id
