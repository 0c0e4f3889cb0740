"""Scripts fetched from the npm registry at setup: the dashboard's charts and the tests' axe.

Apache ECharts is pinned by version and by npm's sha512 integrity value; the file lands in the
app's static folder (git-ignored) and is served from the site itself: no CDN, nothing fetched
at run time. axe-core (the accessibility checker) is pinned the same way but lands outside every
static folder: only the browser tests inject it into a page; it is never served to users.
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


# `npm view axe-core@4.14.1 dist.integrity`
AXE_VERSION = "4.14.1"
AXE_URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE_MEMBER = "package/axe.min.js"
# Not a static folder: the browser tests read it from here (git-ignored).
AXE_TARGET = Path(__file__).resolve().parents[1] / "core" / "tests" / "vendor" / "axe.min.js"


class AssetError(Exception):
    pass


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def extract(
    tarball: bytes,
    target: Path = TARGET,
    *,
    name: str = f"echarts {ECHARTS_VERSION}",
    integrity: str = ECHARTS_INTEGRITY,
    member_name: str = MEMBER,
) -> Path:
    """Check the tarball against the pinned integrity and write the one file we use from it."""
    if integrity_of(tarball) != integrity:
        raise AssetError(f"{name}: the tarball does not match its integrity")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile(member_name)
        if member is None:
            raise AssetError(f"{member_name} is not in the {name} tarball")
        script = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(script)
    partial.replace(target)  # never a half-written file under the real name
    return target


def _download(url: str) -> bytes:
    if not url.startswith("https://"):
        raise AssetError("the registry must be reached over https")
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (https only, above)
        return bytes(response.read())


def fetch_echarts(target: Path = TARGET, url: str = ECHARTS_URL) -> bool:
    """Download and install the file unless it is there already; True if it was fetched."""
    if target.exists() and target.stat().st_size > 0:
        return False
    extract(_download(url), target)
    return True


def fetch_axe(target: Path = AXE_TARGET, url: str = AXE_URL) -> bool:
    """Download axe-core for the browser tests unless it is there; True if it was fetched."""
    if target.exists() and target.stat().st_size > 0:
        return False
    extract(
        _download(url),
        target,
        name=f"axe-core {AXE_VERSION}",
        integrity=AXE_INTEGRITY,
        member_name=AXE_MEMBER,
    )
    return True
