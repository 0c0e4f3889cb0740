"""The chart library comes only from the pinned tarball (checked against npm's integrity)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from sanshi.analytics import assets


def _tarball(content: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        info = tarfile.TarInfo(assets.MEMBER)
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    return out.getvalue()


def test_a_tarball_that_does_not_match_the_pinned_integrity_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "echarts.min.js"
    with pytest.raises(assets.AssetError, match="does not match its integrity"):
        assets.extract(_tarball(b"alert('not echarts')"), target)
    assert not target.exists()


def test_an_installed_file_is_not_fetched_again(tmp_path: Path) -> None:
    target = tmp_path / "echarts.min.js"
    target.write_bytes(b"/* installed */")
    assert assets.fetch_echarts(target, url="http://example.invalid/") is False
    assert target.read_bytes() == b"/* installed */"


def test_the_installed_file_is_the_pinned_echarts() -> None:
    if not assets.TARGET.exists():
        pytest.fail("echarts is not installed: run `make assets` (sanshi fetch-assets)")
    head = assets.TARGET.read_bytes()[:2000]
    assert b"Apache" in head or b"echarts" in head
    assert (
        assets.integrity_of(b"")
        == "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )
