"""`sanshi triage-eval`: the engine on the corpus's eval part (or on a JSON lines file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanshi.concerns.taxonomy import taxonomy
from sanshi.triage.corpus import eval_part, parse_lines
from sanshi.triage.engine import current_model
from sanshi.triage.evaluation import Report, evaluate


class Command(BaseCommand):
    help = "Per-class precision and recall, the confusion matrix, critical recall and precision."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", help="evaluate on this JSON lines file instead of the eval part"
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--show-errors", action="store_true", help="list missed and false critical texts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            path = Path(options["file"])
            examples = parse_lines(path.read_text(encoding="utf-8").splitlines(), path.name)
        else:
            examples = eval_part()
        model = current_model()
        report = evaluate(examples, model)
        if options["json"]:
            self.stdout.write(
                json.dumps({"model_version": model.version, **report.as_dict()}, ensure_ascii=False)
            )
            return
        self.stdout.write(render(report, model.version, show_errors=options["show_errors"]))


def render(report: Report, version: str, *, show_errors: bool = False) -> str:
    cats = [c.code for c in taxonomy().categories]
    lines = [
        f"model {version}: {report.total} texts",
        "",
        f"{'category':<12}{'precision':>10}{'recall':>8}{'n':>5}",
    ]
    for c in cats:
        row = report.per_class[c]
        lines.append(f"{c:<12}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['support']:>5}")
    lines += [
        "",
        "confusion (rows: true, columns: predicted)",
        " " * 12 + "".join(f"{c[:5]:>6}" for c in cats),
    ]
    for t in cats:
        lines.append(f"{t:<12}" + "".join(f"{report.confusion[t][p]:>6}" for p in cats))
    lines += [
        "",
        f"top-1 category accuracy  {report.category_accuracy:.3f}",
        f"subcategory accuracy     {report.subcategory_accuracy:.3f}",
        f"critical recall          {report.critical_recall:.3f}",
        f"critical precision       {report.critical_precision:.3f}",
    ]
    if show_errors:
        lines += [
            "",
            "missed critical:",
            *report.missed_critical,
            "",
            "false critical:",
            *report.false_critical,
        ]
    return "\n".join(lines)
