from django.urls import path

from labeling.api import annotations, imports, items, projects, queue

urlpatterns = [
    path("projects/", projects.ProjectListView.as_view(), name="project-list"),
    path("projects/<int:project_id>/", projects.ProjectDetailView.as_view(), name="project-detail"),
    path(
        "projects/<int:project_id>/members/", projects.MemberListView.as_view(), name="member-list"
    ),
    path(
        "projects/<int:project_id>/members/<int:user_id>",
        projects.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path("projects/<int:project_id>/queue/next", queue.QueueNextView.as_view(), name="queue-next"),
    path(
        "projects/<int:project_id>/review/next",
        annotations.ReviewNextView.as_view(),
        name="review-next",
    ),
    path("projects/<int:project_id>/items", items.ProjectItemsView.as_view(), name="project-items"),
    path(
        "projects/<int:project_id>/annotations",
        annotations.ProjectAnnotationsView.as_view(),
        name="project-annotations",
    ),
    path("projects/<int:project_id>/stats", items.ProjectStatsView.as_view(), name="project-stats"),
    path(
        "projects/<int:project_id>/import",
        imports.ProjectImportView.as_view(),
        name="project-import",
    ),
    path(
        "projects/<int:project_id>/preannotations",
        imports.ProjectPreannotationsView.as_view(),
        name="project-preannotations",
    ),
    path("leases/<int:lease_id>", queue.LeaseDetailView.as_view(), name="lease-detail"),
    path(
        "leases/<int:lease_id>/heartbeat",
        queue.LeaseHeartbeatView.as_view(),
        name="lease-heartbeat",
    ),
    path("items/<int:item_id>", items.ItemDetailView.as_view(), name="item-detail"),
    path("items/<int:item_id>/media", items.ItemMediaView.as_view(), name="item-media"),
    path("items/<int:item_id>/thumbnail", items.ItemThumbnailView.as_view(), name="item-thumbnail"),
    path(
        "items/<int:item_id>/annotations",
        queue.ItemAnnotationsView.as_view(),
        name="item-annotations",
    ),
    path("items/<int:item_id>/skip", queue.ItemSkipView.as_view(), name="item-skip"),
    path(
        "annotations/<int:annotation_id>",
        annotations.AnnotationDetailView.as_view(),
        name="annotation-detail",
    ),
    path(
        "annotations/<int:annotation_id>/revisions",
        annotations.AnnotationRevisionsView.as_view(),
        name="annotation-revisions",
    ),
    path(
        "annotations/<int:annotation_id>/review",
        annotations.AnnotationReviewView.as_view(),
        name="annotation-review",
    ),
]
