from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers

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
    """A job's status and progress; visible to whoever started it and to site admins."""

    serializer_class = JobSerializer

    def get_object(self) -> Job:
        jobs = Job.objects.all()
        if not self.request.user.is_staff:
            jobs = jobs.filter(created_by_id=self.request.user.pk)
        return get_object_or_404(jobs, pk=self.kwargs["job_id"])
