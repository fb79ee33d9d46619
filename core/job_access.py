"""Who may follow a job besides whoever started it and site admins: the app that owns the
job's kind says, from the job's params (e.g. any manager of the project an import is for).

Core knows no app models; each app registers one check for its kinds in ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from core.models import Job

# (user, job params) -> may this user see the job?
JobAccess = Callable[[User, dict[str, Any]], bool]

_checks: dict[str, JobAccess] = {}


def job_access_register(app: str, check: JobAccess) -> None:
    """Let ``check`` decide for jobs whose kind starts with ``<app>.``."""
    _checks[app] = check


def job_visible(*, job: Job, user: User | AnonymousUser) -> bool:
    if not isinstance(user, User):
        return False
    if user.is_staff or job.created_by_id == user.pk:
        return True
    check = _checks.get(job.kind.split(".", 1)[0])
    return check is not None and check(user, job.params or {})
