"""The `sanshi` console script: Django's management entry point with our settings preset."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command; `sanshi sla-sweep` and `sanshi sla_sweep` are the same."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanshi.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from sanshi.env import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ConfigError as exc:
        sys.stderr.write(f"sanshi: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
