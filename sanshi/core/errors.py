"""The one small family of typed errors that actions raise and the web and API layers map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SanshiError(Exception):
    """Base of every error an action raises on purpose."""

    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(SanshiError):
    """The input is malformed or breaks a rule; nothing was written."""

    status = 400


class NotFound(SanshiError):
    """Missing or not visible to this user: the two look the same."""

    status = 404


class NotAllowed(SanshiError):
    """The user may see the record but may not take this action."""

    status = 403


class Conflict(SanshiError):
    """The record is not in a state that allows this; nothing was written."""

    status = 409


class IllegalTransition(Conflict):
    """A lifecycle step that the concern's current status does not allow."""

    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"cannot {action} a concern that is {status}")
        self.action = action
        self.current_status = status


class ConcurrentChange(Conflict):
    """Someone else changed the record first."""


def show_on_form(form: Any, exc: SanshiError, messages: Mapping[str, Any] | None = None) -> None:
    """An action's refusal on the form that asked for it: on the first field it names that
    the form has (in the form's own words where `messages` has some for that field), else
    above the form."""
    for field in exc.fields:
        if field in form.fields:
            form.add_error(field, (messages or {}).get(field, exc.message))
            return
    form.add_error(None, exc.message)
