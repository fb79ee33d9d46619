from __future__ import annotations

from rest_framework import serializers

from labeling.models import Project


class ProjectOutSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "instructions",
            "kind",
            "label_schema",
            "schema_version",
            "overlap",
            "lease_seconds",
            "order",
            "review_required",
            "role",
            "item_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_role(self, project: Project) -> str | None:
        # Site admins who are not members see the project with no role of their own.
        return getattr(project, "member_role", None)
