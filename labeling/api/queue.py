"""The annotator loop: next item, heartbeat, release, submit, skip."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
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
    annotation_payload,
    lease_payload,
)
from labeling.models import Role
from labeling.selectors import role_at_least
from labeling.services import annotations as annotation_services
from labeling.services import queue

LeasedItem = inline_serializer(
    "LeasedItem", {"item": ItemOutSerializer(), "lease": LeaseSerializer()}
)


def json_response(payload: dict[str, Any], status_code: int = status.HTTP_200_OK) -> HttpResponse:
    """JSON as DRF's JSONRenderer writes it (compact, UTF-8, no NaN), without its machinery.

    The queue's two hot endpoints answer with plain dicts (see serializers.py); rendering
    them through a DRF Response would only add negotiation and renderer overhead.
    """
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return HttpResponse(body.encode(), status=status_code, content_type="application/json")


class QueueNextView(APIView):
    """The caller's current item (their live lease) or the next one, leased to them."""

    # ProjectRole's checks, with the project read in the same (hand-written) query.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: LeasedItem, 204: OpenApiResponse(description="Nothing left for you.")},
    )
    def post(self, request: Request, project_id: int) -> HttpResponse:
        user = signed_in(request)
        project, role = queue.queue_project(project_id=project_id, user=user)
        if project is None or role is None:
            raise Http404
        if not role_at_least(role, Role.ANNOTATOR):
            raise PermissionDenied(ProjectRole.message)
        lease = queue.item_lease_next(project=project, user=user)
        if lease is None:
            return HttpResponse(status=status.HTTP_204_NO_CONTENT)
        return json_response(lease_payload(lease))


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
    def post(self, request: Request, item_id: int) -> HttpResponse:
        data = AnnotationInSerializer(data=request.data)
        if not data.is_valid():
            # Outsiders learn nothing from a bad body: the role check answers them first.
            _item_project(request, item_id, Role.ANNOTATOR)
            data.is_valid(raise_exception=True)
        # The service checks the role in the statement that locks the item (one query less).
        annotation, created = annotation_services.annotation_submit(
            item_id=item_id,
            user=signed_in(request),
            minimum_role=Role.ANNOTATOR,
            **data.validated_data,
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return json_response(annotation_payload(annotation), code)


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
