"""Typed settings from the environment.

Every helper raises ConfigError naming the variable, so a wrong value stops the start with a
one-line message instead of a traceback deep inside Django.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import tempfile
from pathlib import Path

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting from the environment is missing or malformed."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


def env_str(name: str, default: str) -> str:
    """Read a string, falling back to the default when unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean written as 1/0, true/false, yes/no or on/off."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigError(name, f"expected true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Read a whole number, optionally with a lower bound."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(name, f"must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Read one of a fixed set of words."""
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ConfigError(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def env_secret(name: str) -> str | None:
    """Read a secret from NAME, or from the file named by NAME_FILE."""
    direct = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if direct and file_name:
        raise ConfigError(name, f"set either {name} or {name}_FILE, not both")
    if direct:
        return direct
    if not file_name:
        return None
    try:
        value = Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{name}_FILE", f"cannot read {file_name}: {exc.strerror}") from None
    if not value:
        raise ConfigError(f"{name}_FILE", f"{file_name} is empty")
    return value


def secret_in_data_dir(data_dir: Path, file_name: str, make: str) -> str:
    """Return a secret kept in the data dir, writing `make` there first if there is none."""
    path = data_dir / file_name
    if not path.exists():
        # Written whole under another name, then linked into place: of processes starting at
        # once on a new data dir (two web workers, two test workers) one secret wins, and
        # none reads a file half written.
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(dir=data_dir, prefix=f".{file_name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(make)
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            Path(draft).unlink()
    return path.read_text(encoding="utf-8").strip()


def parse_key_ring(name: str, raw: str) -> list[tuple[str, bytes]]:
    """Parse "kid:base64key,kid:base64key" (newest first) into 32-byte keys."""
    ring: list[tuple[str, bytes]] = []
    for item in raw.replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        kid, sep, encoded = item.partition(":")
        if not sep or not kid.isalnum():
            raise ConfigError(name, "expected kid:base64key entries separated by commas")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ConfigError(name, f"key {kid!r} is not valid base64") from None
        if len(key) != 32:
            raise ConfigError(name, f"key {kid!r} must be 32 bytes, got {len(key)}")
        if any(kid == known for known, _ in ring):
            raise ConfigError(name, f"key id {kid!r} appears twice")
        ring.append((kid, key))
    if not ring:
        raise ConfigError(name, "no keys given")
    return ring


def new_key_text(kid: str = "k1") -> str:
    """A fresh key ring entry, for the data dir of a demo or a first start."""
    return f"{kid}:{base64.b64encode(os.urandom(32)).decode()}"
