from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class DatasetsConfig(AppConfig):
    name = "datasets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.errors import ApplicationError
        from core.job_access import job_access_register
        from datasets.models import Dataset
        from datasets.services.datasets import require_dataset_manager

        def may_follow(user: User, params: dict[str, Any]) -> bool:
            # A snapshot or prebuild is the dataset's: whoever may work on it may follow it.
            dataset_id = params.get("dataset_id")
            dataset = Dataset.objects.filter(pk=int(dataset_id)).first() if dataset_id else None
            if dataset is None:
                return False
            try:
                require_dataset_manager(user=user, dataset=dataset)
            except ApplicationError:
                return False
            return True

        job_access_register("datasets", may_follow)
