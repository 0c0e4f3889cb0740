"""Every error the API sends: one JSON shape, Chinese by default, English when asked.

`{"error": code, "message": text, "fields": {field: text}}`. The language follows Django's
LocaleMiddleware (Accept-Language), so `Accept-Language: en` gives English.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from sanshi.concerns.models import DangerCheck, Status
from sanshi.core.errors import (
    ConcurrentChange,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
    SanshiError,
)

# (Chinese, English) for each message the API itself writes.
MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_input": ("请求有误，请检查标出的字段", "the request is invalid; see the fields"),
    "unauthenticated": (
        "需要有效的访问令牌（Authorization: Bearer …）",
        "a valid token is required (Authorization: Bearer …)",
    ),
    "not_allowed": ("无权对该诉求执行此操作", "you may not do this"),
    "not_found": ("未找到", "not found"),
    "conflict": ("诉求当前状态不允许此操作", "the concern's status does not allow this"),
    "concurrent_change": (
        "诉求已被他人修改，请刷新后重试",
        "the concern changed meanwhile; reload and try again",
    ),
    "payload_too_large": ("请求内容过大", "the request body is too large"),
    "rate_limited": ("请求过于频繁，请稍后再试", "too many requests; try again later"),
    "bad_json": ("请求内容不是有效的 JSON 对象", "the body is not a valid JSON object"),
    "idempotency_reused": (
        "该 Idempotency-Key 已用于另一个请求",
        "this Idempotency-Key was used for a different request",
    ),
    # field-level
    "required": ("必填", "required"),
    "unknown_field": ("未知字段", "unknown field"),
    "too_long": ("最多 {n} 个字符", "at most {n} characters"),
    "too_short": ("至少 {n} 个字符", "at least {n} characters"),
    "too_early": ("时间过早", "too early"),
    "min": ("不能小于 {n}", "must be at least {n}"),
    "max": ("不能大于 {n}", "must be at most {n}"),
    "choice": ("应为以下之一：{n}", "must be one of: {n}"),
    "integer": ("应为整数", "must be a whole number"),
    "boolean": ("应为 true 或 false", "must be true or false"),
    "number": ("应为数字", "must be a number"),
    "text": ("应为文本", "must be text"),
    "list": ("应为列表", "must be a list"),
    "object": ("应为对象", "must be an object"),
    "datetime": (
        "应为带时区的 ISO 8601 时间，如 2025-05-01T09:00:00+08:00",
        "must be an ISO 8601 time with a time zone, e.g. 2025-05-01T09:00:00+08:00",
    ),
    "date": ("应为日期，如 2025-05-01", "must be a date, e.g. 2025-05-01"),
    "format": ("格式不正确", "invalid format"),
    "control_chars": ("含有不允许的字符", "contains characters that are not allowed"),
    "not_found_field": ("不存在或无权访问", "does not exist or is not visible to you"),
    "invalid": ("值无效", "invalid value"),
    "reused": ("已用于另一个请求", "used for a different request"),
    "inactive": ("账号已停用", "the account is not active"),
}

# Field codes that the spine's actions put in InvalidInput.fields.
SPINE_FIELD_CODES = {
    "required": "required",
    "too long": "too_long",
    "too early": "too_early",
    "inactive": "inactive",
    "reused": "reused",
    "not found": "not_found_field",
    "invalid": "invalid",
}

# pydantic error types → our field message keys.
PYDANTIC_TYPES: dict[str, str] = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "too_long": "too_long",
    "greater_than_equal": "min",
    "greater_than": "min",
    "less_than_equal": "max",
    "less_than": "max",
    "literal_error": "choice",
    "enum": "choice",
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "float_type": "number",
    "float_parsing": "number",
    "finite_number": "number",
    "decimal_parsing": "number",
    "decimal_type": "number",
    "string_type": "text",
    "list_type": "list",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
    "datetime_type": "datetime",
    "datetime_parsing": "datetime",
    "datetime_from_date_parsing": "datetime",
    "timezone_aware": "datetime",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "string_pattern_mismatch": "format",
}


def english() -> bool:
    """True when the request asked for English (LocaleMiddleware set the language)."""
    return (translation.get_language() or "").lower().startswith("en")


def say(key: str, n: object = "") -> str:
    """The message for a key in the request's language."""
    zh, en = MESSAGES.get(key, MESSAGES["invalid"])
    return (en if english() else zh).format(n=n)


def body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": code, "message": message, "fields": fields or {}}


class PayloadTooLarge(Exception):
    """The request body is over the limit (413)."""


class RateLimited(Exception):
    """The token made too many requests this minute (429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class BadRequestBody(Exception):
    """The body is not JSON (400)."""


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "payload", "handlers", 0)` → `handlers.0`; query and header names as sent."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "filters"}:  # the endpoints' parameter models
        parts = parts[1:]
    return ".".join(parts) or "body"


def pydantic_field_message(error: dict[str, Any]) -> str:
    """A field message for one pydantic error, in the request's language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and isinstance(ctx.get("error"), str):
        key = str(ctx["error"]).removeprefix("Value error, ")
        return say(key if key in MESSAGES else "invalid")
    key = PYDANTIC_TYPES.get(kind, "invalid")
    n: object = ""
    if key in {"too_long", "too_short"}:
        n = ctx.get("max_length", ctx.get("min_length", ""))
    elif key in {"min", "max"}:
        n = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt", ""))))
    elif key == "choice":
        n = ctx.get("expected", "")
    return say(key, n)


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, str] = {}
    for error in errors:
        fields.setdefault(field_name(error.get("loc", ())), pydantic_field_message(error))
    return body("invalid_input", say("invalid_input"), fields)


def spine_field_message(value: str) -> str:
    key = SPINE_FIELD_CODES.get(value, "invalid")
    return say(key, "")


def sanshi_error_body(exc: SanshiError) -> tuple[int, dict[str, Any]]:
    """Status and body for an action's typed error."""
    fields = {name: spine_field_message(value) for name, value in exc.fields.items()}
    if isinstance(exc, InvalidInput):
        code, key = "invalid_input", "invalid_input"
    elif isinstance(exc, NotFound):
        code, key = "not_found", "not_found"
    elif isinstance(exc, NotAllowed):
        code, key = "not_allowed", "not_allowed"
    elif isinstance(exc, ConcurrentChange):
        code, key = "concurrent_change", "concurrent_change"
    elif "Idempotency-Key" in exc.fields:
        code, key = "idempotency_key_reused", "idempotency_reused"
        fields = {"Idempotency-Key": say("reused")}
    else:
        code, key = "conflict", "conflict"
    message = exc.message if english() else say(key)
    if isinstance(exc, IllegalTransition) and not english():
        message = f"{say(key)}（当前：{_status_label(exc.current_status)}）"
    return exc.status, body(code, message, fields)


def _status_label(status: str) -> str:
    # A danger check's state too (concerns.actions.check_danger names it when none is pending).
    labels = {
        **dict(DangerCheck.choices),
        "no check pending": DangerCheck.NONE.label,
        **dict(Status.choices),
    }
    return str(labels.get(status, status))
