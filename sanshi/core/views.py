"""Health check for load balancers and orchestrators; the page shown while the database is away."""

from __future__ import annotations

import json
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER = 30
# What a database that is down, restarting or unreachable raises (not bad SQL or bad data).
UNAVAILABLE = (OperationalError, InterfaceError)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 and a calm page while the database is away; Django's 500 otherwise.

    Django calls it inside its `except` block for any exception a view or a middleware raised,
    so `sys.exc_info()` names it. The 503 page reads nothing from the database: no session, no
    user, no static manifest, and it carries the emergency numbers.
    """
    if not isinstance(sys.exc_info()[1], UNAVAILABLE):
        return defaults.server_error(request)
    return unavailable(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After, in the shape the caller reads: Open311, the API, or a page."""
    path = request.path_info
    english = translation.get_language_from_request(request).lower().startswith("en")
    if path.startswith("/open311/"):
        response = _open311(path)
    elif path.startswith("/api/"):
        message = (
            "database unavailable; try again shortly" if english else "系统暂时无法使用，请稍后再试"
        )
        body = {"error": "unavailable", "message": message, "fields": {}}
        response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        # django-csp's nonce lets the page's one <style> through the site's policy.
        context = {"english": english, "nonce": str(getattr(request, "csp_nonce", "") or "")}
        page = loader.get_template("core/unavailable.html").render(context)
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _open311(path: str) -> HttpResponse:
    """Open311's errors list (GeoReport v2), in the format the path names (XML by default)."""
    description = "service temporarily unavailable; retry later"
    if path.endswith(".json"):
        text = json.dumps([{"code": 503, "description": description}])
        return HttpResponse(text, status=503, content_type="application/json; charset=utf-8")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<errors><error><code>503</code><description>{description}</description></error></errors>"
    )
    return HttpResponse(xml, status=503, content_type="text/xml; charset=utf-8")
