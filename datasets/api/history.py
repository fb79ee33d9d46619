"""Datasets API: diff of two refs, merges and their conflicts, released versions."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.request import signed_in
from core.errors import ValidationFailed
from datasets.api.views import managed_dataset
from datasets.models import Merge, Version
from datasets.services.diff import diff_page, diff_summary
from datasets.services.merges import merge_create, merge_get, merge_resolve
from datasets.services.versions import version_release
from datasets.stores import get_version_store
from datasets.stores.base import NotFound as StoreNotFound

MAX_PAGE = 200


def _positive(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name, str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ValidationFailed(f"must be a whole number from 1 to {maximum}", field=name)
    return int(raw)


class DiffView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("base", str, default="main"),
            OpenApiParameter("head", str, required=True),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
            OpenApiParameter("summary", bool, description="false skips the full count"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, slug: str) -> Response:
        """What ``head`` changes relative to ``base``: counts, label delta, changed items."""
        dataset = managed_dataset(request, slug)
        base = request.query_params.get("base", "main")
        head = request.query_params.get("head")
        if not head:
            raise ValidationFailed("name the ref to compare, e.g. round-3", field="head")
        page = _positive(request, "page", 1, 10**6)
        size = _positive(request, "page_size", 50, MAX_PAGE)
        store, repo = get_version_store(), dataset.repository
        try:
            commits = {"base": store.resolve(repo, base), "head": store.resolve(repo, head)}
            rows, more = diff_page(
                store, repo, commits["base"], commits["head"], page=page, size=size
            )
            summary = None
            if request.query_params.get("summary", "true") != "false":
                summary = diff_summary(store, repo, commits["base"], commits["head"])
        except StoreNotFound as exc:
            raise ValidationFailed(f"unknown ref: {exc}", field="head") from exc
        return Response(
            {**commits, "summary": summary, "page": page, "has_more": more, "items": rows}
        )


class MergeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Merge
        fields = [
            "id",
            "source",
            "target",
            "message",
            "status",
            "commit",
            "conflicts",
            "created_at",
        ]
        read_only_fields = fields


class MergeInSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=200)  # type: ignore[assignment]  # DRF pops it
    target = serializers.CharField(max_length=200, default="main")
    message = serializers.CharField(required=False, allow_blank=True, default="")


class ResolveInSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(["source", "target"], required=False)
    items = serializers.DictField(child=serializers.CharField(), required=False)


class MergeListView(generics.ListAPIView):
    """Merges of this dataset; POST merges a branch (409 with the conflicting items)."""

    serializer_class = MergeSerializer

    def get_queryset(self) -> QuerySet[Merge]:
        dataset = managed_dataset(self.request, self.kwargs["slug"])
        return Merge.objects.filter(dataset=dataset).order_by("-created_at")

    @extend_schema(request=MergeInSerializer, responses={201: MergeSerializer})
    def post(self, request: Request, slug: str) -> Response:
        dataset = managed_dataset(request, slug)
        data = MergeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merge = merge_create(dataset=dataset, user=signed_in(request), **data.validated_data)
        return Response(MergeSerializer(merge).data, status=status.HTTP_201_CREATED)


class MergeResolveView(APIView):
    @extend_schema(request=ResolveInSerializer, responses=MergeSerializer)
    def post(self, request: Request, slug: str, merge_id: int) -> Response:
        """Pick a side per conflicting item (``items``) and/or for all (``choice``), then merge."""
        dataset = managed_dataset(request, slug)
        data = ResolveInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merge = merge_resolve(
            merge=merge_get(dataset=dataset, merge_id=merge_id),
            user=signed_in(request),
            choice=data.validated_data.get("choice"),
            items=data.validated_data.get("items"),
        )
        return Response(MergeSerializer(merge).data)


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Version
        fields = ["name", "commit", "notes", "counts", "label_histogram", "created_at"]
        read_only_fields = fields


class VersionInSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    ref = serializers.CharField(required=False, default="main", max_length=200)


class VersionListView(generics.ListAPIView):
    """Released versions, newest first; POST releases main's head (or a commit on main)."""

    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[Version]:
        dataset = managed_dataset(self.request, self.kwargs["slug"])
        return Version.objects.filter(dataset=dataset).order_by("-created_at", "-pk")

    @extend_schema(request=VersionInSerializer, responses={201: VersionSerializer})
    def post(self, request: Request, slug: str) -> Response:
        dataset = managed_dataset(request, slug)
        data = VersionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = version_release(dataset=dataset, user=signed_in(request), **data.validated_data)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)
