"""Objects: upload/delete/copy on a branch; get/head/stat/list through any ref."""

from __future__ import annotations

from email.utils import formatdate

from .. import serialize
from ..app import App, Router
from ..bodies import parse_multipart, parse_range
from ..listing import list_view_page
from ..model import Branch, Entry, Repository
from ..protocol import ApiError, Request, Response, json_response, no_content, pagination
from ..refs import ResolvedRef, lookup, resolve, view

MAX_PATH_BYTES = 1024  # pkg/catalog/validate.go MaxPathLength
MAX_DELETE_PATHS = 1000  # graveler.DeleteKeysMaxSize
DEFAULT_CONTENT_TYPE = "application/octet-stream"
META_HEADER = "x-lakefs-meta-"
INTERNAL_HEADER = "x-lakefs-internal-"


def _object_path(req: Request, name: str = "path") -> str:
    path = req.require_arg(name)
    if not path or len(path.encode("utf-8")) > MAX_PATH_BYTES:
        raise ApiError(400, f"{name}: invalid value: validation error")
    return path


def _presign(app: App, req: Request) -> bool:
    """Whether the request asks for presigned URLs; 400 unless the emulator presigns."""
    wanted = req.flag("presign")
    if wanted and not app.settings.presign:
        # /config reports pre_sign_support=false, as lakeFS' local blockstore does.
        raise ApiError(400, "operation not supported")
    return wanted


def _user_metadata(req: Request) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key, value in req.headers.items():
        lowered = key.lower()
        if lowered.startswith(META_HEADER):
            meta[lowered[len(META_HEADER) :]] = value
        elif lowered.startswith(INTERNAL_HEADER):
            meta["::lakefs::" + lowered[len(INTERNAL_HEADER) :]] = value
    return meta


def _upload_content(req: Request) -> tuple[bytes, str]:
    """Body and content type, from the first multipart part named `content` or raw."""
    if req.header("Content-Type") is None:
        return req.body, DEFAULT_CONTENT_TYPE
    if req.headers.get_content_type() != "multipart/form-data":
        return req.body, req.header("Content-Type") or DEFAULT_CONTENT_TYPE
    boundary = req.headers.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ApiError(500, "no multipart boundary param in Content-Type")
    for part in parse_multipart(req.body, boundary):
        if part.name == "content":
            return part.data, part.content_type or DEFAULT_CONTENT_TYPE
    raise ApiError(500, "multipart upload missing key 'content': http: no such file")


def _branch_for_write(app: App, req: Request) -> tuple[Repository, Branch]:
    repo = app.store.repo(req.params["repository"])
    repo.ensure_writable(req.flag("force"))
    name = req.params["branch"]
    if name not in repo.branches:
        raise ApiError(404, f"branch '{name}' not found")
    return repo, repo.branches[name]


def _delete(repo: Repository, branch: Branch, path: str) -> None:
    """graveler deleteUnsafe: tombstone only if the path is committed; idempotent."""
    if path in repo.commit(branch.head).tree:
        branch.staging[path] = None
    else:
        branch.staging.pop(path, None)


def upload_object(app: App, req: Request) -> Response:
    path = _object_path(req)
    if_none_match, if_match = req.header("If-None-Match"), req.header("If-Match")
    if if_none_match is not None and if_none_match != "*":
        raise ApiError(400, 'Unsupported value for If-None-Match - Only "*" is supported')
    data, content_type = _upload_content(req)
    with app.store.lock:
        repo, branch = _branch_for_write(app, req)
        current = repo.branch_get(branch, path)
        if if_none_match == "*" and current is not None:
            raise ApiError(412, "path already exists")
        if if_match is not None and (current is None or current.checksum != if_match.strip('"')):
            raise ApiError(412, "Precondition failed")
        entry = Entry.create(
            path, data, app.store.new_physical_address(repo), content_type, _user_metadata(req)
        )
        branch.staging[path] = entry
    return json_response(201, serialize.object_stats(entry))


def delete_object(app: App, req: Request) -> Response:
    path = _object_path(req)
    with app.store.lock:
        repo, branch = _branch_for_write(app, req)
        _delete(repo, branch, path)
    return no_content()


def delete_objects(app: App, req: Request) -> Response:
    paths = req.json_body().get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ApiError(400, "paths: required value: validation error")
    if len(paths) > MAX_DELETE_PATHS:
        raise ApiError(
            400, f"keys length ({len(paths)}) passed the maximum allowed({MAX_DELETE_PATHS})"
        )
    with app.store.lock:
        repo, branch = _branch_for_write(app, req)
        for path in paths:
            _delete(repo, branch, path)
    return json_response(200, {"errors": []})


def copy_object(app: App, req: Request) -> Response:
    dest_path = _object_path(req, "dest_path")
    body = req.json_body()
    src_path = body.get("src_path")
    if not isinstance(src_path, str) or not src_path:
        raise ApiError(400, "src_path: required value: validation error")
    with app.store.lock:
        repo, branch = _branch_for_write(app, req)
        source = lookup(repo, resolve(repo, body.get("src_ref") or branch.name), src_path)
        if source is None:
            raise ApiError(404, "not found")
        address = app.store.new_physical_address(repo)
        entry = Entry.create(dest_path, source.data, address, source.content_type, source.metadata)
        branch.staging[dest_path] = entry
    return json_response(201, serialize.object_stats(entry))


