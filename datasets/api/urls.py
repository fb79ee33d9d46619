from django.urls import path

from datasets.api import views

urlpatterns = [
    path("datasets/", views.DatasetListView.as_view(), name="dataset-list"),
    path("datasets/<slug:slug>/", views.DatasetDetailView.as_view(), name="dataset-detail"),
    path("datasets/<slug:slug>/branches", views.BranchListView.as_view(), name="dataset-branches"),
    path("datasets/<slug:slug>/snapshots", views.SnapshotView.as_view(), name="dataset-snapshots"),
]
