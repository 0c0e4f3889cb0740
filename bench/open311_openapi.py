"""An OpenAPI 3 description of sanshi's Open311 GeoReport v2 endpoints (JSON format).

GeoReport v2 predates OpenAPI; this describes what sanshi serves (docs/open311.md) so that
schemathesis can try it like the JSON API. `spec(api_key)` puts a working key in the POST's
api_key, so that generated requests get past the key check and reach the field checks.
"""

from __future__ import annotations

from typing import Any

_TEXT = {"type": "string"}
_ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "required": ["code", "description"],
    },
}
_LIST = {"type": "array", "items": {"type": "object"}}
_OBJECT = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}


def _responses(ok: str = "", *errors: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if ok:
        out[ok] = {"description": "ok", "content": {"application/json": {"schema": _LIST}}}
    # 400 everywhere: a control character in the path or the query is refused at the edge
    for code in {*errors, "400", "503"}:
        out[code] = {"description": "error", "content": {"application/json": {"schema": _ERRORS}}}
    # gunicorn's own answer to a request line over 4094 bytes, before sanshi sees it
    out["414"] = {"description": "URI too long", "content": {"text/html": {"schema": _TEXT}}}
    return out


def _query(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema or _TEXT}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _TEXT}


def spec(api_key: str) -> dict[str, Any]:
    """The OpenAPI document; `api_key` is the only value the POST's api_key may take."""
    window = [
        _query("start_date", {"type": "string", "format": "date-time"}),
        _query("end_date", {"type": "string", "format": "date-time"}),
        _query("page", {"type": "integer"}),
        _query("page_size", {"type": "integer"}),
    ]
    post_fields = {
        "api_key": {"type": "string", "enum": [api_key]},
        "service_code": _TEXT,
        "description": _TEXT,
        "lat": {"type": "number"},
        "long": {"type": "number"},
        "address_string": _TEXT,
        "address_id": _TEXT,
        "email": _TEXT,
        "device_id": _TEXT,
        "account_id": _TEXT,
        "first_name": _TEXT,
        "last_name": _TEXT,
        "phone": _TEXT,
        "media_url": _TEXT,
        "jurisdiction_id": _TEXT,
    }
    form = {"type": "object", "properties": post_fields, "required": ["api_key", "service_code"]}
    replay = {"description": "a replay", "content": {"application/json": {"schema": _LIST}}}
    paths: dict[str, Any] = {
        "/open311/v2/discovery.json": {"get": {"responses": {**_responses(), "200": _OBJECT}}},
        "/open311/v2/services.json": {
            "get": {
                "parameters": [_query("jurisdiction_id")],
                "responses": _responses("200", "404"),
            }
        },
        "/open311/v2/services/{service_code}.json": {
            "get": {
                "parameters": [_path("service_code"), _query("jurisdiction_id")],
                "responses": {**_responses("200", "404"), "200": _OBJECT},
            }
        },
        "/open311/v2/requests.json": {
            "get": {
                "parameters": [
                    _query("service_request_id"),
                    _query("service_code"),
                    _query("status"),
                    _query("jurisdiction_id"),
                    *window,
                ],
                "responses": _responses("200", "400", "404"),
            },
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": form}},
                },
                "responses": {
                    **_responses("201", "400", "403", "404", "409", "413", "429"),
                    "200": replay,
                },
            },
        },
        "/open311/v2/requests/{service_request_id}.json": {
            "get": {
                "parameters": [_path("service_request_id")],
                "responses": _responses("200", "404"),
            }
        },
        "/open311/v2/tokens/{token}.json": {
            "get": {"parameters": [_path("token")], "responses": _responses("200", "404")}
        },
        "/open311/v2/servicerequestupdates.json": {
            "get": {"parameters": window, "responses": _responses("200", "400")}
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "sanshi Open311 GeoReport v2", "version": "v2"},
        "paths": paths,
    }
