from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers

from core.job_access import job_visible
from core.models import Job


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress_done",
            "progress_total",
            "message",
            "error",
            "result",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class JobDetailView(generics.RetrieveAPIView):
    """A job's status and progress: for whoever started it, the managers of what it works
    on (a project's imports, a dataset's snapshots) and site admins; 404 for anyone else."""

    serializer_class = JobSerializer

    def get_object(self) -> Job:
        job = get_object_or_404(Job, pk=self.kwargs["job_id"])
        if not job_visible(job=job, user=self.request.user):
            raise Http404
        return job
