from django.urls import path

from core.api import auth, jobs

urlpatterns = [
    path("auth/session", auth.SessionView.as_view(), name="auth-session"),
    path("auth/token", auth.TokenView.as_view(), name="auth-token"),
    path("jobs/<int:job_id>", jobs.JobDetailView.as_view(), name="job-detail"),
]
