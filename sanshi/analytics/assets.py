"""The dashboard's chart library, Apache ECharts, fetched from the npm registry at setup.

Pinned by version and by npm's sha512 integrity value; the file lands in the app's static
folder (git-ignored) and is served from the site itself: no CDN, nothing fetched at run time.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

ECHARTS_VERSION = "5.6.0"
ECHARTS_URL = f"https://registry.npmjs.org/echarts/-/echarts-{ECHARTS_VERSION}.tgz"
# `npm view echarts@5.6.0 dist.integrity`
ECHARTS_INTEGRITY = "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=="
MEMBER = "package/dist/echarts.min.js"
TARGET = Path(__file__).parent / "static" / "analytics" / "vendor" / "echarts.min.js"


class AssetError(Exception):
    pass


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def extract(tarball: bytes, target: Path = TARGET) -> Path:
    """Check the tarball against the pinned integrity and write dist/echarts.min.js."""
    if integrity_of(tarball) != ECHARTS_INTEGRITY:
        raise AssetError(f"echarts {ECHARTS_VERSION}: the tarball does not match its integrity")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise AssetError(f"{MEMBER} is not in the echarts tarball")
        script = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(script)
    partial.replace(target)  # never a half-written file under the real name
    return target


def fetch_echarts(target: Path = TARGET, url: str = ECHARTS_URL) -> bool:
    """Download and install the file unless it is there already; True if it was fetched."""
    if target.exists() and target.stat().st_size > 0:
        return False
    if not url.startswith("https://"):
        raise AssetError("the registry must be reached over https")
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (https only, above)
        tarball = response.read()
    extract(tarball, target)
    return True
