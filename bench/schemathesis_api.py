"""Run schemathesis against /api/v1/openapi.json and Open311 of a live sanshi (CI).

    .venv/bin/python bench/schemathesis_api.py [--max-examples N] [--max-time S] [--sqlite]
        [--open311-max-time S]

Serves sanshi with gunicorn on a scratch PostgreSQL database (or SQLite with --sqlite),
seeded with the test world and a few concerns, issues a token for the county dispatcher
(a staff role that can see and act on every seeded concern), and runs `st run` with every
check: no 5xx, status codes, content types, headers and bodies as documented, bad input
rejected (every check but positive_data_acceptance: see docs/api.md). Then Open311, from
the description in bench/open311_openapi.py with an Open311 key: no 5xx, documented status
codes and content types. Exits non-zero when either run fails.
"""

# ruff: noqa: S603 - these scripts start our own programs with fixed arguments
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.open311_openapi import spec
from bench.server import BIN, Site, drop_postgres, scratch_postgres


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--max-time", type=int, default=240, help="budget for the st run, seconds")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--seed", type=int, default=20250501)
    parser.add_argument("--open311-only", action="store_true", help="skip the JSON API's run")
    parser.add_argument("--open311-max-time", type=int, default=120, help="Open311's budget, s")
    args = parser.parse_args()

    db_name = f"sanshi_schemathesis_{os.getpid()}"
    if args.sqlite:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='sanshi-st-')}/db.sqlite3"
    else:
        url = scratch_postgres(db_name)
    site = Site(url, extra_env={"SANSHI_API_RATE": "0", "SANSHI_OPEN311_RATE": "0"})
    try:
        site.prepare()
        token = site.token("dispatcher", "schemathesis")
        base = site.serve(workers=2)
        command = [
            str(BIN / "st"),
            "run",
            f"{base}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            # Business rules refuse some schema-valid requests with a correct 400 (docs/api.md).
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            str(args.max_examples),
            "--max-time",
            str(args.max_time),
            "--seed",
            str(args.seed),
            "--request-timeout",
            "30",
            # One worker: CPython 3.11's ast.parse is not thread-safe, and hypothesis calls it
            # while describing strategies ("AST constructor recursion depth mismatch").
            "--workers",
            "1",
            "--suppress-health-check",
            "too_slow,filter_too_much",
        ]
        print("+", " ".join(c if "Bearer" not in c else "Authorization: Bearer …" for c in command))
        api = 0 if args.open311_only else subprocess.run(command, check=False).returncode
        return api or _open311(site, base, args)
    finally:
        site.stop()
        if not args.sqlite:
            drop_postgres(db_name)


def _open311(site: Site, base: str, args: argparse.Namespace) -> int:
    """schemathesis over Open311's endpoints, with a key of their own."""
    key = site.sanshi("open311_key", "create", "schemathesis").strip().splitlines()[-1]
    path = site.data_dir / "open311-openapi.json"
    path.write_text(json.dumps(spec(key)))
    command = [
        str(BIN / "st"),
        "run",
        str(path),
        "--url",
        base,
        "--checks",
        "not_a_server_error,status_code_conformance,content_type_conformance,"
        "response_schema_conformance",
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(args.open311_max_time),
        "--seed",
        str(args.seed),
        "--request-timeout",
        "30",
        "--workers",
        "1",
        "--suppress-health-check",
        "too_slow,filter_too_much",
    ]
    print("+", " ".join(command))
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
