"""Projects and their members."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.request import signed_in
from core.errors import ValidationFailed
from labeling.api.permissions import ProjectRole
from labeling.api.serializers import (
    MemberInSerializer,
    MemberSerializer,
    ProjectCreateSerializer,
    ProjectOutSerializer,
    ProjectUpdateSerializer,
)
from labeling.models import Membership, Project, Role
from labeling.selectors import projects_visible_to
from labeling.services import projects as services


def _project_out(request: Request, project_id: int) -> dict:
    project = projects_visible_to(user=signed_in(request)).get(pk=project_id)
    return ProjectOutSerializer(project).data


class ProjectListView(generics.ListAPIView):
    """The projects the caller is a member of (all projects for site admins); POST creates one."""

    serializer_class = ProjectOutSerializer

    def get_queryset(self) -> QuerySet[Project]:
        return projects_visible_to(user=self.request.user)

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectOutSerializer})
    def post(self, request: Request) -> Response:
        data = ProjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(created_by=signed_in(request), **data.validated_data)
        return Response(_project_out(request, project.pk), status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    permission_classes = [ProjectRole]

    @extend_schema(responses=ProjectOutSerializer)
    def get(self, request: Request, project_id: int) -> Response:
        return Response(_project_out(request, project_id))

    @extend_schema(request=ProjectUpdateSerializer, responses=ProjectOutSerializer)
    def patch(self, request: Request, project_id: int) -> Response:
        data = ProjectUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        services.project_update(
            project=get_object_or_404(Project, pk=project_id),
            label_schema=fields.pop("label_schema", None),
            label_mapping=fields.pop("label_mapping", None),
            data=fields,
        )
        return Response(_project_out(request, project_id))


class MemberListView(generics.ListAPIView):
    """Members and roles; managers add or change one with POST."""

    serializer_class = MemberSerializer
    permission_classes = [ProjectRole]

    def get_queryset(self) -> QuerySet[Membership]:
        return (
            Membership.objects.filter(project_id=self.kwargs["project_id"])
            .select_related("user")
            .order_by("user__username")
        )

    @extend_schema(request=MemberInSerializer, responses={201: MemberSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        data = MemberInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = User.objects.filter(username=data.validated_data["username"]).first()
        if user is None:
            raise ValidationFailed("no user with this username", field="username")
        membership = services.membership_set(
            project=get_object_or_404(Project, pk=project_id),
            user=user,
            role=data.validated_data["role"],
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    permission_classes = [ProjectRole]
    required_role = Role.MANAGER

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, project_id: int, user_id: int) -> Response:
        services.membership_remove(
            project=get_object_or_404(Project, pk=project_id), user_id=user_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
