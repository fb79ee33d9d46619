import pytest
from celery import Celery
from kombu.exceptions import OperationalError

from core import health


@pytest.mark.django_db
def test_healthz_reports_every_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "media_storage", "version_store"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, monkeypatch):
    def broken() -> str:
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {
        "ok": False,
        "detail": "OperationalError",
        "ms": response.json()["checks"]["broker"]["ms"],
    }


def test_broker_check_fails_for_an_unreachable_redis(monkeypatch):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery lets it override broker=
    monkeypatch.setattr(health, "current_app", Celery(broker="redis://127.0.0.1:1/0"))
    with pytest.raises(OperationalError):
        health.broker_check()
