"""Items: details, ground truth, media, the items browser, project stats."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound, ValidationFailed
from labeling.api.permissions import ProjectRole, require_role
from labeling.api.serializers import (
    GroundTruthSerializer,
    ItemManagerSerializer,
    ItemOutSerializer,
)
from labeling.media import CONTENT_TYPES
from labeling.models import Item, Project, Role, media_key, thumbnail_key
from labeling.selectors import role_at_least
from labeling.services.ground_truth import item_set_ground_truth
from labeling.stats import project_stats


class ItemDetailView(APIView):
    @extend_schema(responses=ItemManagerSerializer)
    def get(self, request: Request, item_id: int) -> Response:
        item = get_object_or_404(Item, pk=item_id)
        role = require_role(request, item.project_id, Role.ANNOTATOR)
        serializer = (
            ItemManagerSerializer if role_at_least(role, Role.MANAGER) else ItemOutSerializer
        )
        return Response(serializer(item).data)

    @extend_schema(request=GroundTruthSerializer, responses=ItemManagerSerializer)
    def patch(self, request: Request, item_id: int) -> Response:
        """Mark the item as ground truth with its known answer (null to unmark)."""
        item = get_object_or_404(Item, pk=item_id)
        require_role(request, item.project_id, Role.MANAGER)
        data = GroundTruthSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_set_ground_truth(
            item_id=item.pk, ground_truth=data.validated_data["ground_truth"]
        )
        return Response(ItemManagerSerializer(item).data)


def _serve(request: Request, item_id: int, *, thumbnail: bool) -> HttpResponseBase:
    item = get_object_or_404(Item, pk=item_id)
    require_role(request, item.project_id, Role.ANNOTATOR)
    if not item.media_sha256 or (thumbnail and not item.has_thumbnail):
        raise NotFound("This item has no such image.", field="item")
    key = (
        thumbnail_key(item.media_sha256)
        if thumbnail
        else media_key(item.media_sha256, item.media_ext)
    )
    content_type = "image/webp" if thumbnail else CONTENT_TYPES[item.media_ext]
    if not isinstance(storages["default"], FileSystemStorage):
        # Object storage serves the bytes itself, through a short-lived signed URL.
        return HttpResponseRedirect(default_storage.url(key))
    response = FileResponse(default_storage.open(key, "rb"), content_type=content_type)
    # Content-addressed, so the bytes behind this URL never change.
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["ETag"] = f'"{item.media_sha256}{"-t" if thumbnail else ""}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Content-Disposition"] = (
        f'inline; filename="{item.pk}.{"webp" if thumbnail else item.media_ext}"'
    )
    return response


class ItemMediaView(APIView):
    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, item_id: int) -> HttpResponseBase:
        return _serve(request, item_id, thumbnail=False)


class ItemThumbnailView(APIView):
    @extend_schema(responses={(200, "image/webp"): OpenApiTypes.BINARY})
    def get(self, request: Request, item_id: int) -> HttpResponseBase:
        return _serve(request, item_id, thumbnail=True)


class ProjectItemsView(generics.ListAPIView):
    """The items browser: filter by state, by an annotator's work, by agreement."""

    serializer_class = ItemOutSerializer
    permission_classes = [ProjectRole]
    required_role = Role.REVIEWER

    @extend_schema(
        parameters=[
            OpenApiParameter("state", enum=Item.State.values),
            OpenApiParameter("annotator", int),
            OpenApiParameter("agreement_below", float),
            OpenApiParameter("ground_truth", bool),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Item]:
        items = Item.objects.filter(project_id=self.kwargs["project_id"])
        params = self.request.query_params
        allowed = {"state", "annotator", "agreement_below", "ground_truth", "page", "page_size"}
        unknown = set(params) - allowed
        if unknown:
            raise ValidationFailed("unknown filter", field=sorted(unknown)[0])
        if "state" in params:
            if params["state"] not in Item.State.values:
                raise ValidationFailed("must be open, submitted or done", field="state")
            items = items.filter(state=params["state"])
        if "annotator" in params:
            if not params["annotator"].isdigit():
                raise ValidationFailed("must be a user id", field="annotator")
            items = items.filter(annotations__user_id=int(params["annotator"]))
        if "agreement_below" in params:
            try:
                items = items.filter(agreement__lt=float(params["agreement_below"]))
            except ValueError as exc:
                raise ValidationFailed("must be a number", field="agreement_below") from exc
        if "ground_truth" in params:
            items = items.filter(ground_truth__isnull=params["ground_truth"] not in {"1", "true"})
        return items.order_by("id")


class ProjectStatsView(APIView):
    permission_classes = [ProjectRole]
    required_role = Role.REVIEWER

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, project_id: int) -> Response:
        """Counts by state, per-annotator throughput, lead time, agreement and ground-truth
        scores, and the label histogram."""
        project = get_object_or_404(Project, pk=project_id)
        return Response(project_stats(project))
