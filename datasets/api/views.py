"""Datasets API: create and read datasets, list, create and delete branches, start snapshots."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.jobs import JobSerializer
from core.api.request import signed_in
from datasets.models import Dataset
from datasets.services.datasets import (
    branch_create,
    branch_delete,
    dataset_create,
    require_dataset_manager,
)
from datasets.services.snapshots import snapshot_start
from datasets.stores import get_version_store
from datasets.stores.base import NotFound as StoreNotFound
from labeling.models import Membership, Project, Role
from labeling.selectors import is_site_admin


class DatasetSerializer(serializers.ModelSerializer):
    projects: serializers.PrimaryKeyRelatedField[Project] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Dataset
        fields = ["slug", "name", "description", "projects", "split_ratios", "created_at"]
        read_only_fields = fields


class DatasetInSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=63)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    projects = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class SnapshotInSerializer(serializers.Serializer):
    branch = serializers.CharField(max_length=200)
    from_ref = serializers.CharField(max_length=200, required=False)
    message = serializers.CharField(required=False, allow_blank=True, default="")
    projects = serializers.ListField(child=serializers.IntegerField(), required=False)
    include = serializers.ChoiceField(["accepted", "completed"], default="accepted")

    def to_internal_value(self, data: object) -> dict:
        # "from" is the documented field name but a Python keyword.
        if isinstance(data, dict) and "from" in data:
            data = {**data, "from_ref": data["from"]}
        return super().to_internal_value(data)


def managed_dataset(request: Request, slug: str) -> Dataset:
    dataset = get_object_or_404(Dataset, slug=slug)
    require_dataset_manager(user=signed_in(request), dataset=dataset)
    return dataset


class DatasetListView(generics.ListAPIView):
    """Datasets whose source projects you manage; POST creates one."""

    serializer_class = DatasetSerializer

    def get_queryset(self) -> QuerySet[Dataset]:
        user = signed_in(self.request)
        datasets = Dataset.objects.order_by("slug")
        if is_site_admin(user):
            return datasets
        managed = Membership.objects.filter(user=user, role=Role.MANAGER).values("project_id")
        return datasets.filter(projects__in=managed).distinct()

    @extend_schema(request=DatasetInSerializer, responses={201: DatasetSerializer})
    def post(self, request: Request) -> Response:
        data = DatasetInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dataset = dataset_create(
            slug=values["slug"],
            name=values["name"],
            description=values["description"],
            project_ids=values["projects"],
            created_by=signed_in(request),
        )
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)


class DatasetDetailView(APIView):
    @extend_schema(responses=DatasetSerializer)
    def get(self, request: Request, slug: str) -> Response:
        return Response(DatasetSerializer(managed_dataset(request, slug)).data)


class BranchSerializer(serializers.Serializer):
    name = serializers.CharField()
    commit = serializers.CharField()


class BranchInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    from_ref = serializers.CharField(max_length=200, required=False, default="main")

    def to_internal_value(self, data: object) -> dict:
        # "from" is the documented field name but a Python keyword.
        if isinstance(data, dict) and "from" in data:
            data = {**data, "from_ref": data["from"]}
        return super().to_internal_value(data)


class BranchListView(APIView):
    @extend_schema(responses=BranchSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        dataset = managed_dataset(request, slug)
        try:
            refs = list(get_version_store().list_branches(dataset.repository))
        except StoreNotFound:
            refs = []  # nothing snapshotted yet: the repository is made by the first snapshot
        return Response(
            [
                {"name": ref.name, "commit": ref.commit_id}
                for ref in refs
                if not ref.name.startswith("annolake-job-")
            ]
        )

    @extend_schema(request=BranchInSerializer, responses={201: BranchSerializer})
    def post(self, request: Request, slug: str) -> Response:
        """Create a branch (a labeling round) at a branch, tag or commit; ``from`` is main."""
        dataset = managed_dataset(request, slug)
        data = BranchInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ref = branch_create(dataset=dataset, name=values["name"], source=values["from_ref"])
        return Response({"name": ref.name, "commit": ref.commit_id}, status=status.HTTP_201_CREATED)


class BranchDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, branch: str) -> Response:
        """Delete a branch; not main, not a snapshot job's, not one a snapshot is writing."""
        branch_delete(dataset=managed_dataset(request, slug), name=branch)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SnapshotView(APIView):
    @extend_schema(
        request=SnapshotInSerializer,
        responses={202: inline_serializer("SnapshotStarted", {"job": JobSerializer()})},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Snapshot the source projects' final labels onto a branch (a background job)."""
        dataset = managed_dataset(request, slug)
        data = SnapshotInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        job = snapshot_start(
            dataset=dataset,
            branch=values["branch"],
            message=values["message"],
            created_by=signed_in(request),
            source=values.get("from_ref"),
            project_ids=values.get("projects"),
            include=values["include"],
        )
        return Response({"job": JobSerializer(job).data}, status=status.HTTP_202_ACCEPTED)
