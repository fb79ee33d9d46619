"""Plain Django views: the health probe and the browser app's entry page."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    ok, checks = health_report()
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "checks": checks}, status=200 if ok else 503
    )


@never_cache
@require_GET
def spa_index(request: HttpRequest, path: str = "") -> HttpResponseBase:
    """Serve the SPA for every browser route; the client-side router takes it from there."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        return HttpResponse(
            "The browser app is not built yet: run `make run` (or `npm run build` in frontend/).",
            status=503,
            content_type="text/plain",
        )
    return FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
