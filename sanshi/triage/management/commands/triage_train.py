"""`sanshi triage-train`: retrain with staff corrections, or build the shipped model file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.core.errors import InvalidInput
from sanshi.triage.actions import default_data_dir, ship_model, train_model
from sanshi.triage.classifier import MODEL_FILE


class Command(BaseCommand):
    help = (
        "Retrain the triage model on the shipped corpus, the labelled texts (--data) and the "
        "staff-confirmed concerns; the new version is used only if its critical recall on dev "
        "is no lower than the live one's. --ship builds the model file shipped with the code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            type=Path,
            help="folder with train.jsonl and dev.jsonl "
            "(default: ../shared/data/triage beside the repository)",
        )
        parser.add_argument(
            "--ship",
            action="store_true",
            help=f"write {MODEL_FILE.name} and prototypes.npz (no staff examples, no database)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = options["data"] or default_data_dir()
        try:
            if options["ship"]:
                model = ship_model(data)
                dev = model.info["dev"]
                self.stdout.write(
                    f"wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size:,} bytes), {model.version}: "
                    f"dev critical recall {dev['critical_recall']:.3f}, precision "
                    f"{dev['critical_precision']:.3f}, category accuracy "
                    f"{dev['category_accuracy']:.3f}; thresholds {model.thresholds}"
                )
                return
            outcome = train_model(data)
        except InvalidInput as exc:
            raise CommandError(str(exc)) from None
        r, b = outcome.report, outcome.baseline
        self.stdout.write(f"{outcome.added_examples} confirmed concerns added to the corpus")
        self.stdout.write(
            f"on dev{'':<4}{'accuracy':>10}{'crit.recall':>13}{'crit.prec':>11}\n"
            f"{'live':<10}{b.category_accuracy:>10.3f}{b.critical_recall:>13.3f}"
            f"{b.critical_precision:>11.3f}  {outcome.baseline_version}\n"
            f"{'new':<10}{r.category_accuracy:>10.3f}{r.critical_recall:>13.3f}"
            f"{r.critical_precision:>11.3f}  {outcome.version}"
        )
        if outcome.activated:
            self.stdout.write(f"activated {outcome.version}")
        else:
            self.stdout.write(f"kept {outcome.baseline_version}: {outcome.reason}")
