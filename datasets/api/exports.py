"""What training jobs read: exports of a version, its manifest and its raw objects.

Every view here accepts a manager (session or token) or a read token of this dataset
(``Authorization: Bearer alk_...``). A ref is a tag, a commit id, or a branch resolved to its
commit at request time; everything served is then immutable, hence strong ETags, ``304`` to
``If-None-Match`` and ``Range`` requests for resuming.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO, cast
from urllib.parse import quote, urlencode

from django.core.files.storage import default_storage
from django.http import HttpResponseBase, HttpResponseNotModified, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from core.api.negotiation import FileNegotiation
from core.api.ranges import ranged_response, seekable_opener
from core.errors import NotFound, ValidationFailed
from datasets.api.auth import read_token_dataset
from datasets.api.views import managed_dataset
from datasets.exporters import get_exporter
from datasets.models import Dataset
from datasets.services.exports import (
    ExportRequest,
    export_build,
    export_cached,
    export_request,
    export_stream,
    version_commit,
)
from datasets.services.manifests import export_files, version_files
from datasets.stores import get_version_store
from datasets.stores.base import InvalidRequest, ObjectInfo
from datasets.stores.base import NotFound as StoreNotFound

IMMUTABLE = "private, max-age=31536000, immutable"
FORMATS = ["jsonl", "csv", "coco", "yolo", "parquet"]

_EXPORT_PARAMETERS = [
    OpenApiParameter(
        "format", str, enum=FORMATS, default="jsonl", description="the training format"
    ),
    OpenApiParameter(
        "split",
        str,
        enum=["train", "val", "test"],
        description="only this split (by a hash of each item's stable id; ratios on the dataset)",
    ),
    OpenApiParameter("include_media", bool, description="coco/yolo: a zip with the images as well"),
]
_REF = OpenApiParameter(
    "ref", str, OpenApiParameter.PATH, description="a tag (v1), a commit id or a branch"
)
_BINARY = {
    (200, "application/octet-stream"): OpenApiTypes.BINARY,
    (206, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="the byte range asked for with Range: bytes=N-"
    ),
    304: OpenApiResponse(description="If-None-Match matched the ETag: nothing changed"),
}


def readable_dataset(request: Request, slug: str) -> Dataset:
    """This dataset's read token, or a manager of it."""
    return read_token_dataset(request, slug) or managed_dataset(request, slug)


def _export_request(request: Request, dataset: Dataset, ref: str) -> ExportRequest:
    params = request.query_params
    return export_request(
        dataset=dataset,
        ref=ref,
        fmt=params.get("format", "jsonl"),
        split=params.get("split") or None,
        media=_flag(params.get("include_media"), "include_media"),
    )


