"""Django's PostgreSQL backend, whose health check asks the server only when it has spoken.

With CONN_HEALTH_CHECKS (which sanshi turns on, so that a restarted database never answers
a request with a 500) Django sends `SELECT 1` before the first query of every request that
reuses a connection: one round trip of the nine an intake makes (docs/benchmarks.md,
session 7). A connection that is idle between requests has nothing to read from the server
unless the server has something to say: when it shuts down or its backend is terminated it
sends the reason and closes the socket, and a crash closes the socket too. So an idle
connection with nothing to read is taken as healthy without asking; one with something to
read (or not idle, or already known broken) is checked with Django's own `SELECT 1`.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import _queries
from psycopg.pq import TransactionStatus

# psycopg keeps the parsed form of a query (its %s placeholders found, the query rewritten
# with $n) in an LRU cache of 128 queries, but only for queries of at most 50 parameters.
# An intake's first statement (a concern and its timeline rows, sanshi.core.rows) has about
# 60, and parsing it anew costs about 85 microseconds per intake. The statements sanshi
# builds are a fixed set, so the limit is raised; the cache keeps its size.
PARSED_QUERY_PARAMS = 200
if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", PARSED_QUERY_PARAMS) < PARSED_QUERY_PARAMS:
    _queries.MAX_CACHED_STATEMENT_PARAMS = PARSED_QUERY_PARAMS


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        if raw.info.transaction_status != TransactionStatus.IDLE:
            return bool(super().is_usable())
        try:
            readable, _, _ = select.select([raw.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(super().is_usable()) if readable else True
