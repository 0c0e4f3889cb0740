"""`sanshi triage-eval`: the engine on the corpus's eval part and on labelled real texts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.concerns.taxonomy import taxonomy
from sanshi.triage.corpus import eval_part, parse_lines, read_labelled
from sanshi.triage.engine import current_model
from sanshi.triage.evaluation import Report, evaluate


class Command(BaseCommand):
    help = (
        "Critical recall and precision (overall, per source, per kind of danger), category "
        "accuracy and the confusion matrix: on the corpus's eval part and, with --jsonl, on "
        "labelled real texts, side by side."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jsonl",
            type=Path,
            action="append",
            default=[],
            help='labelled real texts ({"text", "category", "critical", "source"} a line), '
            "e.g. ../shared/data/triage/dev.jsonl; may be given more than once",
        )
        parser.add_argument(
            "--file", help="a corpus-format JSON lines file instead of the eval part"
        )
        parser.add_argument("--json", action="store_true", help="print the reports as JSON")
        parser.add_argument(
            "--show-errors", action="store_true", help="list missed and false critical texts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sets: list[tuple[str, Any]] = []
        if options["file"]:
            path = Path(options["file"])
            sets.append((path.name, parse_lines(_read(path).splitlines(), path.name)))
        else:
            sets.append(("corpus eval", eval_part()))
        for path in options["jsonl"]:
            _read(path)
            try:
                sets.append((path.name, read_labelled(path, "dev")))
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        model = current_model()
        reports = [(name, evaluate(examples, model)) for name, examples in sets]
        if options["json"]:
            body = {"model_version": model.version, **{n: r.as_dict() for n, r in reports}}
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        self.stdout.write(render(reports, model.version, show_errors=options["show_errors"]))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


def render(reports: list[tuple[str, Report]], version: str, *, show_errors: bool = False) -> str:
    names = [n for n, _r in reports]
    width = max(14, *(len(n) + 2 for n in names))
    head = f"{'':<26}" + "".join(f"{n:>{width}}" for n in names)
    lines = [f"model {version}", "", head]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:<26}" + "".join(f"{v:>{width}}" for v in values))

    row("texts", [str(r.total) for _n, r in reports])
    row(
        "critical (labelled)",
        [str(sum(s["critical"] for s in r.per_source.values())) for _n, r in reports],
    )
    row("critical recall", [f"{r.critical_recall:.3f}" for _n, r in reports])
    row("critical precision", [f"{r.critical_precision:.3f}" for _n, r in reports])
    row("top-1 category accuracy", [f"{r.category_accuracy:.3f}" for _n, r in reports])
    row("subcategory accuracy", [f"{r.subcategory_accuracy:.3f}" for _n, r in reports])
    row(
        "to check (not critical)",
        [f"{r.needs_check} ({r.needs_check_critical} crit.)" for _n, r in reports],
    )
    for name, report in reports:
        lines += ["", f"== {name}", _per_source(report), _per_kind(report), _confusion(report)]
        if show_errors:
            lines += [
                "missed critical:",
                *report.missed_critical,
                "",
                "false critical:",
                *report.false_critical,
            ]
    return "\n".join(lines)


def _per_source(report: Report) -> str:
    lines = [f"{'source':<20}{'n':>5}{'critical':>9}{'recall':>8}{'precision':>10}{'cat.acc':>9}"]
    for source, s in report.per_source.items():
        lines.append(
            f"{source:<20}{int(s['n']):>5}{int(s['critical']):>9}{s['recall']:>8.3f}"
            f"{s['precision']:>10.3f}{s['category_accuracy']:>9.3f}"
        )
    return "\n".join(lines) + "\n"


def _per_kind(report: Report) -> str:
    lines = [f"{'kind (first named)':<20}{'flagged':>8}{'labelled critical':>19}{'precision':>10}"]
    for kind, k in report.per_kind.items():
        lines.append(
            f"{kind:<20}{int(k['flagged']):>8}{int(k['critical']):>19}{k['precision']:>10.3f}"
        )
    return "\n".join(lines) + "\n"


def _confusion(report: Report) -> str:
    cats = [c.code for c in taxonomy().categories]
    lines = [
        "confusion (rows: true, columns: predicted)",
        " " * 12 + "".join(f"{c[:5]:>6}" for c in cats),
    ]
    for t in cats:
        lines.append(f"{t:<12}" + "".join(f"{report.confusion[t][p]:>6}" for p in cats))
    return "\n".join(lines) + "\n"
