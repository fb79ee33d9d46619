from django.urls import path

from labeling.api import views

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<int:project_id>/", views.ProjectDetailView.as_view(), name="project-detail"),
]
