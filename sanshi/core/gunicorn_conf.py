"""gunicorn settings for sanshi: `gunicorn sanshi.wsgi -c python:sanshi.core.gunicorn_conf`.

Threaded workers: a connection that sends nothing holds one thread for at most 5 s (gunicorn's
gthread then parks it in the worker's poller), not the only thread of a sync worker (two idle
connections stalled a two-worker site for 37 s). 16 threads a worker: with two workers, 20
idle or 20 half-sent connections held open leave the site answering in milliseconds
(bench/slow_clients.py; with 8 threads a request waited up to 9.5 s behind them). Each
thread that serves a request keeps its own database connection: 2 workers x 16 threads is up
to 32 PostgreSQL connections. The access log leaves out query strings and the referrer, which carry searches
by phone number and other personal data (`?q=137…`). Command-line flags override these.
"""

from __future__ import annotations

import os

worker_class = "gthread"
threads = int(os.environ.get("SANSHI_GUNICORN_THREADS", "16"))
# host, user, time, method, path WITHOUT the query (%(U)s), protocol, status, bytes, duration
access_log_format = '%(h)s - %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
