"""`LakeFSStore`: the version store on a lakeFS server, through `lakefs-sdk`.

Every call has a timeout and goes through `lakefs_client.call` (bounded retries of transient
failures, errors mapped to the `StoreError` family). Commits and merges are serialised per
branch within the process and made effective at most once across processes and retries by
the idempotency key in their metadata (`lakefs_client.call_once`).
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import lakefs_sdk
import urllib3
from django.conf import settings
from lakefs_sdk.client import LakeFSClient

from . import base, validation
from .base import (
    AlreadyExists,
    ByteRange,
    NotFound,
    ObjectInfo,
    PutSummary,
    Ref,
    RepositoryInfo,
    StoreError,
)
from .concurrency import run_bounded
from .lakefs_client import (
    RetryPolicy,
    Timeout,
    call,
    make_client,
    raw_request,
    request_target,
)
from .lakefs_history import LakeFSHistory
from .lakefs_uploads import Uploads

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MAX_PAGE = 1000  # lakeFS caps `amount` at 1000
_OBJECTS = "/repositories/{repository}/branches/{branch}/objects"
_REF_OBJECTS = "/repositories/{repository}/refs/{ref}/objects"


def _object_info(stats: lakefs_sdk.ObjectStats, *, presigned: bool = False) -> ObjectInfo:
    return ObjectInfo(
        stats.path,
        stats.checksum,
        stats.size_bytes or 0,
        stats.content_type or base.DEFAULT_CONTENT_TYPE,
        _presigned_address(stats) if presigned else None,
    )


def _presigned_address(stats: lakefs_sdk.ObjectStats) -> str | None:
    """The URL lakeFS put in `physical_address` for `presign=true`; never a storage address
    (s3://..., local://...), which a server without presign support would leave there."""
    address = stats.physical_address or ""
    return address if address.startswith(("http://", "https://")) else None


class LakeFSStore(LakeFSHistory):
    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        *,
        storage_namespace: str = "local://annolake/",
        policy: RetryPolicy | None = None,
        workers: int = 8,
        page_size: int = MAX_PAGE,
    ) -> None:
        self.endpoint = endpoint
        self.storage_namespace = storage_namespace
        self.policy = policy or RetryPolicy()
        self.workers = workers
        self.page_size = min(page_size, MAX_PAGE)
        self.client: LakeFSClient = make_client(
            endpoint, access_key, secret_key, pool_size=workers + 4
        )
        self._presign: bool | None = None
        self.uploads = Uploads(self.client)

    @classmethod
    def from_settings(cls) -> LakeFSStore:
        policy = RetryPolicy(
            attempts=settings.LAKEFS_MAX_ATTEMPTS,
            timeout=settings.LAKEFS_TIMEOUT_SECONDS,
            long_timeout=settings.LAKEFS_COMMIT_TIMEOUT_SECONDS,
        )
        return cls(
            settings.LAKEFS_ENDPOINT,
            settings.LAKEFS_ACCESS_KEY_ID,
            settings.LAKEFS_SECRET_ACCESS_KEY,
            storage_namespace=settings.LAKEFS_STORAGE_NAMESPACE,
            policy=policy,
            workers=settings.VERSION_STORE_UPLOAD_WORKERS,
        )

    def check(self) -> str:
        """Reachable and the credentials accepted; no retries: a probe reports, fast."""
        probe = RetryPolicy(attempts=1, timeout=3, connect_timeout=3)
        call(
            probe, "health", lambda t: self.client.health_check_api.health_check(_request_timeout=t)
        )
        call(
            probe,
            "auth",
            lambda t: self.client.repositories_api.list_repositories(amount=1, _request_timeout=t),
        )
        return f"lakefs at {self.endpoint}"

    # -- repositories and branches -------------------------------------------------------

    def ensure_repository(self, repo: str, *, default_branch: str = "main") -> RepositoryInfo:
        validation.validate_repository(repo)
        api = self.client.repositories_api
        namespace = self.storage_namespace.rstrip("/") + "/" + repo
        creation = lakefs_sdk.RepositoryCreation.from_dict(
            {"name": repo, "storage_namespace": namespace, "default_branch": default_branch}
        )
        try:
            found = self._call(
                "get repository", lambda t: api.get_repository(repo, _request_timeout=t)
            )
        except NotFound:
            try:
                found = self._call(
                    "create repository",
                    lambda t: api.create_repository(creation, _request_timeout=t),
                )
            except AlreadyExists:  # created concurrently, or our lost first attempt
                found = self._call(
                    "get repository", lambda t: api.get_repository(repo, _request_timeout=t)
                )
        return RepositoryInfo(found.id, found.default_branch)

    def delete_repository(self, repo: str) -> None:
        api = self.client.repositories_api
        with contextlib.suppress(NotFound):
            self._call(
                "delete repository", lambda t: api.delete_repository(repo, _request_timeout=t)
            )

    def create_branch(self, repo: str, branch: str, *, source: str) -> str:
        validation.validate_branch(branch)
        head = self.resolve(repo, source)  # by id: a retry can tell its own branch apart
        creation = lakefs_sdk.BranchCreation.from_dict({"name": branch, "source": head})
        api = self.client.branches_api

        def recover(error: StoreError) -> str | None:
            mine = isinstance(error, AlreadyExists) and self.branch_head(repo, branch) == head
            return head if mine else None

        self._call(
            "create branch",
            lambda t: api.create_branch(repo, creation, _request_timeout=t),
            recover=recover,
        )
        return head

    def delete_branch(self, repo: str, branch: str) -> None:
        api = self.client.branches_api
        with contextlib.suppress(NotFound):
            self._call(
                "delete branch", lambda t: api.delete_branch(repo, branch, _request_timeout=t)
            )

    def list_branches(self, repo: str, *, prefix: str = "") -> Iterator[Ref]:
        api = self.client.branches_api
        pages = self._pages(
            "list branches",
            lambda after, t: api.list_branches(
                repo, prefix=prefix, after=after, amount=self.page_size, _request_timeout=t
            ),
        )
        return (Ref(ref.id, ref.commit_id) for ref in pages)

    def branch_head(self, repo: str, branch: str) -> str:
        api = self.client.branches_api
        ref = self._call("get branch", lambda t: api.get_branch(repo, branch, _request_timeout=t))
        return str(ref.commit_id)

    # -- objects -------------------------------------------------------------------------

    def put(
        self,
        repo: str,
        branch: str,
        path: str,
        data: bytes | BinaryIO,
        *,
        content_type: str | None = None,
    ) -> ObjectInfo:
        validation.validate_path(path)
        body = data if isinstance(data, bytes) else data.read()
        kind = base.content_type_for(path, content_type)
        headers = {"Content-Type": kind, "Accept": "application/json"}
        params = {"repository": repo, "branch": branch}

        def upload(timeout: Timeout) -> ObjectInfo:
            if self.uploads.available:
                target = request_target(_OBJECTS, params, {"path": path})
                data = self.uploads.post(target, body, headers, timeout)
            else:
                data = raw_request(
                    self.client, "POST", _OBJECTS, params, {"path": path}, headers, timeout,
                    body=body,
                ).data  # fmt: skip
            # Plain JSON, not the SDK's pydantic model: a fifth of an upload's client CPU.
            stats = json.loads(data)
            return ObjectInfo(path, stats["checksum"], len(body), stats.get("content_type") or kind)

        return cast(ObjectInfo, self._call("upload object", upload))

    def put_many(
        self,
        repo: str,
        branch: str,
        objects: Iterable[tuple[str, bytes]],
        *,
        workers: int | None = None,
    ) -> PutSummary:
        count = size = 0
        put = lambda item: self.put(repo, branch, item[0], item[1])  # noqa: E731
        for info in run_bounded(put, objects, workers=workers or self.workers, name="lakefs-put"):
            count, size = count + 1, size + info.size
        return PutSummary(count, size)

    def delete(self, repo: str, branch: str, path: str) -> None:
        api = self.client.objects_api
        self._call(
            "delete object", lambda t: api.delete_object(repo, branch, path, _request_timeout=t)
        )

    def delete_many(self, repo: str, branch: str, paths: Iterable[str]) -> None:
        api = self.client.objects_api
        pending = iter(paths)
        while chunk := [validation.validate_path(p) for p in islice(pending, base.DELETE_BATCH)]:
            path_list = lakefs_sdk.PathList(paths=chunk)

            def delete(timeout: Timeout, path_list: lakefs_sdk.PathList = path_list) -> Any:
                return api.delete_objects(repo, branch, path_list, _request_timeout=timeout)

            result = self._call("delete objects", delete)
            if result.errors:
                first = result.errors[0]
                raise StoreError(
                    f"delete objects: {first.path}: {first.message}", status=first.status_code
                )

    def stat(self, repo: str, ref: str, path: str) -> ObjectInfo:
        api = self.client.objects_api
        stats = self._call(
            "stat object",
            lambda t: api.stat_object(repo, ref, path, user_metadata=False, _request_timeout=t),
        )
        return _object_info(stats)

    def list_objects(
        self, repo: str, ref: str, *, prefix: str = "", after: str = "", presign: bool = False
    ) -> Iterator[ObjectInfo]:
        """With `presign`, lakeFS signs every object of a page in that page's response."""
        api = self.client.objects_api
        start = after
        signed = presign and self._presigns()

        def fetch(page_after: str, timeout: Timeout) -> Any:
            return api.list_objects(
                repo,
                ref,
                user_metadata=False,
                presign=True if signed else None,
                after=page_after or start,
                amount=self.page_size,
                prefix=prefix,
                _request_timeout=timeout,
            )

        pages = self._pages("list objects", fetch)
        return (_object_info(o, presigned=signed) for o in pages)

    def open(
        self, repo: str, ref: str, path: str, *, byte_range: ByteRange | None = None
    ) -> BinaryIO:
        validation.validate_path(path)
        headers = {"Accept": "application/octet-stream"}
        if byte_range is not None:
            first, last = validation.validate_range(byte_range) or (0, None)
            headers["Range"] = f"bytes={first}-{'' if last is None else last}"
        params = {"repository": repo, "ref": ref}
        response = self._call(
            "get object",
            lambda t: raw_request(
                self.client, "GET", _REF_OBJECTS, params, {"path": path}, headers, t, stream=True
            ),
        )
        return cast(BinaryIO, io.BufferedReader(_ResponseReader(response)))

    def presigned_url(self, repo: str, ref: str, path: str, *, expires: int = 3600) -> str | None:
        """lakeFS presigns on S3/GCS/Azure blockstores; the expiry is the server's setting."""
        if not self._presigns():
            return None
        api = self.client.objects_api
        stats = self._call(
            "presign object",
            lambda t: api.stat_object(repo, ref, path, presign=True, _request_timeout=t),
        )
        return _presigned_address(stats)

    def _presigns(self) -> bool:
        """Whether the server's blockstore presigns (asked once: `presign=true` is a 400
        on a blockstore that cannot, e.g. lakeFS' local one)."""
        if self._presign is None:
            config = self._call(
                "get config", lambda t: self.client.config_api.get_config(_request_timeout=t)
            )
            storage = config.storage_config
            self._presign = bool(storage and storage.pre_sign_support)
        return self._presign


class _ResponseReader(io.RawIOBase):
    """A streamed HTTP body as a raw file; urllib3 closes its response at EOF by itself."""

    def __init__(self, response: urllib3.BaseHTTPResponse) -> None:
        self._response = response
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = b"" if self._eof else self._response.read(len(view))
        self._eof = not data
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            if self._eof:
                self._response.release_conn()  # the connection goes back to the pool
            else:
                self._response.close()  # unread body: drop the connection instead
        super().close()
