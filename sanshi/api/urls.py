from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path

from sanshi.api.api import api
from sanshi.api.errors import body, say


def not_found(request: HttpRequest) -> JsonResponse:
    """Anything under /api/v1/ that no endpoint matches: a JSON 404, not an HTML page."""
    return JsonResponse(body("not_found", say("not_found")), status=404)


urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.urls),
    re_path(r"^", not_found),
]
