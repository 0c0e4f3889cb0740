from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from sanshi.api.actions import issue_api_token


class Api:
    """A test client speaking JSON with one user's bearer token."""

    def __init__(self, user: Any, *, name: str = "tests") -> None:
        self.token, self.raw = issue_api_token(user, name=name)
        self.client = Client()
        self.headers: dict[str, str] = {"Authorization": f"Bearer {self.raw}"}

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, headers={**self.headers, **headers})

    def post(
        self, path: str, data: Any = None, *, raw: bytes | str | None = None, **headers: str
    ) -> Any:
        content = raw if raw is not None else ("" if data is None else json.dumps(data))
        return self.client.post(
            f"/api/v1{path}",
            content,
            content_type="application/json",
            headers={**self.headers, **headers},
        )


@pytest.fixture(autouse=True)
def _fresh_rate_counters() -> None:
    cache.clear()


@pytest.fixture
def api_as(world: Any) -> Callable[..., Api]:
    """`api_as(world.dispatcher)` → a JSON client with that user's token."""
    return Api
