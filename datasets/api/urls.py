from django.urls import path

from datasets.api import exports, history, tokens, views

urlpatterns = [
    path("datasets/", views.DatasetListView.as_view(), name="dataset-list"),
    path("datasets/<slug:slug>/", views.DatasetDetailView.as_view(), name="dataset-detail"),
    path("datasets/<slug:slug>/branches", views.BranchListView.as_view(), name="dataset-branches"),
    path(
        "datasets/<slug:slug>/branches/<str:branch>",
        views.BranchDetailView.as_view(),
        name="dataset-branch",
    ),
    path("datasets/<slug:slug>/snapshots", views.SnapshotView.as_view(), name="dataset-snapshots"),
    path("datasets/<slug:slug>/diff", history.DiffView.as_view(), name="dataset-diff"),
    path("datasets/<slug:slug>/merges", history.MergeListView.as_view(), name="dataset-merges"),
    path(
        "datasets/<slug:slug>/merges/<int:merge_id>/resolve",
        history.MergeResolveView.as_view(),
        name="dataset-merge-resolve",
    ),
    path(
        "datasets/<slug:slug>/versions", history.VersionListView.as_view(), name="dataset-versions"
    ),
    path(
        "datasets/<slug:slug>/refs/<str:ref>/export",
        exports.ExportView.as_view(),
        name="dataset-export",
    ),
    path(
        "datasets/<slug:slug>/refs/<str:ref>/manifest",
        exports.ManifestView.as_view(),
        name="dataset-manifest",
    ),
    path(
        "datasets/<slug:slug>/refs/<str:ref>/objects/<path:path>",
        exports.ObjectView.as_view(),
        name="dataset-object",
    ),
    path("datasets/<slug:slug>/tokens", tokens.TokenListView.as_view(), name="dataset-tokens"),
    path(
        "datasets/<slug:slug>/tokens/<int:token_id>",
        tokens.TokenDetailView.as_view(),
        name="dataset-token",
    ),
]
