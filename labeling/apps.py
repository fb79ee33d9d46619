from django.apps import AppConfig


class LabelingConfig(AppConfig):
    name = "labeling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.job_access import job_access_register
        from labeling.models import Role
        from labeling.selectors import project_role

        # An import or thumbnail job is the project's: any of its managers may follow it.
        job_access_register(
            "labeling",
            lambda user, params: (
                "project_id" in params
                and project_role(user=user, project_id=int(params["project_id"])) == Role.MANAGER
            ),
        )
