"""Instructions per create, counted by valgrind: a measure that does not drift with the VM.

    .venv/bin/python bench/instructions.py [--requests 50] [--warm 60] [--repeat 2]
                                           [--round-trips]

The bench's own requests (bench/targets.py) go to Django's WSGIHandler called directly in
one process, on a scratch PostgreSQL database seeded as bench/intake.py seeds it (rate
limits off). Under `valgrind --tool=callgrind` with instrumentation off until `--warm`
unmeasured creates have run, then on for `--requests` creates: the instructions this
process executes per create (Django, sanshi, the driver; PostgreSQL's own work is not
counted). Repeated counts for the same code agree within a few per cent; wall-clock figures
on the shared VM drift by a third. Needs Debian's valgrind (callgrind_control and
callgrind_annotate come with it).

With `--round-trips`, instead: the database round trips per create, counted as the
`recvfrom` calls on the process's sockets by `strace -c` attached after the warm-up (needs
Debian's strace). Each query or command psycopg sends is answered by one read.
"""

# ruff: noqa: S603, S607 - these scripts start our own programs and valgrind's tools
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import REPO, Site, drop_postgres, scratch_postgres

TARGETS = ("sanshi-api", "sanshi-open311")


def child(spec: dict[str, object]) -> None:
    """Inside valgrind: warm up, then count `requests` creates between the two toggles."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from bench.targets import request_maker

    app = WSGIHandler()
    make = request_maker({"target": spec["target"], "token": spec["token"], "tag": spec["tag"]})

    def create(i: int) -> None:
        method, path, body, headers = make(i)
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
        status: list[str] = []

        def start(line: str, _headers: object, _exc: object = None) -> object:
            status.append(line)
            return None

        response = app(environ, start)  # type: ignore[arg-type]
        b"".join(response)
        response.close()
        if not status[0].startswith("201"):
            raise SystemExit(f"create {i} answered {status[0]}")

    warm, requests = int(str(spec["warm"])), int(str(spec["requests"]))
    for i in range(warm):
        create(i)
    if spec.get("tool") == "strace":
        out = str(spec["out"])
        tracer = subprocess.Popen(
            ["strace", "-c", "-f", "-e", "trace=recvfrom", "-o", out, "-p", str(os.getpid())],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(2)  # attached
        for i in range(warm, warm + requests):
            create(i)
        tracer.terminate()
        tracer.wait()
        return
    toggle = ["callgrind_control", "-i"]
    subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)
    for i in range(warm, warm + requests):
        create(i)
    subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)


def count(site: Site, spec: dict[str, object]) -> int:
    """Instructions per create for one target, from one valgrind run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**site.env, "PYTHONHASHSEED": "0"}
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--child",
                json.dumps(spec),
            ],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
            timeout=1800,
        )
        annotated = subprocess.run(
            ["callgrind_annotate", str(out)], capture_output=True, text=True, check=True
        ).stdout
    match = re.search(r"^([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", annotated, re.MULTILINE)
    if match is None:
        match = re.search(r"^([\d,]+)\s+PROGRAM TOTALS", annotated, re.MULTILINE)
    if match is None:
        raise RuntimeError("callgrind_annotate printed no program total")
    return int(match.group(1).replace(",", "")) // int(str(spec["requests"]))


def round_trips(site: Site, spec: dict[str, object]) -> float:
    """Database round trips per create for one target, from one strace run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "strace.out"
        env = {**site.env, "PYTHONHASHSEED": "0"}
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                json.dumps({**spec, "tool": "strace", "out": str(out)}),
            ],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
            timeout=1800,
        )
        match = re.search(
            r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?recvfrom",
            out.read_text(),
            re.MULTILINE,
        )
    if match is None:
        raise RuntimeError("strace counted no recvfrom calls")
    return int(match.group(1)) / int(str(spec["requests"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warm", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--round-trips",
        action="store_true",
        help="count database round trips per create (strace) instead",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    tools = (
        ("strace",) if args.round_trips else ("valgrind", "callgrind_control", "callgrind_annotate")
    )
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        package = "strace" if args.round_trips else "valgrind"
        raise SystemExit(f"needs {', '.join(missing)}: apt-get install {package}")
    name = f"sanshi_instr_{os.getpid()}"
    site = Site(
        scratch_postgres(name), extra_env={"SANSHI_API_RATE": "0", "SANSHI_OPEN311_RATE": "0"}
    )
    try:
        print("migrating and seeding a scratch database ...", flush=True)
        site.prepare()
        tokens = {
            "sanshi-api": site.token("dispatcher", "instructions"),
            "sanshi-open311": site.sanshi("open311-key", "create", "instructions")
            .strip()
            .splitlines()[-1],
        }
        print(f"code: {REPO}; {args.warm} creates unmeasured, then {args.requests} counted")
        for run in range(args.repeat):
            for target in TARGETS:
                spec = {
                    "target": target,
                    "token": tokens[target],
                    "tag": f"i{run}",
                    "warm": args.warm,
                    "requests": args.requests,
                }
                if args.round_trips:
                    print(
                        f"{target:16s} run {run + 1}: {round_trips(site, spec):.2f} database "
                        "round trips per create",
                        flush=True,
                    )
                    continue
                per_create = count(site, spec)
                print(
                    f"{target:16s} run {run + 1}: {per_create / 1e6:.2f} million instructions "
                    "per create",
                    flush=True,
                )
    finally:
        drop_postgres(name)


if __name__ == "__main__":
    main()
