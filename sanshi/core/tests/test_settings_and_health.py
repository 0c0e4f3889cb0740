from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def _sanshi(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SANSHI_", "DATABASE_URL"))
    }
    full_env.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "sanshi.manage", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SANSHI_DEBUG", "maybe", "SANSHI_DEBUG: expected true or false, got 'maybe'"),
        (
            "SANSHI_SLA_ESCALATION_GRACE_HOURS",
            "soon",
            "SANSHI_SLA_ESCALATION_GRACE_HOURS: expected a whole number, got 'soon'",
        ),
        (
            "DATABASE_URL",
            "mysql://root@localhost/x",
            "DATABASE_URL: expected a postgres:// or sqlite:// URL, got 'mysql'",
        ),
        (
            "SANSHI_TASKS_BACKEND",
            "cron",
            "SANSHI_TASKS_BACKEND: expected one of db, immediate, rq, got 'cron'",
        ),
        (
            "SANSHI_SECRET_KEY_FILE",
            "/nonexistent/key",
            "SANSHI_SECRET_KEY_FILE: cannot read /nonexistent/key: No such file or directory",
        ),
    ],
)
def test_a_wrong_setting_stops_the_start_with_one_line(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = _sanshi("check", SANSHI_DATA_DIR=str(tmp_path), **{name: value})
    assert result.returncode == 2
    assert result.stderr == f"sanshi: configuration error: {message}\n"


def test_the_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    assert _sanshi("check", SANSHI_DATA_DIR=str(tmp_path)).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert _sanshi("check", SANSHI_DATA_DIR=str(tmp_path)).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_processes_starting_at_once_on_a_new_data_dir_share_one_secret(tmp_path: Path) -> None:
    """Two web or test workers starting together on a new data dir: one secret wins, none
    fails with the file existing and none reads it half written."""
    script = (
        "import sys, time; from pathlib import Path; from sanshi.env import secret_in_data_dir;"
        "time.sleep(max(0, float(sys.argv[3]) - time.time()));"
        "print(secret_in_data_dir(Path(sys.argv[1]), 'secret_key', sys.argv[2] * 4000))"
    )
    at = str(time.time() + 3)  # all eight call at the same moment
    starts = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", script, str(tmp_path), str(n), at],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    answers = {p.communicate(timeout=60)[0].strip() for p in starts}
    assert [p.returncode for p in starts] == [0] * 8
    assert answers == {(tmp_path / "secret_key").read_text()}
    assert len(answers.pop()) == 4000
    assert sorted(f.name for f in tmp_path.iterdir()) == ["secret_key"]


@pytest.mark.django_db
def test_healthz_answers_ok() -> None:
    from sanshi.concerns.sweep import record_sweep_run

    record_sweep_run("sla")
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})


def test_healthz_answers_503_when_the_database_is_down(tmp_path: Path) -> None:
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHI_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sanshi.settings",
        SANSHI_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing_listens_here",
        SANSHI_ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip() == '503 {"status": "error", "database": "unavailable"}'


@pytest.mark.parametrize(
    ("flag", "options"),
    [
        ({}, "{'server_side_binding': True, 'prepare_threshold': 5}"),
        ({"SANSHI_DB_PREPARED": "false"}, "{}"),
    ],
)
def test_postgresql_binds_server_side_and_prepares_unless_turned_off(
    tmp_path: Path, flag: dict[str, str], options: str
) -> None:
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = _sanshi(
        "shell",
        "-v",
        "0",
        "-c",
        show,
        SANSHI_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://someone@db.invalid:5432/sanshi",
        **flag,
    )
    assert (result.returncode, result.stdout) == (0, options + "\n")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's binding")
def test_on_postgresql_a_repeated_statement_is_prepared() -> None:
    """The sixth run of one statement on a connection uses a prepared statement."""
    for _ in range(6):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orgs_org WHERE level = %s", ["city"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%FROM orgs_org WHERE level = $1%"],
        )
        assert cursor.fetchone() == (1,)


PRODUCTION = {
    "SANSHI_SECURE_COOKIES": "true",
    "SANSHI_HSTS_SECONDS": "31536000",
    "SANSHI_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SANSHI_HSTS_PRELOAD": "true",
    "SANSHI_SSL_REDIRECT": "true",
    "SANSHI_ALLOWED_HOSTS": "sanshi.example.org",
    "SANSHI_CSRF_TRUSTED_ORIGINS": "https://sanshi.example.org",
}


def test_check_deploy_is_clean_with_the_production_settings_of_docs_operations(
    tmp_path: Path,
) -> None:
    # Only the production settings: nothing another test or the shell left in the environment.
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SANSHI_", "DATABASE_", "DJANGO_"))
    }
    env = {**clean, **PRODUCTION, "SANSHI_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "sanshi.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (
        0,
        "System check identified no issues (1 silenced).",
    ), done.stderr


def test_a_site_without_csrf_middleware_fails_the_check(settings: Any) -> None:
    from sanshi.core.checks import csrf_middleware

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "Csrf" not in m]

    assert [m.id for m in csrf_middleware()] == ["sanshi.E001"]
