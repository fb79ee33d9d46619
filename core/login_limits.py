"""Brute-force limits for sign-in: attempts per username and per client IP (RELIABILITY S6).

An attempt is reserved *before* the password is checked, in one ``INSERT ... ON CONFLICT DO
UPDATE ... RETURNING`` over both counters. The database serialises the increments, so a burst
of concurrent attempts cannot all pass a "not locked yet" check and then fail together (the
check-then-count race of DRF throttles, encode/django-rest-framework#8127): at most the limit
gets through. The attempt that goes over the limit locks the counter for
``LOGIN_LOCKOUT_SECONDS``; while locked, every attempt is refused, right password or not, and
when the lockout (or an unlocked window) ends the counter starts again from zero.

A success gives its reservation back: the username's counter is reset, the IP's counter drops
by one (so a busy office behind one address is not locked out by its own sign-ins), and no
other counter is touched. A failure keeps it and deletes expired rows.

Counters live in the database (``core.LoginAttemptCounter``), not a per-process cache, so a
lockout holds across workers and restarts. Both statements list the username row before the IP
row, so concurrent requests lock rows in one order and cannot deadlock; the clean-up skips rows
that others hold.

Works on PostgreSQL and SQLite (3.35+ for RETURNING).
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.errors import ApplicationError
from core.models import LoginAttemptCounter

Scope = LoginAttemptCounter.Scope


class TooManyAttempts(ApplicationError):
    """Sign-in is locked for this username or client address; retry after ``retry_after`` s."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int, scope: str) -> None:
        super().__init__(message, details={"retry_after": retry_after, "scope": scope})
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginAttempt:
    """The counters one reserved attempt was charged to, as (scope, key) pairs."""

    keys: tuple[tuple[str, str], ...]


def client_key(ip: str) -> str:
    """Key an address: IPv4 as is, IPv6 by its /64 (one host can use a whole /64)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:255]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _limits() -> dict[str, int]:
    return {
        Scope.USERNAME: settings.LOGIN_LIMIT_PER_USERNAME,
        Scope.IP: settings.LOGIN_LIMIT_PER_IP,
    }


def _table() -> str:
    return connection.ops.quote_name(LoginAttemptCounter._meta.db_table)


def _db_time(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _as_datetime(value: datetime | str) -> datetime:
    """RETURNING gives a datetime on PostgreSQL and UTC text on SQLite."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        assert parsed is not None, value
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def login_attempt_reserve(*, username: str, ip: str) -> LoginAttempt:
    """Count one sign-in attempt for ``username`` and ``ip``; raise TooManyAttempts if locked.

    Call before checking the password, then ``login_attempt_succeeded`` or
    ``login_attempt_failed``. One query.
    """
    limits = _limits()
    keys = tuple(
        (scope, key)
        for scope, key in ((Scope.USERNAME, username), (Scope.IP, client_key(ip)))
        if limits[scope] > 0
    )
    if not keys:
        return LoginAttempt(keys=())
    now = timezone.now()
    window_end = now + timedelta(seconds=settings.LOGIN_LIMIT_WINDOW_SECONDS)
    lock_end = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    t = _table()
    values = ", ".join(["(%s, %s, 1, %s, %s)"] * len(keys))
    params: list[Any] = []
    for scope, key in keys:
        params += [scope, key, False, _db_time(window_end)]
    expired = f"{t}.expires_at <= %s"
    over = f"{t}.attempts >= (CASE WHEN {t}.scope = %s THEN %s ELSE %s END)"
    limit_params = [Scope.USERNAME.value, limits[Scope.USERNAME], limits[Scope.IP]]
    db_now = _db_time(now)
    # Only the table name, placeholders and fixed SQL are formatted in; values are parameters.
    sql = (
        f'INSERT INTO {t} (scope, "key", attempts, locked, expires_at) VALUES {values}'  # noqa: S608
        f' ON CONFLICT (scope, "key") DO UPDATE SET'
        f" attempts = CASE WHEN {expired} THEN 1 ELSE {t}.attempts + 1 END,"
        f" locked = CASE WHEN {expired} THEN %s WHEN {over} THEN %s ELSE {t}.locked END,"
        f" expires_at = CASE WHEN {expired} THEN EXCLUDED.expires_at"
        f" WHEN NOT {t}.locked AND {over} THEN %s ELSE {t}.expires_at END"
        f" RETURNING scope, locked, expires_at"
    )
    params += [db_now]
    params += [db_now, False, *limit_params, True]
    params += [db_now, *limit_params, _db_time(lock_end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    locked = [(_as_datetime(until), scope) for scope, is_locked, until in rows if is_locked]
    if locked:
        until, scope = max(locked)
        raise _too_many(scope=scope, seconds=math.ceil((until - now).total_seconds()))
    return LoginAttempt(keys=keys)


def _too_many(*, scope: str, seconds: int) -> TooManyAttempts:
    seconds = max(seconds, 1)
    what = "for this username" if scope == Scope.USERNAME else "from this address"
    wait = f"{math.ceil(seconds / 60)} minutes" if seconds >= 120 else f"{seconds} seconds"
    return TooManyAttempts(
        f"Too many failed sign-in attempts {what}. Try again in {wait}.",
        retry_after=seconds,
        scope=str(scope),
    )


def login_attempt_succeeded(*, attempt: LoginAttempt) -> None:
    """Give the reservation back: reset the username's counter, take one off the IP's."""
    if not attempt.keys:
        return
    window_end = timezone.now() + timedelta(seconds=settings.LOGIN_LIMIT_WINDOW_SECONDS)
    t = _table()
    values = ", ".join(["(%s, %s, 0, %s, %s)"] * len(attempt.keys))
    params: list[Any] = []
    for scope, key in attempt.keys:  # same order as the reservation: no deadlock
        params += [scope, key, False, _db_time(window_end)]
    sql = (
        f'INSERT INTO {t} (scope, "key", attempts, locked, expires_at) VALUES {values}'  # noqa: S608
        f' ON CONFLICT (scope, "key") DO UPDATE SET attempts = CASE'
        f" WHEN {t}.locked THEN {t}.attempts WHEN {t}.scope = %s THEN 0"
        f" WHEN {t}.attempts > 0 THEN {t}.attempts - 1 ELSE 0 END"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, Scope.USERNAME.value])


def login_attempt_failed(*, attempt: LoginAttempt) -> None:
    """Keep the attempt counted; delete counters whose window or lockout is over."""
    login_counters_delete_expired()


def login_counters_delete_expired(*, batch: int = 500) -> int:
    """Delete up to ``batch`` expired counters, skipping rows another request holds."""
    now = _db_time(timezone.now())
    t = _table()
    if connection.features.has_select_for_update_skip_locked:
        sql = (
            f"DELETE FROM {t} WHERE id IN (SELECT id FROM {t} WHERE expires_at <= %s"  # noqa: S608
            f" LIMIT %s FOR UPDATE SKIP LOCKED)"
        )
        params: list[Any] = [now, batch]
    else:  # SQLite: writers are serialised, nothing to skip
        sql = (
            f"DELETE FROM {t} WHERE id IN (SELECT id FROM {t} WHERE expires_at <= %s"  # noqa: S608
            " LIMIT %s)"
        )
        params = [now, batch]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
