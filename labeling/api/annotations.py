"""Annotations: read, edit, revisions, history, and the review queue and verdicts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.request import signed_in
from core.errors import ValidationFailed
from labeling.api.permissions import ProjectRole, require_role
from labeling.api.serializers import (
    AnnotationOutSerializer,
    AnnotationPatchSerializer,
    ItemOutSerializer,
    LeaseSerializer,
    ReviewInSerializer,
    RevisionSerializer,
    lease_payload,
)
from labeling.models import Annotation, Project, Role
from labeling.selectors import role_at_least
from labeling.services import review as review_services
from labeling.services.annotations import annotation_update

ANNOTATION_FILTERS = ("status", "user", "item")


def _visible_annotation(request: Request, annotation_id: int) -> Annotation:
    """Annotators see their own; reviewers and managers see the project's."""
    annotation = get_object_or_404(
        Annotation.objects.select_related("user", "reviewed_by", "item"), pk=annotation_id
    )
    role = require_role(request, annotation.project_id, Role.ANNOTATOR)
    if annotation.user_id != request.user.pk and not role_at_least(role, Role.REVIEWER):
        raise Http404  # others' work is not disclosed to annotators
    return annotation


class AnnotationDetailView(APIView):
    @extend_schema(responses=AnnotationOutSerializer)
    def get(self, request: Request, annotation_id: int) -> Response:
        return Response(AnnotationOutSerializer(_visible_annotation(request, annotation_id)).data)

    @extend_schema(request=AnnotationPatchSerializer, responses=AnnotationOutSerializer)
    def patch(self, request: Request, annotation_id: int) -> Response:
        if _visible_annotation(request, annotation_id).user_id != signed_in(request).pk:
            raise Http404  # only the author edits; reviewers use the review endpoint
        data = AnnotationPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = annotation_update(
            annotation_id=annotation_id, user=signed_in(request), **data.validated_data
        )
        return Response(AnnotationOutSerializer(annotation).data)


class AnnotationRevisionsView(generics.ListAPIView):
    serializer_class = RevisionSerializer

    def get_queryset(self) -> QuerySet:
        annotation = _visible_annotation(self.request, self.kwargs["annotation_id"])
        return annotation.revisions.select_related("author").order_by("number")


class ProjectAnnotationsView(generics.ListAPIView):
    """Annotations of a project, newest first. Annotators get only their own (their history,
    with reviewers' comments); reviewers and managers may filter by status, user and item."""

    serializer_class = AnnotationOutSerializer
    permission_classes = [ProjectRole]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", enum=Annotation.Status.values),
            OpenApiParameter("user", int),
            OpenApiParameter("item", int),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Annotation]:
        annotations = Annotation.objects.filter(project_id=self.kwargs["project_id"])
        role = require_role(self.request, self.kwargs["project_id"], Role.ANNOTATOR)
        if not role_at_least(role, Role.REVIEWER):
            annotations = annotations.filter(user=signed_in(self.request))
        params = self.request.query_params
        unknown = set(params) - {*ANNOTATION_FILTERS, "page", "page_size"}
        if unknown:
            raise ValidationFailed(
                f"unknown filter; use {', '.join(ANNOTATION_FILTERS)}", field=sorted(unknown)[0]
            )
        if "status" in params:
            if params["status"] not in Annotation.Status.values:
                raise ValidationFailed("must be pending, accepted or rejected", field="status")
            annotations = annotations.filter(status=params["status"])
        for name in ("user", "item"):
            if name in params:
                if not params[name].isdigit():
                    raise ValidationFailed("must be an id", field=name)
                annotations = annotations.filter(**{f"{name}_id": int(params[name])})
        return annotations.select_related("user", "reviewed_by", "item").order_by(
            "-created_at", "-pk"
        )


ReviewItem = inline_serializer(
    "ReviewItem",
    {
        "item": ItemOutSerializer(),
        "lease": LeaseSerializer(),
        "annotations": AnnotationOutSerializer(many=True),
    },
)


class ReviewNextView(APIView):
    """The next item awaiting review with its annotations, leased to the reviewer."""

    permission_classes = [ProjectRole]
    required_role = Role.REVIEWER

    @extend_schema(
        request=None,
        responses={200: ReviewItem, 204: OpenApiResponse(description="Nothing to review.")},
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = get_object_or_404(Project, pk=project_id)
        lease = review_services.item_lease_review(project=project, reviewer=signed_in(request))
        if lease is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        annotations = (
            lease.item.annotations.exclude(status=Annotation.Status.REJECTED)
            .select_related("user", "reviewed_by", "item")
            .order_by("created_at", "pk")
        )
        return Response(
            {
                **lease_payload(lease),
                "annotations": AnnotationOutSerializer(annotations, many=True).data,
            }
        )


class AnnotationReviewView(APIView):
    @extend_schema(request=ReviewInSerializer, responses=AnnotationOutSerializer)
    def post(self, request: Request, annotation_id: int) -> Response:
        annotation = get_object_or_404(Annotation.objects.only("project_id"), pk=annotation_id)
        require_role(request, annotation.project_id, Role.REVIEWER)
        data = ReviewInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reviewed = review_services.annotation_review(
            annotation_id=annotation_id, reviewer=signed_in(request), **data.validated_data
        )
        return Response(AnnotationOutSerializer(reviewed).data)
