import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from annolake.env import env_bool, parse_database_url

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    inherited = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sqlite_url_is_relative_to_the_project():
    db = parse_database_url("sqlite:///var/x.sqlite3", base_dir=Path("/srv/app"))
    assert db["NAME"] == "/srv/app/var/x.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_postgres_url_is_parsed_with_escapes():
    db = parse_database_url("postgres://u%40x:p%2Fw@db.local:6543/annolake", base_dir=Path("/"))
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u@x",
        "p/w",
        "db.local",
        "6543",
        "annolake",
    )


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme"):
        parse_database_url("mysql://x/y", base_dir=Path("/"))


def test_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", True)


def test_production_mode_refuses_the_default_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_deploy_checks():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-random-enough-" + "z" * 30,
        ALLOWED_HOSTS="annolake.example",
    )
    assert result.returncode == 0, result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    import re

    read = set(
        re.findall(
            r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"',
            (ROOT / "annolake/settings.py").read_text(),
        )
    )
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - listed == set()
