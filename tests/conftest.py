"""Shared fixtures: personas, a project with one member of each role, API clients."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annolake.celery import app as celery_app
from labeling.models import Project, Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """PBKDF2 costs ~0.3 s a user by design; tests create hundreds of users."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "allow_overwrite": True},
        },
    }


@pytest.fixture(autouse=True)
def _eager_celery(request: pytest.FixtureRequest):
    """Run tasks inline unless the test starts a real worker."""
    eager = request.node.get_closest_marker("worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def project(db) -> Project:
    return ProjectFactory()


@pytest.fixture
def member(project: Project) -> Callable[[str], object]:
    def make(role: str, username: str | None = None):
        user = UserFactory(username=username) if username else UserFactory()
        MembershipFactory(project=project, user=user, role=role)
        return user

    return make


@pytest.fixture
def annotator(member):
    return member(Role.ANNOTATOR)


@pytest.fixture
def reviewer(member):
    return member(Role.REVIEWER)


@pytest.fixture
def lead(member):
    return member(Role.MANAGER)


@pytest.fixture
def outsider(db):
    """A signed-in user with no role in ``project``."""
    return UserFactory()


@pytest.fixture
def site_admin(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def api() -> Callable[[object], APIClient]:
    """An API client authenticated with the user's token (or anonymous for None)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
