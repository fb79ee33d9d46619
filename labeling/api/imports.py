"""Import endpoints: items (text rows, images, bucket sources) and pre-annotations.

Raw bodies are read from ``request.stream`` by the services, chunk by chunk; ``request.body``
and DRF's ``request.data`` are never touched for them, since both hold the whole body in
memory (and Django would refuse anything above DATA_UPLOAD_MAX_MEMORY_SIZE). Multipart
uploads are spooled to temporary files by Django's upload handlers. The Content-Length is
checked against IMPORT_MAX_BYTES before anything is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.jobs import JobSerializer
from core.errors import ValidationFailed
from core.models import Job
from labeling.api.permissions import ProjectRole
from labeling.imports import jsonstream
from labeling.imports.streams import LimitedReader
from labeling.imports.textformats import ITEM_FORMATS, PRE_ANNOTATION_FORMATS
from labeling.models import Project, Role
from labeling.services.imports import (
    check_size,
    import_images_request,
    import_source_request,
    import_text_request,
    preannotations_import,
)

MAX_SOURCE_SPEC_BYTES = 64 * 1024
_FORMAT = OpenApiParameter(
    "format", str, enum=["json", "jsonl", "csv", "coco"], required=False,
    description="Overrides the format told by Content-Type or the file extension.",
)  # fmt: skip


class JsonOnly(BaseContentNegotiation):
    """Answer JSON; ``?format=`` names the input's format here, not the response's renderer."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next((p for p in parsers if request.content_type.startswith(p.media_type)), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def _content_length(request: Request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError as exc:
        raise ValidationFailed("the Content-Length header is not a number") from exc


def _is_multipart(request: Request) -> bool:
    return request.content_type.lower().startswith("multipart/form-data")


def _uploaded(request: Request, *, single: bool) -> list[Any]:
    files = request.FILES.getlist("file")
    if not files or (single and len(files) != 1):
        what = "one file" if single else "one or more files"
        raise ValidationFailed(f"upload {what} in the multipart field 'file'", field="file")
    for upload in files:
        upload.seek(0)
    return files


def _raw_stream(request: Request, size: int) -> Any:
    stream = request.stream
    if stream is None or size == 0:
        raise ValidationFailed("the request body is empty")
    return stream


class _ImportView(APIView):
    """Managers only; JSON answers; the body's size is checked before anything reads it."""

    permission_classes = [ProjectRole]
    required_role = Role.MANAGER
    parser_classes = [MultiPartParser]  # other bodies are streamed by hand, never parsed
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before authentication: its CSRF check parses a multipart body (to temporary files).
        check_size(_content_length(request))
        super().initial(request, *args, **kwargs)


def _answer(outcome: dict[str, Any] | Job) -> Response:
    if isinstance(outcome, Job):
        return Response({"job": JobSerializer(outcome).data}, status=202)
    return Response(outcome, status=201)


class ProjectImportView(_ImportView):
    """Add items: text rows, images (files or zips), or everything under a bucket prefix."""

    @extend_schema(
        parameters=[_FORMAT],
        request={
            "application/json": OpenApiTypes.OBJECT,
            "application/x-ndjson": OpenApiTypes.STR,
            "text/csv": OpenApiTypes.STR,
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
        },
        responses={
            201: OpenApiResponse(OpenApiTypes.OBJECT, description="The import report."),
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="A job imports it."),
        },
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = get_object_or_404(Project, pk=project_id)
        size = _content_length(request)
        fmt = request.query_params.get("format")
        if _is_multipart(request) and project.kind == Project.Kind.TEXT:
            (upload,) = _uploaded(request, single=True)
            fmt = ITEM_FORMATS.pick(fmt, upload.content_type or "", upload.name)
            outcome = import_text_request(
                project=project, stream=upload, size=upload.size, fmt=fmt, user=request.user
            )
        elif _is_multipart(request):
            files = _uploaded(request, single=False)
            parts = [(upload.name or "", upload) for upload in files]
            total = sum(upload.size or 0 for upload in files)
            outcome = import_images_request(
                project=project, parts=parts, size=total, user=request.user
            )
        elif project.kind == Project.Kind.IMAGE:
            spec = _source_spec(_raw_stream(request, size))
            outcome = import_source_request(
                project=project,
                source=spec.get("source"),
                prefix=spec.get("prefix", ""),
                user=request.user,
            )
        else:
            fmt = ITEM_FORMATS.pick(fmt, request.content_type, None)
            outcome = import_text_request(
                project=project,
                stream=_raw_stream(request, size),
                size=size,
                fmt=fmt,
                user=request.user,
            )
        return _answer(outcome)


def _source_spec(stream: Any) -> dict[str, Any]:
    reader = LimitedReader(stream, MAX_SOURCE_SPEC_BYTES)
    try:
        spec = jsonstream.loads(b"".join(reader.chunks()).decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ValidationFailed(
            'image projects import files (multipart field "file") or a JSON object'
            ' {"source", "prefix"}; this body is neither'
        ) from exc
    if not isinstance(spec, dict):
        raise ValidationFailed('must be a JSON object {"source": ..., "prefix": ...}')
    return spec


class ProjectPreannotationsView(_ImportView):
    """Set items' pre-annotations from our JSON Lines or (image projects) COCO instances."""

    @extend_schema(
        parameters=[_FORMAT],
        request={
            "application/json": OpenApiTypes.OBJECT,
            "application/x-ndjson": OpenApiTypes.STR,
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
        },
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The report.")},
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = get_object_or_404(Project, pk=project_id)
        size = _content_length(request)
        fmt = request.query_params.get("format")
        if _is_multipart(request):
            (upload,) = _uploaded(request, single=True)
            fmt = PRE_ANNOTATION_FORMATS.pick(fmt, upload.content_type or "", upload.name)
            stream = upload
        else:
            fmt = PRE_ANNOTATION_FORMATS.pick(fmt, request.content_type, None)
            stream = _raw_stream(request, size)
        return Response(preannotations_import(project=project, stream=stream, fmt=fmt))
