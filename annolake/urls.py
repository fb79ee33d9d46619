from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views

api: list[URLPattern | URLResolver] = [
    path("", include("core.api.urls")),
    path("", include("labeling.api.urls")),
    path("", include("datasets.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("api/", include(api)),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Everything else is a browser route of the SPA (API, admin and assets are matched first).
    re_path(r"^(?!api/|admin/|static/|media/|assets/)(?P<path>.*)$", views.spa_index),
]
