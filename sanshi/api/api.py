"""The NinjaAPI at /api/v1/: authentication, the error mapping, and its routers."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from sanshi.api import conf
from sanshi.api.auth import BearerToken
from sanshi.api.errors import (
    BadRequestBody,
    PayloadTooLarge,
    RateLimited,
    body,
    sanshi_error_body,
    say,
    validation_body,
)
from sanshi.core.errors import SanshiError

log = logging.getLogger(__name__)

DESCRIPTION = """
The JSON API of sanshi (三事) for staff applications.

Authenticate with `Authorization: Bearer <token>`; tokens come from the admin site or
`sanshi api-token USERNAME`. Every answer is scoped to what the token's user may see;
protected concerns come back redacted (`redacted: true`, text, address and reporter null)
to those who may not read them in full.

Errors are `{"error": code, "message": text, "fields": {field: text}}`, in Chinese, or in
English with `Accept-Language: en`. Request bodies must be JSON objects; unknown fields are
rejected (400). Unknown query parameters are ignored. Bodies over the size limit get 413;
more requests per minute than the token's limit get 429 with `Retry-After`.
`POST /concerns` and `POST /volunteers/hours` honour `Idempotency-Key`: a retry with the
same key and body returns the first response and creates nothing.
"""


class SizedJsonParser(Parser):
    """JSON bodies only, and never more than the limit (also when no length was declared)."""

    def parse_body(self, request: HttpRequest) -> Any:
        import json

        try:
            raw = request.body
        except RequestDataTooBig:
            raise PayloadTooLarge from None
        if len(raw) > conf.max_body_bytes():
            raise PayloadTooLarge
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise BadRequestBody from None


api = NinjaAPI(
    title="sanshi API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=BearerToken(),
    parser=SizedJsonParser(),
    docs_url="/docs",
)


def _json(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, payload, status=status)


@api.exception_handler(SanshiError)
def _sanshi_error(request: HttpRequest, exc: SanshiError) -> HttpResponse:
    status, payload = sanshi_error_body(exc)
    return _json(request, status, payload)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _json(request, 400, validation_body(exc.errors))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _json(request, 401, body("unauthenticated", say("unauthenticated")))
    response["WWW-Authenticate"] = 'Bearer realm="sanshi"'
    return response


@api.exception_handler(PayloadTooLarge)
def _too_large(request: HttpRequest, exc: PayloadTooLarge) -> HttpResponse:
    return _json(request, 413, body("payload_too_large", say("payload_too_large")))


@api.exception_handler(RequestDataTooBig)
def _too_big_for_django(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _too_large(request, PayloadTooLarge())


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _json(request, 429, body("rate_limited", say("rate_limited")))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(BadRequestBody)
def _bad_body(request: HttpRequest, exc: BadRequestBody) -> HttpResponse:
    return _json(request, 400, body("invalid_input", say("bad_json"), {"body": say("bad_json")}))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja raises these for bodies it cannot read; say so in our shape.
    if exc.status_code == 400:
        return _bad_body(request, BadRequestBody())
    return _json(request, exc.status_code, body("error", str(exc)))


@api.exception_handler(RawPostDataException)
def _raw_post(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    return _bad_body(request, BadRequestBody())


@api.exception_handler(DatabaseError)
def _database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    # Bad input never gets here (it is validated first); this is the database failing.
    log.exception("database error in the API")
    response = _json(request, 503, body("unavailable", "database unavailable"))
    response["Retry-After"] = "5"
    return response


def _add_routers() -> None:
    from sanshi.agencies.api import router as agencies_router
    from sanshi.api.endpoints import concerns, lifecycle, privacy, reference
    from sanshi.attachments.api import router as attachments_router
    from sanshi.duties.api import router as duties_router
    from sanshi.network.api import router as network_router
    from sanshi.volunteers.api import router as volunteers_router

    api.add_router("/concerns", concerns.router)
    api.add_router("/concerns", lifecycle.router)
    api.add_router("/concerns", privacy.router)
    api.add_router("", reference.router)
    api.add_router("/network", network_router)
    api.add_router("/agencies", agencies_router)
    api.add_router("/duties", duties_router)
    api.add_router("/concerns", attachments_router)
    api.add_router("/volunteers", volunteers_router)


_add_routers()
