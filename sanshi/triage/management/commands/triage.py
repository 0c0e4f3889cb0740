"""`sanshi triage "TEXT"` or `sanshi triage --jsonl IN [--out OUT]`: the engine's JSON."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.triage.engine import triage, triage_batch

BATCH = 256


class Command(BaseCommand):
    help = "Triage a concern's text (and address): category, urgency, danger signals, route."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", nargs="?", help="the concern's text")
        parser.add_argument("--address", default="", help="a free-text address to route")
        parser.add_argument(
            "--jsonl", help='read lines of {"text": ..., "address": ...} ("-" for stdin)'
        )
        parser.add_argument("--out", help="write JSON lines here instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jsonl"]:
            self._many(options["jsonl"], options["out"])
            return
        if not options["text"]:
            raise CommandError(
                'give a text, e.g. sanshi triage "孩子放学后没人照看", or --jsonl FILE'
            )
        result = triage(options["text"], options["address"] or None)
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))

    def _many(self, source: str, out: str | None) -> None:
        handle = sys.stdin if source == "-" else _open(source)
        rows = list(_rows(handle))
        target: Any = Path(out).open("w", encoding="utf-8") if out else self.stdout  # noqa: SIM115
        bar = _Progress(len(rows), sys.stderr)
        try:
            for start in range(0, len(rows), BATCH):
                chunk = rows[start : start + BATCH]
                results = triage_batch([t for t, _a in chunk], [a for _t, a in chunk])
                for result in results:
                    target.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
                bar.advance(len(chunk))
        finally:
            bar.close()
            if out:
                target.close()


def _open(path: str) -> TextIO:
    try:
        return Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


def _rows(handle: TextIO) -> Iterator[tuple[str, str | None]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text = row["text"]
        except (ValueError, KeyError, TypeError):
            raise CommandError(f'line {number}: expected {{"text": ..., "address": ...}}') from None
        yield str(text), (row.get("address") or None)


class _Progress:
    """A one-line progress bar on a terminal; a line every tenth of the way otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.live = stream.isatty() and total > 0
        self.next_line = total / 10
        self.started = time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        if self.live:
            filled = int(30 * self.done / self.total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}")
            self.stream.flush()
        elif self.total and self.done >= self.next_line:
            seconds = time.monotonic() - self.started
            self.stream.write(f"{self.done}/{self.total} texts, {seconds:.0f} s\n")
            self.stream.flush()
            self.next_line += self.total / 10

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