def _flag(raw: str | None, field: str) -> bool:
    if raw in (None, "", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise ValidationFailed("must be 1 or 0 (true or false)", field=field)


def _check_object_path(path: str) -> None:
    """A version's paths are plain relative ones (the canonical layout); store keys are opaque,
    so ``..`` could not escape anything, but a path that looks like it never names a file."""
    if "\\" in path or "\x00" in path or any(part in ("", ".", "..") for part in path.split("/")):
        raise ValidationFailed("use a relative path without '.', '..' or empty parts", field="path")


def _immutable(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    response["ETag"] = etag
    response["Cache-Control"] = IMMUTABLE
    return response


class ExportView(APIView):
    permission_classes = [AllowAny]  # readable_dataset decides
    content_negotiation_class = FileNegotiation

    @extend_schema(
        operation_id="datasets_export",
        parameters=[_REF, *_EXPORT_PARAMETERS],
        responses=_BINARY,
        examples=[
            OpenApiExample(
                "JSONL line",
                response_only=True,
                media_type="application/octet-stream",
                value='{"annotations":[...],"external_id":"r-1","id":17,"kind":"text",'
                '"label":[{"control":"label","labels":["A"],"type":"class"}],"project":3,...}',
            )
        ],
    )
    def get(self, request: Request, slug: str, ref: str) -> HttpResponseBase:
        """The version at ``ref`` in a training format, streamed.

        The first request of a (commit, format, options) streams while the export is built;
        later ones are served from the built file with ``Content-Length`` and ``Range``
        support. Example: ``curl -H "Authorization: Bearer alk_..."
        "$SERVER/api/datasets/reviews/refs/v3/export?format=parquet&split=train"``.
        """
        dataset = readable_dataset(request, slug)
        wanted = _export_request(request, dataset, ref)
        if request.headers.get("If-None-Match") == wanted.etag:
            return _immutable(HttpResponseNotModified(), wanted.etag)
        exporter = get_exporter(wanted.fmt)
        content_type = exporter.content_type_for(with_media=wanted.media)
        filename = f"{slug}-{wanted.commit[:12]}.{wanted.filename.rsplit('.', 1)[1]}"
        built = export_cached(wanted)
        if built is None and "Range" in request.headers:
            built = export_build(dataset=dataset, request=wanted)
        if built is None:
            response: HttpResponseBase = StreamingHttpResponse(
                export_stream(dataset=dataset, request=wanted), content_type=content_type
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        else:
            key = built.key
            response = ranged_response(
                request,
                seekable_opener(lambda: cast(BinaryIO, default_storage.open(key, "rb"))),
                size=built.size,
                etag=wanted.etag,
                content_type=content_type,
                filename=filename,
            )
        return _immutable(response, wanted.etag)


def _object_url_base(slug: str, commit: str) -> str:
    return reverse("dataset-object", kwargs={"slug": slug, "ref": commit, "path": "x"})[:-1]


def _manifest_lines(head: dict[str, Any], files: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    """The manifest as JSON, one file per line, written as the file list is read."""
    yield (json.dumps(head)[:-1] + ', "files": [\n').encode()
    separator = ""
    for entry in files:
        yield (separator + json.dumps(entry)).encode()
        separator = ",\n"
    yield b"\n]}\n"


class ManifestView(APIView):
    permission_classes = [AllowAny]  # readable_dataset decides
    content_negotiation_class = FileNegotiation

    @extend_schema(
        operation_id="datasets_manifest",
        parameters=[
            _REF,
            *[
                OpenApiParameter(p.name, p.type, enum=p.enum, description=p.description)
                for p in _EXPORT_PARAMETERS
            ],
        ],
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "A version's files",
                response_only=True,
                value={
                    "dataset": "reviews",
                    "ref": "v3",
                    "commit": "9f2c4e...",
                    "format": None,
                    "split": None,
                    "include_media": False,
                    "files": [
                        {
                            "path": "annolake.json",
                            "size": 1412,
                            "sha256": "5d41402abc4b2a76b9719d911017c592...",
                            "url": "/api/datasets/reviews/refs/9f2c4e.../objects/annolake.json",
                        },
                        {
                            "path": "media/3a/3a7bd3e2360a3d29eea436fcfb7e44c735d117c4....jpg",
                            "size": 48211,
                            "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c4...",
                            "url": "https://bucket.s3.amazonaws.com/...?X-Amz-Signature=...",
                        },
                    ],
                },
            ),
            OpenApiExample(
                "One export (format=yolo)",
                response_only=True,
                value={
                    "dataset": "reviews",
                    "ref": "v3",
                    "commit": "9f2c4e...",
                    "format": "yolo",
                    "split": None,
                    "include_media": False,
                    "files": [
                        {
                            "path": "yolo-all-labels.zip",
                            "size": 80411,
                            "sha256": "e3b0c44298fc1c149afbf4c8996fb924...",
                            "url": "/api/datasets/reviews/refs/9f2c4e.../export?format=yolo",
                        }
                    ],
                },
            ),
        ],
    )
    def get(self, request: Request, slug: str, ref: str) -> HttpResponseBase:
        """Every file of the version at ``ref`` with size, sha256 and a URL, streamed.

        Without ``format``: the canonical layout (``annolake.json``, ``items/...``,
        ``media/...``) in path order; media URLs are presigned by the store where it can
        (lakeFS or S3), other URLs are this API's (send the same Authorization). With
        ``format``: the dataset card and the built export (built now if it is the first
        request). URLs point at the resolved commit, so they keep serving this version.
        """
        dataset = readable_dataset(request, slug)
        fmt = request.query_params.get("format")
        if fmt:
            wanted = _export_request(request, dataset, ref)
            commit, files = wanted.commit, _export_entries(request, dataset, slug, wanted)
            options = {"split": wanted.split, "include_media": wanted.media}
        else:
            commit = version_commit(dataset, ref)
            files = _version_entries(dataset, slug, commit)
            options = {"split": None, "include_media": False}
        head = {"dataset": slug, "ref": ref, "commit": commit, "format": fmt or None, **options}
        response = StreamingHttpResponse(
            _manifest_lines(head, files), content_type="application/json"
        )
        response["Cache-Control"] = "private, no-store"  # presigned URLs expire
        return response


def _export_entries(
    request: Request, dataset: Dataset, slug: str, wanted: ExportRequest
) -> Iterator[dict[str, Any]]:
    params = request.query_params
    query = {k: params[k] for k in ("format", "split", "include_media") if k in params}
    export_url = reverse("dataset-export", kwargs={"slug": slug, "ref": wanted.commit})
    base = _object_url_base(slug, wanted.commit)
    for f in export_files(dataset=dataset, request=wanted):
        url = (
            f"{export_url}?{urlencode(query)}"
            if f.path == wanted.filename
            else base + quote(f.path)
        )
        yield {**vars(f), "url": url}


def _version_entries(dataset: Dataset, slug: str, commit: str) -> Iterator[dict[str, Any]]:
    """The kept file list with URLs. Media may be large: fetched straight from the store
    where it presigns (lakeFS, S3), else through this API like the rest.

    The media URLs come from one presigned listing of ``media/``, merge-joined with the file
    list (both in path order): a round trip a page of 1000, not one an object.
    """
    store, repo, base = get_version_store(), dataset.repository, _object_url_base(slug, commit)
    listing: Iterator[ObjectInfo] | None = None
    listed: ObjectInfo | None = None
    for f in version_files(dataset=dataset, commit=commit):
        url = None
        if f.path.startswith("media/"):
            if listing is None:  # listed on first need: versions without media never list
                listing = store.list_objects(repo, commit, prefix="media/", presign=True)
                listed = next(listing, None)
            while listed is not None and listed.path < f.path:
                listed = next(listing, None)
            if listed is not None and listed.path == f.path:
                url = listed.url
        yield {**vars(f), "url": url or base + quote(f.path)}


class ObjectView(APIView):
    permission_classes = [AllowAny]  # readable_dataset decides
    content_negotiation_class = FileNegotiation

    @extend_schema(operation_id="datasets_object", parameters=[_REF], responses=_BINARY)
    def get(self, request: Request, slug: str, ref: str, path: str) -> HttpResponseBase:
        """One object of the version at ``ref`` (a manifest URL), with ``Range`` support."""
        dataset = readable_dataset(request, slug)
        _check_object_path(path)
        commit = version_commit(dataset, ref)
        store, repo = get_version_store(), dataset.repository
        try:
            info = store.stat(repo, commit, path)
        except InvalidRequest as exc:  # "..", empty or over-long segments and the like
            raise ValidationFailed(f"not a valid object path: {exc.message}", field="path") from exc
        except StoreNotFound as exc:
            raise NotFound(f"No object {path!r} in this version.", field="path") from exc
        etag = f'"{info.checksum}"'  # the content's MD5: the same bytes, the same tag
        if request.headers.get("If-None-Match") == etag:
            return _immutable(HttpResponseNotModified(), etag)
        response = ranged_response(
            request,
            lambda byte_range: store.open(repo, commit, path, byte_range=byte_range),
            size=info.size,
            etag=etag,
            content_type=info.content_type,
        )
        return _immutable(response, etag)
