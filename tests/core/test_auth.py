import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="maria", password="s3cret-pass")


def test_browser_login_needs_the_csrf_token(user):
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(
        "/api/auth/session",
        {"username": "maria", "password": "s3cret-pass"},
        content_type="application/json",
    )
    assert refused.status_code == 403

    browser.get("/api/auth/session")  # sets the csrftoken cookie, as the SPA does on start
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/auth/session",
        {"username": "maria", "password": "s3cret-pass"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 200
    assert accepted.json()["user"]["username"] == "maria"
    assert browser.get("/api/projects/").status_code == 200


def test_session_writes_from_a_foreign_origin_are_refused(user, settings):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/api/auth/session")
    token = browser.cookies["csrftoken"].value
    response = browser.delete(
        "/api/auth/session",
        HTTP_X_CSRFTOKEN=token,
        HTTP_ORIGIN="https://evil.example",
        secure=True,
        HTTP_REFERER="https://evil.example/x",
    )
    assert response.status_code == 403


def test_wrong_password_is_a_clear_400(user, client):
    response = client.post(
        "/api/auth/session",
        {"username": "maria", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_credentials",
            "message": "Wrong username or password.",
            "field": None,
        }
    }


def test_missing_field_names_the_field(db, client):
    response = client.post(
        "/api/auth/token", {"username": "maria"}, content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "password"
    assert error["code"] == "required"


def test_token_grants_api_access_without_csrf(user):
    client = Client(enforce_csrf_checks=True)
    token = client.post(
        "/api/auth/token",
        {"username": "maria", "password": "s3cret-pass"},
        content_type="application/json",
    ).json()["token"]
    response = client.get("/api/projects/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert client.get("/api/projects/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_logout_ends_the_session(user, client):
    client.force_login(user)
    assert client.delete("/api/auth/session").status_code == 204
    assert client.get("/api/auth/session").json() == {"user": None}
