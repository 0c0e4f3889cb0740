"""The PostgreSQL backend's health check: no round trip for a quiet idle connection, the
server asked whenever it has spoken, and a terminated backend replaced before the request."""

from __future__ import annotations

import select
import tempfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "sanshi.core.postgresql",
        reason="PostgreSQL only (DATABASE_URL=postgresql://...)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _admin() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                           password=db["PASSWORD"] or None, dbname=db["NAME"],
                           autocommit=True)  # fmt: skip


def _traffic(check: object) -> tuple[object, str]:
    """What `check()` returned and the protocol messages libpq traced meanwhile."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trace"
        with path.open("w") as out:
            connection.connection.pgconn.trace(out.fileno())
            try:
                result = check()  # type: ignore[operator]
            finally:
                if connection.connection is not None and not connection.connection.closed:
                    connection.connection.pgconn.untrace()
        return result, path.read_text()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_quiet_idle_connection_is_healthy_without_a_round_trip() -> None:
    _backend_pid()
    usable, traffic = _traffic(connection.is_usable)
    assert usable is True
    assert traffic == ""


def test_a_terminated_backend_is_found_and_replaced_before_the_next_query() -> None:
    pid = _backend_pid()
    with _admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server says why and closes the socket: readable, so Django's SELECT 1 is sent.
    select.select([connection.connection.fileno()], [], [], 5)
    assert connection.is_usable() is False
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert connection.connection is None
    assert _backend_pid() != pid


def test_a_connection_the_server_has_spoken_on_is_asked() -> None:
    with connection.cursor() as cursor:
        cursor.execute("LISTEN sanshi_health")
    with _admin() as admin:
        admin.execute("NOTIFY sanshi_health")
    # Delivered to an idle session at once; give the server a moment to write it.
    select.select([connection.connection.fileno()], [], [], 5)
    usable, traffic = _traffic(connection.is_usable)
    assert usable is True
    assert "SELECT 1" in traffic
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")


def test_a_statement_of_sixty_parameters_is_parsed_once() -> None:
    from psycopg import _queries

    sql = "SELECT " + ", ".join(["%s::integer"] * 60)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(range(60)))
        before = _queries._query2pg.cache_info()
        cursor.execute(sql, list(range(60, 120)))
        after = _queries._query2pg.cache_info()
        assert cursor.fetchone() == tuple(range(60, 120))
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)
