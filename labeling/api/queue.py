"""The annotator loop: next item, heartbeat, release, submit, skip."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.request import signed_in
from labeling.api.permissions import ProjectRole, require_item_role
from labeling.api.serializers import (
    AnnotationInSerializer,
    AnnotationOutSerializer,
    ItemOutSerializer,
    LeaseSerializer,
    lease_payload,
)
from labeling.models import Project, Role
from labeling.services import annotations as annotation_services
from labeling.services import queue

LeasedItem = inline_serializer(
    "LeasedItem", {"item": ItemOutSerializer(), "lease": LeaseSerializer()}
)


class QueueNextView(APIView):
    """The caller's current item (their live lease) or the next one, leased to them."""

    permission_classes = [ProjectRole]
    required_role = Role.ANNOTATOR
    project: Project  # set by ProjectRole

    @extend_schema(
        request=None,
        responses={200: LeasedItem, 204: OpenApiResponse(description="Nothing left for you.")},
    )
    def post(self, request: Request, project_id: int) -> Response:
        lease = queue.item_lease_next(project=self.project, user=signed_in(request))
        if lease is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(lease_payload(lease))


class LeaseHeartbeatView(APIView):
    @extend_schema(request=None, responses=LeaseSerializer)
    def post(self, request: Request, lease_id: int) -> Response:
        lease = queue.lease_heartbeat(lease_id=lease_id, user=signed_in(request))
        return Response(LeaseSerializer(lease).data)


class LeaseDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, lease_id: int) -> Response:
        queue.lease_release(lease_id=lease_id, user=signed_in(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _item_project(request: Request, item_id: int, minimum: Role) -> int:
    return require_item_role(request, item_id, minimum)


class ItemAnnotationsView(APIView):
    """Submit the caller's annotation of the item (201; 200 for a repeated idempotency key)."""

    @extend_schema(request=AnnotationInSerializer, responses={201: AnnotationOutSerializer})
    def post(self, request: Request, item_id: int) -> Response:
        _item_project(request, item_id, Role.ANNOTATOR)
        data = AnnotationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation, created = annotation_services.annotation_submit(
            item_id=item_id, user=signed_in(request), **data.validated_data
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(AnnotationOutSerializer(annotation).data, status=code)


class ItemSkipView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        description="Pass on this item; it stays in the queue for everyone else.",
    )
    def post(self, request: Request, item_id: int) -> Response:
        _item_project(request, item_id, Role.ANNOTATOR)
        queue.item_skip(item_id=item_id, user=signed_in(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