def _signed_ref(resolved: ResolvedRef) -> str:
    """What a presigned URL reads through: the commit, or the branch with its staging."""
    if resolved.staging and resolved.branch is not None:
        return resolved.branch
    return resolved.commit_id


def _lookup(app: App, req: Request) -> tuple[Entry, str]:
    """The entry at the request's ref and path, and the ref a presigned URL would use."""
    path = _object_path(req)
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        resolved = resolve(repo, req.params["ref"])
        entry = lookup(repo, resolved, path)
    if entry is None:
        raise ApiError(404, "not found")
    return entry, _signed_ref(resolved)


def _presigned(app: App, repository: str, at: str, entry: Entry) -> tuple[str, int]:
    return app.presigner.sign(
        app.settings.base_url, repository, at, entry.path, entry.physical_address
    )


def _signed_stats(
    app: App, repository: str, at: str, entry: Entry, with_meta: bool
) -> dict[str, object]:
    """ObjectStats whose `physical_address` is a presigned URL, as lakeFS sends them."""
    stats = serialize.object_stats(entry, with_meta)
    stats["physical_address"], stats["physical_address_expiry"] = _presigned(
        app, repository, at, entry
    )
    return stats


def get_object(app: App, req: Request) -> Response:
    presign = _presign(app, req)
    entry, at = _lookup(app, req)
    if presign:  # lakeFS redirects to the blockstore; urllib3 follows
        url, _ = _presigned(app, req.params["repository"], at, entry)
        return Response(302, b"", {"Location": url})
    return _object_response(entry, req)


def get_presigned(app: App, req: Request) -> Response:
    """A presigned URL: the object's bytes with no credentials (any Authorization, which
    urllib3 forwards on a same-host redirect, is ignored), while the token is valid."""
    if not app.settings.presign:
        raise ApiError(404, "path not found")
    grant = app.presigner.verify(req.params["token"])
    with app.store.lock:
        repo = app.store.repo(grant.repository)
        entry = lookup(repo, resolve(repo, grant.ref), grant.path)
    if entry is None or entry.physical_address != grant.address:
        raise ApiError(404, "not found")
    return _object_response(entry, req)


def _object_response(entry: Entry, req: Request) -> Response:
    """The object's bytes, honouring If-None-Match and a single Range."""
    etag = f'"{entry.checksum}"'
    headers = {
        "Content-Type": entry.content_type,
        "ETag": etag,
        "Last-Modified": formatdate(entry.mtime, usegmt=True),
        "Accept-Ranges": "bytes",
    }
    if req.header("If-None-Match") in (etag, entry.checksum):
        return Response(304, b"", headers)
    range_header = req.header("Range")
    if range_header is None:
        return Response(200, entry.data, headers)
    try:
        start, end = parse_range(range_header, entry.size)
    except ApiError as error:
        response = error.response()
        response.headers["Content-Range"] = f"bytes */{entry.size}"
        return response
    headers["Content-Range"] = f"bytes {start}-{end}/{entry.size}"
    return Response(206, entry.data[start : end + 1], headers)


def stat_object(app: App, req: Request) -> Response:
    presign = _presign(app, req)
    entry, at = _lookup(app, req)
    with_meta = req.flag("user_metadata", True)
    if presign:
        stats = _signed_stats(app, req.params["repository"], at, entry, with_meta)
        return json_response(200, stats)
    return json_response(200, serialize.object_stats(entry, with_meta))


def list_objects(app: App, req: Request) -> Response:
    presign = _presign(app, req)
    prefix, delimiter = req.arg("prefix", "") or "", req.arg("delimiter", "") or ""
    after, amount = req.arg("after", "") or "", req.amount()
    name = req.params["repository"]
    with app.store.lock:
        repo = app.store.repo(name)
        resolved = resolve(repo, req.params["ref"])
        objects = view(repo, resolved)
        # The view is live (no copy): take the page while holding the lock.
        page, has_more = list_view_page(objects, prefix, delimiter, after, amount)
    pages = pagination(has_more, page[-1][0] if page else "", len(page))
    with_meta = req.flag("user_metadata", True)
    at = _signed_ref(resolved)

    def stats(entry: Entry) -> dict[str, object]:
        if presign:
            return _signed_stats(app, name, at, entry, with_meta)
        return serialize.object_stats(entry, with_meta)

    results = [
        serialize.common_prefix(key) if entry is None else stats(entry) for key, entry in page
    ]
    return json_response(200, {"pagination": pages, "results": results})


def register(router: Router) -> None:
    branch = "/repositories/{repository}/branches/{branch}/objects"
    ref = "/repositories/{repository}/refs/{ref}/objects"
    router.add("POST", branch, upload_object)
    router.add("DELETE", branch, delete_object)
    router.add("POST", branch + "/delete", delete_objects)
    router.add("POST", branch + "/copy", copy_object)
    router.add("GET", ref, get_object)
    # HEAD shares the GET handler; the socket layer drops the body.
    router.add("HEAD", ref, get_object)
    router.add("GET", ref + "/stat", stat_object)
    router.add("GET", ref + "/ls", list_objects)


def register_blobs(router: Router) -> None:
    router.add("GET", "/_presigned/{token}", get_presigned, public=True)
    router.add("HEAD", "/_presigned/{token}", get_presigned, public=True)
