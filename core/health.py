"""Probes of everything the app depends on, for /healthz."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from celery import current_app
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

from datasets.stores.health import version_store_check


def database_check() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def broker_check() -> str:
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else "connected"


def media_check() -> str:
    storage: Any = storages["default"]
    if isinstance(storage, FileSystemStorage):
        os.makedirs(storage.location, exist_ok=True)
        if not os.access(storage.location, os.W_OK):
            raise PermissionError(f"{storage.location} is not writable")
        return "filesystem"
    storage.exists("healthz/probe")  # one HEAD request: reachable and authorised
    return type(storage).__name__


CHECKS: dict[str, Callable[[], str]] = {
    "database": database_check,
    "broker": broker_check,
    "media_storage": media_check,
    "version_store": version_store_check,
}


def health_report() -> tuple[bool, dict[str, dict[str, Any]]]:
    report: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            entry: dict[str, Any] = {"ok": True, "detail": detail}
        except Exception as exc:
            # A health probe reports failures instead of raising them.
            entry = {"ok": False, "detail": type(exc).__name__}
        entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
        report[name] = entry
    return all(entry["ok"] for entry in report.values()), report
