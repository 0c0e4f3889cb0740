"""gunicorn settings for sanshi: `gunicorn sanshi.wsgi -c python:sanshi.core.gunicorn_conf`.

Threaded workers: a connection that sends nothing yet waits in the worker's poller instead
of holding the only thread of a sync worker (two idle connections stalled a two-worker site
for 37 s). The access log leaves out query strings and the referrer, which carry searches
by phone number and other personal data (`?q=137…`). Command-line flags override these.
"""

from __future__ import annotations

import os

worker_class = "gthread"
threads = int(os.environ.get("SANSHI_GUNICORN_THREADS", "8"))
# host, user, time, method, path WITHOUT the query (%(U)s), protocol, status, bytes, duration
access_log_format = '%(h)s - %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
