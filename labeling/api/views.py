from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import generics

from labeling.api.permissions import ProjectRole
from labeling.api.serializers import ProjectOutSerializer
from labeling.models import Project
from labeling.selectors import projects_visible_to


class ProjectListView(generics.ListAPIView):
    """The projects the caller is a member of (all projects for site admins)."""

    serializer_class = ProjectOutSerializer

    def get_queryset(self) -> QuerySet[Project]:
        return projects_visible_to(user=self.request.user)


class ProjectDetailView(generics.RetrieveAPIView):
    serializer_class = ProjectOutSerializer
    permission_classes = [ProjectRole]

    def get_object(self) -> Project:
        project = get_object_or_404(
            projects_visible_to(user=self.request.user), pk=self.kwargs["project_id"]
        )
        self.check_object_permissions(self.request, project)
        return project
