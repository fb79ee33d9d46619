"""Brute-force limits on sign-in (RELIABILITY S6): per username, per client IP, in the DB."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.api.auth import client_ip
from core.login_limits import client_key
from core.models import LoginAttemptCounter
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SESSION = "/api/auth/session"
TOKEN = "/api/auth/token"
RIGHT = "s3cret-pass"


@pytest.fixture
def maria(db):
    return UserFactory(username="maria", password=RIGHT)


def sign_in(path: str, username: str, password: str, ip: str = "198.51.100.1", **extra):
    return Client().post(
        path,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
        **extra,
    )


def test_bad_logins_then_429_even_with_the_right_password(maria, settings):
    assert settings.LOGIN_LIMIT_PER_USERNAME == 10  # the default
    for _ in range(10):
        assert sign_in(SESSION, "maria", "wrong").status_code == 400
    refused = sign_in(SESSION, "maria", RIGHT)
    assert refused.status_code == 429
    assert "sessionid" not in refused.cookies
    # Another username from another address is not affected.
    UserFactory(username="bob", password=RIGHT)
    assert sign_in(SESSION, "bob", RIGHT, ip="198.51.100.2").status_code == 200


def test_429_names_the_problem_and_when_to_retry(maria, settings):
    settings.LOGIN_LIMIT_PER_USERNAME = 2
    settings.LOGIN_LOCKOUT_SECONDS = 600
    sign_in(SESSION, "maria", "wrong")
    sign_in(SESSION, "maria", "wrong")
    response = sign_in(SESSION, "maria", RIGHT)
    assert response.status_code == 429
    assert response["Retry-After"] in {"599", "600"}
    error = response.json()["error"]
    assert error["code"] == "too_many_attempts"
    assert error["field"] is None
    assert error["message"] == (
        "Too many failed sign-in attempts for this username. Try again in 10 minutes."
    )
    assert error["details"]["scope"] == "username"
    assert error["details"]["retry_after"] in {599, 600}


def test_token_endpoint_is_limited_the_same_way(maria, settings):
    settings.LOGIN_LIMIT_PER_USERNAME = 3
    for _ in range(3):
        assert sign_in(TOKEN, "maria", "wrong").status_code == 400
    refused = sign_in(TOKEN, "maria", RIGHT)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert int(refused["Retry-After"]) > 0
    # One counter for both doors: the browser sign-in is locked too.
    assert sign_in(SESSION, "maria", RIGHT).status_code == 429


def test_per_ip_limit_spans_usernames(maria, settings):
    settings.LOGIN_LIMIT_PER_IP = 5
    for n in range(5):
        assert sign_in(TOKEN, f"guess{n}", "wrong", ip="203.0.113.7").status_code == 400
    refused = sign_in(SESSION, "maria", RIGHT, ip="203.0.113.7")
    assert refused.status_code == 429
    assert refused.json()["error"]["details"]["scope"] == "ip"
    assert "from this address" in refused.json()["error"]["message"]
    assert sign_in(SESSION, "maria", RIGHT, ip="203.0.113.8").status_code == 200


def test_successful_sign_ins_do_not_use_up_the_ip_limit(maria, settings):
    settings.LOGIN_LIMIT_PER_IP = 3
    for _ in range(6):  # an office behind one address signing in all morning
        assert sign_in(TOKEN, "maria", RIGHT, ip="203.0.113.9").status_code == 200


def test_success_resets_only_its_own_username(maria, settings):
    settings.LOGIN_LIMIT_PER_USERNAME = 3
    UserFactory(username="bob", password=RIGHT)
    for _ in range(2):
        sign_in(SESSION, "maria", "wrong")
        sign_in(SESSION, "bob", "wrong")
    assert sign_in(SESSION, "bob", RIGHT).status_code == 200  # bob's counter starts over
    assert sign_in(SESSION, "maria", "wrong").status_code == 400  # maria's third
    assert sign_in(SESSION, "maria", RIGHT).status_code == 429
    for _ in range(3):
        assert sign_in(SESSION, "bob", "wrong").status_code == 400
    assert sign_in(SESSION, "bob", RIGHT).status_code == 429


def test_the_window_passing_unlocks_and_expired_rows_are_deleted(maria, settings):
    settings.LOGIN_LIMIT_PER_USERNAME = 2
    for _ in range(3):
        sign_in(SESSION, "maria", "wrong")
    assert sign_in(SESSION, "maria", RIGHT).status_code == 429
    counter = LoginAttemptCounter.objects.get(scope="username", key="maria")
    assert counter.locked
    assert counter.expires_at > timezone.now() + timedelta(minutes=14)

    LoginAttemptCounter.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert sign_in(SESSION, "maria", RIGHT).status_code == 200

    LoginAttemptCounter.objects.create(
        scope="username", key="old", attempts=7, expires_at=timezone.now() - timedelta(hours=1)
    )
    sign_in(SESSION, "someone", "wrong")  # a failure cleans up expired counters
    assert not LoginAttemptCounter.objects.filter(key="old").exists()


def test_an_unlocked_window_ending_starts_the_count_again(maria, settings):
    settings.LOGIN_LIMIT_PER_USERNAME = 2
    sign_in(SESSION, "maria", "wrong")
    sign_in(SESSION, "maria", "wrong")
    LoginAttemptCounter.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert sign_in(SESSION, "maria", "wrong").status_code == 400
    assert sign_in(SESSION, "maria", "wrong").status_code == 400
    assert sign_in(SESSION, "maria", RIGHT).status_code == 429


def _burst(requests: list[tuple[str, str, str]], ip: str = "198.51.100.1") -> list[int]:
    """Send the sign-ins all at once from threads, each with its own DB connection."""
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(len(requests))

    def run(path: str, username: str, password: str) -> None:
        try:
            client = Client()
            start.wait()
            response = client.post(
                path,
                {"username": username, "password": password},
                content_type="application/json",
                REMOTE_ADDR=ip,
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(statuses) == len(requests)
    return statuses


@pytest.mark.parametrize("per", ["username", "ip"])
def test_a_concurrent_burst_gets_no_more_than_the_limit_through(transactional_db, settings, per):
    settings.LOGIN_LIMIT_PER_USERNAME = 10 if per == "username" else 1000
    settings.LOGIN_LIMIT_PER_IP = 10 if per == "ip" else 1000
    UserFactory(username="maria", password=RIGHT)
    requests = [
        (TOKEN if n % 2 else SESSION, "maria" if per == "username" else f"guess{n}", "wrong")
        for n in range(30)
    ]
    statuses = _burst(requests)
    assert set(statuses) <= {400, 429}, statuses
    assert statuses.count(400) == 10  # every attempt is counted before its password check
    assert sign_in(TOKEN, "maria", RIGHT).status_code == 429


def test_concurrent_right_and_wrong_sign_ins_from_one_address_never_error(
    transactional_db, settings
):
    settings.LOGIN_LIMIT_PER_USERNAME = 3
    for n in range(10):
        UserFactory(username=f"user{n}", password=RIGHT)
    requests = [
        (SESSION if n % 3 else TOKEN, f"user{n % 10}", RIGHT if n % 2 else "wrong")
        for n in range(30)
    ]
    statuses = _burst(requests)
    assert set(statuses) <= {200, 400, 429}, statuses  # no deadlock, no 500
    assert statuses.count(200) == 15


def test_a_lockout_is_seen_by_a_fresh_process(transactional_db, settings):
    """The counter lives in the database: another process (or a restart) sees the lockout."""
    settings.LOGIN_LIMIT_PER_USERNAME = 2
    UserFactory(username="maria", password=RIGHT)
    for _ in range(2):
        sign_in(TOKEN, "maria", "wrong")
    assert sign_in(TOKEN, "maria", RIGHT).status_code == 429
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        f"r = Client().post('/api/auth/token', {{'username': 'maria', 'password': {RIGHT!r}}},"
        " content_type='application/json', REMOTE_ADDR='192.0.2.50')\n"
        "print(r.status_code, r.json()['error']['code'])\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "annolake.settings",  # default limits: 10 per username
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["429", "too_many_attempts"]


def test_client_ip_trusts_forwarded_for_only_behind_configured_proxies(rf, settings):
    request = rf.post(SESSION, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    settings.LOGIN_LIMIT_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"  # a client can write any X-Forwarded-For
    settings.LOGIN_LIMIT_TRUSTED_PROXIES = 1
    assert client_ip(request) == "5.6.7.8"  # what our one proxy saw
    settings.LOGIN_LIMIT_TRUSTED_PROXIES = 2
    assert client_ip(request) == "1.2.3.4"


def test_ipv6_clients_are_counted_per_64_block():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9")
    assert client_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_key("::ffff:198.51.100.4") == "198.51.100.4"
    assert client_key("198.51.100.4") == "198.51.100.4"
