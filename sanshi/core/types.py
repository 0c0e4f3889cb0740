"""Small shared types."""

from __future__ import annotations

from typing import Any, Protocol


class Progress(Protocol):
    """Anything with write(): a file, or a management command's stdout."""

    def write(self, msg: str, /) -> Any: ...
